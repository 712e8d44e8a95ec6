"""Vietnamese unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, so a phone set to English would get an English
uythac. Here only the explicit choice (the language cookie written by the language switch) counts; everyone
else gets ``settings.LANGUAGE_CODE`` (Vietnamese).
"""

from django.conf import settings
from django.utils import translation

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in SUPPORTED else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
