"""Checks shared by the session, desk and batch services: writer, locked session in scope, open session, open
ledger month, amounts, and the session's journal (``SessionEntry``)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.core.guards import format_date
from uythac.core.money import MoneyError, require_positive_vnd, to_vnd
from uythac.ledger.models import LedgerPeriod, PeriodStatus
from uythac.ledger.periods import period_of
from uythac.transaction_sessions.access import access_session, can_write_sessions
from uythac.transaction_sessions.models import SessionEntry, SessionStatus, TransactionSession


def vnd(amount: int) -> str:
    return number_format(amount, force_grouping=True)


def ensure_session_writer(actor) -> None:
    if not can_write_sessions(actor):
        raise DomainError(_("Chỉ cán bộ tín dụng, cán bộ phòng giao dịch được ghi giao dịch tại phiên giao dịch xã."))


def locked_session(actor, session, *, field: str = "session") -> TransactionSession:
    """The session re-read through the guarded fetch (scope, writer) and locked for the rest of the transaction:
    every write into one session serialises on its row, so none slips in while it closes."""
    ensure_session_writer(actor)
    pk = getattr(session, "pk", session)
    try:
        access_session(actor, pk, for_write=True)
    except Http404:
        raise DomainError(_("Không tìm thấy phiên giao dịch trong phạm vi quản lý của bạn."), field=field) from None
    except PermissionDenied:
        raise DomainError(_("Bạn không có quyền ghi vào phiên giao dịch này."), field=field) from None
    locked = (
        TransactionSession.objects.select_for_update()
        .select_related("transaction_point", "transaction_point__office", "transaction_point__commune")
        .get(pk=pk)
    )
    if isinstance(session, TransactionSession) and session is not locked:
        session.status = locked.status
    return locked


def require_open(session: TransactionSession, *, field: str = "session") -> None:
    if session.status != SessionStatus.OPEN:
        raise DomainError(
            _("Phiên giao dịch ngày %(date)s tại %(point)s đã đóng: không ghi thêm giao dịch; điều chỉnh chỉ bằng "
              "bút toán đảo.") % {"date": format_date(session.session_date), "point": session.transaction_point.name},
            field=field,
        )


def refuse_closed_month(day: dt.date, *, field: str) -> None:
    """The ledger refuses postings into a closed month; sessions refuse to open or record anything there too."""
    period = period_of(day)
    if LedgerPeriod.objects.filter(period=period, status=PeriodStatus.CLOSED).exists():
        raise DomainError(
            _("Kỳ %(period)s đã khóa sổ: không ghi được giao dịch ngày %(date)s.")
            % {"period": period, "date": format_date(day)},
            field=field,
        )


def clean_positive(value, *, field: str, label: str) -> int:
    try:
        return require_positive_vnd(value)
    except MoneyError:
        raise DomainError(_("%(label)s phải là số tiền nguyên dương (đồng).") % {"label": label}, field=field) from None


def clean_not_negative(value, *, field: str, label: str) -> int:
    try:
        amount = to_vnd(value)
    except MoneyError:
        amount = -1
    if amount < 0:
        raise DomainError(_("%(label)s phải là số tiền nguyên không âm (đồng).") % {"label": label}, field=field)
    return amount


def link_entry(session: TransactionSession, entry, purpose: str, amount: int, *, loan_number: str = "",
               savings_account_number: str = "", batch=None, description: str = "") -> SessionEntry:
    """File a ledger entry in the session's journal (a replayed entry keeps its first link)."""
    link, _created = SessionEntry.objects.get_or_create(
        entry=entry,
        defaults={
            "session": session, "purpose": purpose, "amount": amount, "loan_number": loan_number,
            "savings_account_number": savings_account_number, "batch": batch, "description": description[:255],
        },
    )
    return link
