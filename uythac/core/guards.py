"""Checks shared by the write services: required text, dates, referenced objects inside the actor's scope.

Every helper raises ``DomainError`` on the named field with a Vietnamese message, so a form shows it next to
the input. Messages are translated at call time (``gettext``), when the request's language is active.
"""

import datetime as dt
from collections.abc import Callable, Iterable

from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.core.identifiers import normalize_phone
from uythac.core.text import collapse_spaces


def today() -> dt.date:
    """The business "today": the local date in Asia/Ho_Chi_Minh."""
    return timezone.localdate()


def code_of(value, attr: str = "code") -> str:
    """Services accept a model instance or its code; guarded fetches take the code."""
    return str(getattr(value, attr, value)).strip()


def fetch_referenced(access: Callable, actor, value, *, field: str, message: str, attr: str = "code", **kwargs):
    """Fetch an object the write refers to through its guarded fetch; out of scope or missing → DomainError.

    The message must not tell out-of-scope from missing (the guarded fetch answers both with 404).
    """
    try:
        return access(actor, code_of(value, attr), **kwargs)
    except Http404:
        raise DomainError(message, field=field) from None


def clean_text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """Collapse whitespace; refuse empty (when required) or too long text."""
    text = collapse_spaces(value if isinstance(value, str) else ("" if value is None else str(value)))
    if required and not text:
        raise DomainError(_("Chưa nhập %(label)s.") % {"label": label}, field=field)
    if len(text) > max_length:
        raise DomainError(
            _("%(label)s dài quá %(max)d ký tự.") % {"label": capfirst(label), "max": max_length}, field=field
        )
    return text


def clean_date(value, *, field: str, label: str, required: bool = True, allow_future: bool = False) -> dt.date | None:
    """A business date: a ``datetime.date`` (not a datetime), optionally required and not after today."""
    if value is None or value == "":
        if required:
            raise DomainError(_("Chưa nhập %(label)s.") % {"label": label}, field=field)
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise DomainError(_("%(label)s không hợp lệ.") % {"label": capfirst(label)}, field=field)
    if not allow_future and value > today():
        raise DomainError(
            _("%(label)s (%(date)s) không được sau ngày hôm nay.")
            % {"label": capfirst(label), "date": value.strftime("%d/%m/%Y")},
            field=field,
        )
    return value


def clean_choice(value, choices, *, field: str, label: str) -> str:
    """A value of a ``TextChoices`` class."""
    if value not in choices.values:
        raise DomainError(_("%(label)s không hợp lệ.") % {"label": capfirst(label)}, field=field)
    return value


def apply_changes(changes: dict, allowed: Iterable[str], *, immutable: dict[str, str] | None = None) -> None:
    """Guard ``<entity>_update(**changes)``: immutable keys are refused with their message, unknown keys are a bug."""
    for key in changes:
        if immutable and key in immutable:
            raise DomainError(immutable[key], field=key)
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise TypeError(f"unexpected field(s): {', '.join(unknown)}")


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def clean_phone(value, *, field: str = "phone") -> str:
    """A Vietnamese phone number stored as its 10 national digits, or "" when none is given."""
    raw = str(value or "").strip()
    if not raw:
        return ""
    try:
        return normalize_phone(raw)
    except ValueError:
        raise DomainError(
            _("Số điện thoại %(value)s không hợp lệ: cần 10 chữ số bắt đầu bằng 0 (ví dụ 0912345678).")
            % {"value": raw},
            field=field,
        ) from None
