"""Domain errors carry a translated, user-facing message and (optionally) the field they concern."""

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A refused use case. Subclasses Django's ValidationError so forms show it next to the field.

    ``DomainError(_("…"), field="phone")`` → ``{"phone": ["…"]}`` in a form; the CLI prints the message.
    """

    def __init__(self, message, *, field: str | None = None, code: str | None = None, params=None):
        self.field = field
        if field:
            super().__init__({field: [ValidationError(message, code=code, params=params)]})
        else:
            super().__init__(message, code=code, params=params)

    def text(self) -> str:
        return "; ".join(str(m) for m in self.messages)
