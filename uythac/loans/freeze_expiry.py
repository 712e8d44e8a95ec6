"""Freeze expiry (hết hạn khoanh nợ, process.md §4 "Freeze follow-up"; forms M03_QLNK / M04_QLNK).

A freeze (khoanh) runs from ``Loan.frozen_on`` for the months of its loss band; ``Loan.frozen_until`` is its
expiry date, the first day no longer covered. When it comes, the bank re-examines the loan: an additional freeze or
a write-off goes through a risk case (``risk_case_*``) BEFORE the expiry; if none was decided, the frozen principal
leaves LOAN_FROZEN on the expiry date and interest resumes from that day (a day's interest uses its end-of-day
balance). Where it goes is the dated rule ``loans.risk.freeze_expiry`` (``{"return_to": "OVERDUE" | "CURRENT"}``,
M: the practice is inferred from the export column "Gốc hết hạn khoanh" and the write-off-at-expiry minutes,
the legal text was not read) — shown "tạm tính".

* ``freeze_expire(*, actor, loan, on)`` — one loan, at the desk (``on`` ≥ the expiry date; value date ``on``).
* ``expire_freezes(*, on, scope=("1 = 1", []), actor=None, actor_label="system") -> int`` — every open loan of a
  scope whose freeze expired on or before ``on``, set-based (``ledger.bulk.post_transfers``, one UPDATE of the
  caches, one INSERT of the events): for the month-end close, BEFORE the overdue transfers and the interest accrual.
  ``scope`` is an SQL condition on ``loans_loan l`` joined to ``geography_commune c`` (the closing scope's
  ``loan_filter()``). The value date of each loan is its expiry date, or the first day of ``on``'s month when the
  expiry fell in an earlier month (a month already closed takes no posting). Both paths use the idempotency key
  ``loan:unfreeze:<loan number>:<expiry>``, so a loan is never unfrozen twice for the same freeze.
* ``freezes_expiring(queryset, start, end)`` / ``freezes_expiring_next_month(queryset, on)`` /
  ``freezes_expired(queryset, on)`` — the lists (M04_QLNK notice, M03_QLNK expired, not yet returned).
"""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.core.audit import snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import format_date
from uythac.core.periods import Period
from uythac.core.rules import rule_get
from uythac.ledger.bulk import post_transfers
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind
from uythac.loans.access import require_loan_writer
from uythac.loans.models import LoanEvent, LoanEventKind, LoanStatus
from uythac.loans.services_common import (
    audit_loan,
    check_open,
    clean_business_date,
    lock_loan,
    post_loan_entry,
    record_event,
    refresh_caller,
)

RULE = "loans.risk.freeze_expiry"
TARGETS = {"OVERDUE": (A.LOAN_OVERDUE, "principal_overdue"), "CURRENT": (A.LOAN_CURRENT, "principal_current")}


def freeze_expiry_target(on: dt.date) -> tuple[str, str]:
    """(account, cached column) the frozen principal returns to on ``on`` (rule ``loans.risk.freeze_expiry``)."""
    value = rule_get(RULE, on=on).value
    target = str((value or {}).get("return_to", "")).upper()
    if target not in TARGETS:
        raise DomainError(_("Quy tắc «%(key)s» có giá trị không hợp lệ.") % {"key": RULE})
    return TARGETS[target]


def unfreeze_key(loan_number: str, frozen_until: dt.date) -> str:
    return f"loan:unfreeze:{loan_number}:{frozen_until.isoformat()}"


@transaction.atomic
def freeze_expire(*, actor, loan, on: dt.date) -> LoanEvent:
    """The freeze of ``loan`` has expired: its frozen principal returns (rule) on ``on`` and interest resumes."""
    locked = lock_loan(loan)
    require_loan_writer(actor, locked.commune_id)
    check_open(locked)
    if not locked.principal_frozen or locked.frozen_until is None:
        raise DomainError(_("Món vay %(number)s không có dư nợ khoanh.") % {"number": locked.loan_number},
                          field="loan")
    on = clean_business_date(locked, on, field="on", label=_("ngày hết hạn khoanh"))
    if on < locked.frozen_until:
        raise DomainError(
            _("Món vay được khoanh đến %(until)s: chưa hết hạn khoanh vào ngày %(on)s. Muốn chấm dứt khoanh sớm "
              "hoặc xóa nợ, lập hồ sơ xử lý rủi ro.")
            % {"until": format_date(locked.frozen_until), "on": format_date(on)},
            field="on",
        )
    account, _column = freeze_expiry_target(on)
    amount = locked.principal_frozen
    before = snapshot(locked)
    entry = post_loan_entry(
        actor=actor, loan=locked, kind=EntryKind.UNFREEZE, value_date=on,
        lines=[Line.debit(account, amount, S.LOAN, locked.loan_number),
               Line.credit(A.LOAN_FROZEN, amount, S.LOAN, locked.loan_number)],
        memo=_("Hết hạn khoanh nợ khế ước %(number)s") % {"number": locked.loan_number},
        idempotency_key=unfreeze_key(locked.loan_number, locked.frozen_until),
    )
    event = record_event(actor=actor, loan=locked, kind=LoanEventKind.FREEZE_EXPIRY, happened_on=on, entry=entry,
                         principal_amount=amount, old_date=locked.frozen_until)
    audit_loan(actor=actor, action="freeze_expire", loan=locked, before=before)
    refresh_caller(loan, locked)
    return event


