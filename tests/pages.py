"""Helpers for page tests."""

import re

# Parts of a page that differ per request: the CSRF token and the language form's return path.
PER_REQUEST = re.compile(rb'name="(?:csrfmiddlewaretoken|next)" (?:type="hidden" )?value="[^"]*"')


def stable_body(response) -> bytes:
    """The page without its per-request parts, so two answers can be compared byte for byte."""
    return PER_REQUEST.sub(b"", response.content)
