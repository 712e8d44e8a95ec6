"""Form fields choosing objects by business code among the user's scoped queryset.

A credit officer choosing among two communes gets a select; an administrator choosing among 3,321 communes
gets a text input for the code (a 3,000-option select is unusable on a phone). Either way the value is
looked up only inside the scoped queryset, so an out-of-scope code is refused like an unknown one.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

SELECT_LIMIT = 300
_SEPARATORS = re.compile(r"[\s,;]+")


class CodeListInput(forms.TextInput):
    """Several codes typed in one box, separated by commas or spaces."""

    def value_from_datadict(self, data, files, name):
        raw = data.get(name, "")
        return [code for code in _SEPARATORS.split(raw) if code]

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return super().format_value(value)


def _text_widget(hint: str, widget_class=forms.TextInput):
    return widget_class(attrs={"autocomplete": "off", "placeholder": hint})


class CodeChoiceField(forms.ModelChoiceField):
    def __init__(self, queryset, *, normalize=None, code_field: str = "code", hint: str = "", **kwargs):
        kwargs.setdefault("to_field_name", code_field)
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "invalid_choice", _("Không tìm thấy mã này, hoặc đối tượng nằm ngoài phạm vi quản lý của bạn.")
        )
        super().__init__(queryset, **kwargs)
        self.normalize = normalize
        self.uses_text_input = queryset.count() > SELECT_LIMIT
        if self.uses_text_input:
            self.widget = _text_widget(hint)

    def to_python(self, value):
        if self.normalize is not None and value not in self.empty_values:
            value = self.normalize(str(value))
        return super().to_python(value)


class CodeMultipleChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, queryset, *, normalize=None, code_field: str = "code", hint: str = "", **kwargs):
        kwargs.setdefault("to_field_name", code_field)
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "invalid_choice", _("Mã %(value)s không tồn tại hoặc nằm ngoài phạm vi quản lý của bạn.")
        )
        super().__init__(queryset, **kwargs)
        self.normalize = normalize
        self.uses_text_input = queryset.count() > SELECT_LIMIT
        if self.uses_text_input:
            self.widget = _text_widget(hint, CodeListInput)

    def clean(self, value):
        if self.normalize is not None and value:
            value = [self.normalize(str(v)) for v in value]
        return super().clean(value)