def _execute(sql: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def _fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


@transaction.atomic
def expire_freezes(*, on: dt.date, scope: tuple[str, list] = ("1 = 1", []), actor=None,
                   actor_label: str = "system") -> int:
    """Set-based freeze expiry for every loan of ``scope`` whose freeze expired on or before ``on`` (see the
    module docstring). Returns the number of loans unfrozen. Loops only over the distinct expiry dates."""
    scope_sql, scope_params = scope
    day = connection.ops.adapt_datefield_value
    account, column = freeze_expiry_target(on)
    month_start = Period.of(on).first_day
    base = (f" FROM loans_loan l JOIN geography_commune c ON c.id = l.commune_id"
            f" WHERE l.status = 'OPEN' AND l.principal_frozen > 0 AND l.frozen_until IS NOT NULL"
            f" AND l.frozen_until <= %s AND ({scope_sql})")
    expiries = sorted({_as_date(row[0]) for row in _fetch(f"SELECT DISTINCT l.frozen_until{base}",
                                                           [day(on), *scope_params])})
    total = 0
    for expiry in expiries:
        value_date = max(expiry, month_start)
        where = base + " AND l.frozen_until = %s"
        params = [day(on), *scope_params, day(expiry)]
        posted = post_transfers(
            kind=EntryKind.UNFREEZE, value_date=value_date, debit_account=account, credit_account=A.LOAN_FROZEN,
            rows_sql=f"SELECT l.loan_number AS key, l.principal_frozen AS amount{where}", params=params,
            idempotency_prefix="loan:unfreeze:", idempotency_suffix=f":{expiry.isoformat()}",
            memo=_("Hết hạn khoanh nợ khế ước {key}"), actor_label=actor_label,
        )
        if not posted:
            continue
        key_sql = "'loan:unfreeze:' || l.loan_number || %s"
        # Events first (they read the frozen amount), then the caches — same transaction as the postings.
        _execute(
            f"INSERT INTO loans_loanevent (loan_id, kind, form_number, happened_on, principal_amount,"
            f" interest_amount, installment_number, old_date, new_date, months, from_savings, journal_entry_id,"
            f" risk_case_id, actor_id, note, created_at)"
            f" SELECT l.id, %s, '', %s, l.principal_frozen, 0, NULL, l.frozen_until, NULL, NULL, %s, e.id, NULL,"
            f" %s, %s, %s"
            f" FROM loans_loan l JOIN geography_commune c ON c.id = l.commune_id"
            f" JOIN ledger_journalentry e ON e.idempotency_key = {key_sql}"
            f" WHERE l.status = 'OPEN' AND l.principal_frozen > 0 AND l.frozen_until = %s AND ({scope_sql})"
            f" AND NOT EXISTS (SELECT 1 FROM loans_loanevent ev WHERE ev.journal_entry_id = e.id)",
            [LoanEventKind.FREEZE_EXPIRY, day(value_date), False, getattr(actor, "pk", None),
             _("Hết hạn khoanh nợ (tự động)"), connection.ops.adapt_datetimefield_value(timezone.now()),
             f":{expiry.isoformat()}", day(expiry), *scope_params],
        )
        _execute(
            f"UPDATE loans_loan SET {column} = {column} + principal_frozen, principal_frozen = 0"
            f" WHERE id IN (SELECT l.id FROM loans_loan l JOIN geography_commune c ON c.id = l.commune_id"
            f"  JOIN ledger_journalentry e ON e.idempotency_key = {key_sql}"
            f"  WHERE l.status = 'OPEN' AND l.principal_frozen > 0 AND l.frozen_until = %s AND ({scope_sql}))",
            [f":{expiry.isoformat()}", day(expiry), *scope_params],
        )
        total += posted
    return total


# --- lists ------------------------------------------------------------------------------------------------------


def frozen_loans(queryset):
    return queryset.filter(status=LoanStatus.OPEN, principal_frozen__gt=0, frozen_until__isnull=False)


def freezes_expiring(queryset, start: dt.date, end: dt.date):
    """Frozen loans whose freeze expires in ``start``..``end`` (the freeze-expiry notice, M04_QLNK)."""
    return frozen_loans(queryset).filter(frozen_until__gte=start, frozen_until__lte=end).order_by(
        "frozen_until", "loan_number")


def freezes_expiring_next_month(queryset, on: dt.date):
    """Frozen loans whose freeze expires during the calendar month after ``on``'s (what reports list)."""
    following = Period.of(on).next()
    return freezes_expiring(queryset, following.first_day, following.last_day)


def freezes_expired(queryset, on: dt.date):
    """Loans still frozen although their freeze expired on or before ``on`` (M03_QLNK: to re-examine now)."""
    return frozen_loans(queryset).filter(frozen_until__lte=on).order_by("frozen_until", "loan_number")
