"""Checks shared by the write services: required text, dates, referenced objects inside the actor's scope; and
the shared update flow (re-validate, write only what changed, audit).

Every helper raises ``DomainError`` on the named field with a Vietnamese message, so a form shows it next to
the input. Messages are translated at call time (``gettext``), when the request's language is active.
"""

import datetime as dt
from collections.abc import Callable, Iterable

from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.identifiers import normalize_phone
from uythac.core.text import collapse_spaces


def today() -> dt.date:
    """The business "today": the local date in Asia/Ho_Chi_Minh."""
    return timezone.localdate()


def code_of(value, attr: str = "code") -> str:
    """Services accept a model instance or its code; guarded fetches take the code."""
    return str(getattr(value, attr, value)).strip()


def is_missing(value) -> bool:
    """Nothing chosen: ``None`` or an empty form value."""
    return value is None or value == ""


def fetch_referenced(
    access: Callable, actor, value, *, field: str, message: str, empty: str | None = None, attr: str = "code",
    **kwargs,
):
    """Fetch an object the write refers to through its guarded fetch; out of scope or missing → DomainError.

    ``message`` may name the code as ``%(code)s``; it must not tell out-of-scope from missing (the guarded fetch
    answers both with 404). With ``empty``, nothing chosen is refused with that message ("Chưa chọn xã.").
    """
    if empty is not None and is_missing(value):
        raise DomainError(empty, field=field)
    code = code_of(value, attr)
    try:
        return access(actor, code, **kwargs)
    except Http404:
        raise DomainError(message % {"code": code}, field=field) from None


def clean_text(
    value, *, field: str, label: str, max_length: int | None = None, required: bool = True, multiline: bool = False
) -> str:
    """Collapse whitespace (multi-line text such as minutes is only trimmed); refuse empty (when required) or too
    long text."""
    raw = value if isinstance(value, str) else ("" if value is None else str(value))
    text = raw.strip() if multiline else collapse_spaces(raw)
    if required and not text:
        raise DomainError(_("Chưa nhập %(label)s.") % {"label": label}, field=field)
    if max_length is not None and len(text) > max_length:
        raise DomainError(
            _("%(label)s dài quá %(max)d ký tự.") % {"label": capfirst(label), "max": max_length}, field=field
        )
    return text


def clean_date(value, *, field: str, label: str, required: bool = True, allow_future: bool = False) -> dt.date | None:
    """A business date: a ``datetime.date`` (not a datetime), optionally required and not after today."""
    if is_missing(value):
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


def check_not_before(value: dt.date, bound: dt.date, *, field: str, label: str, bound_label: str) -> None:
    """One date of a record must not precede another (e.g. the date a member joins vs the group's founding)."""
    if value < bound:
        raise DomainError(
            _("%(label)s (%(on)s) không được trước %(bound_label)s (%(bound)s).")
            % {"label": capfirst(label), "on": format_date(value), "bound_label": bound_label,
               "bound": format_date(bound)},
            field=field,
        )


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


def update_with_audit(
    actor, target, changes: dict, editable: Iterable[str], clean: Callable, action: str, *,
    extra: Callable[[], dict] | None = None, m2m: str | None = None,
):
    """The update flow of ``<entity>_update(**changes)``, inside the caller's transaction on a locked ``target``.

    The whole record is validated again with the changes applied (``clean(actor, raw, current=target)`` returns
    the values to store); it is saved and audited only when something changed. ``extra`` adds keys to the
    before/after snapshots (e.g. the codes of an M2M set); ``m2m`` names the one M2M field among ``editable``.
    """
    raw = {field: getattr(target, field) for field in editable if field != m2m}
    if m2m:
        raw[m2m] = list(getattr(target, m2m).all())
    raw.update(changes)
    data = clean(actor, raw, current=target)
    before = snapshot(target, extra=extra() if extra else None)
    related = data.pop(m2m) if m2m else None
    for field, value in data.items():
        setattr(target, field, value)
    if m2m and {obj.pk for obj in related} != {obj.pk for obj in getattr(target, m2m).all()}:
        getattr(target, m2m).set(related)
    elif snapshot(target, extra=extra() if extra else None) == before:
        return target
    target.save()
    after = snapshot(target, extra=extra() if extra else None)
    audit_event_record(actor=actor, action=action, instance=target, before=before, after=after)
    return target


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
