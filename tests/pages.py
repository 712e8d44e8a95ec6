"""Helpers for page tests: the page as text, dates as typed, refused posts, 404 pages identical to missing."""

import datetime as dt
import html
import re

from django.utils import timezone

# Parts of a page that differ per request: the CSRF token and the language form's return path.
PER_REQUEST = re.compile(rb'name="(?:csrfmiddlewaretoken|next)" (?:type="hidden" )?value="[^"]*"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def stable_body(response) -> bytes:
    """The page without its per-request parts, so two answers can be compared byte for byte."""
    return PER_REQUEST.sub(b"", response.content)


def dmy(day: dt.date) -> str:
    """A date as the forms take it (dd/mm/yyyy)."""
    return day.strftime("%d/%m/%Y")


def today() -> dt.date:
    return timezone.localdate()


def text(response) -> str:
    """The page's HTML with entities decoded, to look for Vietnamese messages in it."""
    return html.unescape(response.content.decode())


def page_shape(response, code: str) -> str:
    """The body with what legitimately differs removed: the per-response CSRF mask and the code in the URL."""
    return CSRF.sub("", response.content.decode()).replace(code, "<code>")


def refused_post(client, url, data, message, *, state):
    """POST bad input: 400, the Vietnamese message on the page, nothing changed (``state()`` is the same)."""
    before = state()
    response = client.post(url, data)
    assert response.status_code == 400, response.status_code
    assert message in response.content.decode(), message
    assert state() == before
    return response


def assert_out_of_scope_like_missing(client, personas, *, base: str, outside: str, missing: str, pages) -> None:
    """Every persona but the administrator: each page of the out-of-scope object ``base + outside + "/" + page``
    answers GET and POST exactly like the same page of the missing ``missing``: 404 with the same body."""
    for persona in personas:
        if persona.role == "admin":
            continue
        client.force_login(persona)
        for page in pages:
            for method in ("get", "post"):
                outside_response = getattr(client, method)(f"{base}{outside}/{page}")
                missing_response = getattr(client, method)(f"{base}{missing}/{page}")
                assert outside_response.status_code == missing_response.status_code == 404, (
                    persona.username, page, method
                )
                assert page_shape(outside_response, outside) == page_shape(missing_response, missing)
