"""Accounting periods (months) of the ledger: closing, reopening, and the open-period check of every posting.

A period is a calendar month written "YYYY-MM". Its ``LedgerPeriod`` row appears, OPEN, the first time something is
posted with a value date in that month. Rules:

* Nothing is posted (or reversed) with a value date in a CLOSED month; corrections of a closed month are reversals
  dated in an open month.
* ``period_close``: administrators only, once the month has ended (its last day is before today), and only when no
  earlier month is still open — months close in order. Audited (``ledger.period_close``).
* ``period_reopen``: administrators only, with a reason, and only when no later month is closed — months reopen in
  reverse order. Audited (``ledger.period_reopen``, the reason in the note).

Concurrency: every posting takes a shared lock on its month's row (PostgreSQL ``FOR SHARE``) and closing takes the
exclusive lock (``FOR UPDATE``), so a close waits for postings in flight and no posting commits into a month that
closed meanwhile. SQLite runs write transactions one at a time (``transaction_mode=IMMEDIATE``), which gives the same.
"""

import calendar
import datetime as dt
import re
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.accounts.models import Role
from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import clean_text, format_date, today
from uythac.ledger.models import LedgerPeriod, PeriodStatus

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def period_of(day: dt.date) -> str:
    """The period "YYYY-MM" a value date falls in."""
    return f"{day.year:04d}-{day.month:02d}"


def period_parse(value) -> str:
    """A period given as "YYYY-MM", a ``LedgerPeriod`` or a date (its month); anything else → DomainError."""
    if isinstance(value, LedgerPeriod):
        return value.period
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return period_of(value)
    text = str(value or "").strip()
    if not _PERIOD.match(text) or int(text[:4]) < 1900:
        raise DomainError(_("Kỳ «%(value)s» không hợp lệ: cần dạng YYYY-MM, ví dụ 2025-11.") % {"value": text},
                          field="period")
    return text


def period_last_day(period: str) -> dt.date:
    year, month = int(period[:4]), int(period[5:7])
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def periods_lock_open(value_dates: Iterable[dt.date], *, field: str = "value_date") -> None:
    """Inside the posting transaction: lock (shared) the month of each value date and refuse a closed one."""
    first_day_by_period: dict[str, dt.date] = {}
    for day in sorted(set(value_dates)):
        first_day_by_period.setdefault(period_of(day), day)
    for period, day in first_day_by_period.items():
        row, _created = LedgerPeriod.objects.get_or_create(period=period)
        status = row.status
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT status FROM ledger_ledgerperiod WHERE id = %s FOR SHARE", [row.pk])
                status = cursor.fetchone()[0]
        if status == PeriodStatus.CLOSED:
            raise DomainError(
                _("Kỳ %(period)s đã khóa sổ: không ghi được bút toán ngày %(date)s.")
                % {"period": period, "date": format_date(day)},
                field=field,
            )


def _ensure_admin(actor) -> None:
    if getattr(actor, "role", None) != Role.ADMIN:
        raise DomainError(_("Chỉ quản trị hệ thống được khóa sổ hoặc mở lại kỳ kế toán."), field="period")


def period_close(*, actor, period) -> LedgerPeriod:
    """Close a month: from now on nothing is posted with a value date in it."""
    _ensure_admin(actor)
    period = period_parse(period)
    last_day = period_last_day(period)
    if last_day >= today():
        raise DomainError(
            _("Kỳ %(period)s chưa kết thúc: chỉ khóa sổ được sau ngày %(date)s.")
            % {"period": period, "date": format_date(last_day)},
            field="period",
        )
    with transaction.atomic():
        LedgerPeriod.objects.get_or_create(period=period)
        row = LedgerPeriod.objects.select_for_update().get(period=period)
        if row.status == PeriodStatus.CLOSED:
            raise DomainError(_("Kỳ %(period)s đã khóa sổ.") % {"period": period}, field="period")
        earlier = list(
            LedgerPeriod.objects.filter(period__lt=period, status=PeriodStatus.OPEN).values_list("period", flat=True)
        )
        if earlier:
            raise DomainError(
                _("Còn kỳ trước chưa khóa sổ (%(periods)s): khóa sổ lần lượt từng tháng.")
                % {"periods": ", ".join(earlier)},
                field="period",
            )
        before = snapshot(row)
        row.status = PeriodStatus.CLOSED
        row.closed_at = timezone.now()
        row.closed_by = actor
        row.save()
        audit_event_record(actor=actor, action="ledger.period_close", instance=row, before=before, after=snapshot(row))
    return row


def period_reopen(*, actor, period, reason: str) -> LedgerPeriod:
    """Reopen the latest closed month (e.g. to post a late correction), with the reason on the audit trail."""
    _ensure_admin(actor)
    period = period_parse(period)
    reason = clean_text(reason, field="reason", label=_("lý do mở lại kỳ"), max_length=500)
    with transaction.atomic():
        row = LedgerPeriod.objects.select_for_update().filter(period=period).first()
        if row is None or row.status != PeriodStatus.CLOSED:
            raise DomainError(_("Kỳ %(period)s đang mở, không cần mở lại.") % {"period": period}, field="period")
        later = list(
            LedgerPeriod.objects.filter(period__gt=period, status=PeriodStatus.CLOSED).values_list("period", flat=True)
        )
        if later:
            raise DomainError(
                _("Các kỳ sau đã khóa sổ (%(periods)s): mở lại kỳ sau cùng trước.") % {"periods": ", ".join(later)},
                field="period",
            )
        before = snapshot(row)
        row.status = PeriodStatus.OPEN
        row.closed_at = None
        row.closed_by = None
        row.save()
        audit_event_record(
            actor=actor, action="ledger.period_reopen", instance=row, before=before, after=snapshot(row), note=reason
        )
    return row
