"""Paying a statement in cash at the commune transaction session, posted to the ledger at once.

``fee_payment_record(*, actor, session, statement, amount) -> FeeStatement`` — the fee of a commune association unit.
``commission_payment_record(*, actor, session, statement, amount) -> CommissionStatement`` — a group board's
commission.

Postings (cash basis: uythac does not accrue fees at month end — a statement is a computation that a re-run may
replace, and a month-end accrual would have to be reversed in a month the ledger may have closed; the expense is
recognised when the cash leaves the till):

* FEE_PAYMENT         FEE_EXPENSE [unit code]         / CASH_TELLER [session]   (the session's till)
* COMMISSION_PAYMENT  COMMISSION_EXPENSE [group code] / CASH_TELLER [session]

A negative DIFFERENCE statement (overpaid, after a re-run) is the same entry with the opposite signs: the unit or
group hands the excess back at the session. The entry is filed in the session's journal (``SessionEntry``, purpose
FEE / COMMISSION) so the session's till and close account for it.

Refused (Vietnamese ``DomainError``, nothing written): the session is closed or outside the actor's scope or the
actor may not write sessions; the statement is outside the actor's scope (same message as a missing one), belongs to
another commune (fee) or to a group that does not transact at this point (commission), is for a month after the
session's; the statement is already paid (at another session, or with another amount); the amount is not exactly
what the statement asks — no partial payment: a statement is paid whole, a disputed figure is corrected by
re-running the period (which creates a difference line). Idempotent: the same payment retried (same session,
statement and amount) returns the statement as it is, and the ledger entry carries the key
``feestatement:<id>:payment`` (``commissionstatement:<id>:payment``) so it is posted once.
"""

import re

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.fees.access import access_commission_statement, access_fee_statement
from uythac.fees.models import CommissionStatement, FeeStatement, StatementStatus
from uythac.ledger.chart import AccountCode, SubledgerType
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind
from uythac.ledger.services import entry_post
from uythac.transaction_sessions.checks import link_entry, locked_session, refuse_closed_month, require_open, vnd
from uythac.transaction_sessions.models import SessionEntryPurpose, TransactionSession


def _amount(value) -> int:
    if isinstance(value, bool):
        raise DomainError(_("Số tiền chi trả phải là số nguyên đồng."), field="amount")
    text = str(value).strip().replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):  # "1.234.567" as typed in a Vietnamese form
        text = text.replace(".", "")
    try:
        return int(text)
    except (TypeError, ValueError):
        raise DomainError(_("Số tiền chi trả phải là số nguyên đồng."), field="amount") from None


def _fetch(access, actor, statement, model):
    pk = getattr(statement, "pk", statement)
    try:
        access(actor, pk)
    except Http404:
        raise DomainError(_("Không tìm thấy bảng kê trong phạm vi quản lý của bạn."), field="statement") from None
    return model.objects.select_for_update().get(pk=pk)


def _pay(*, actor, session, statement, amount, is_fee: bool):
    with transaction.atomic():
        session = locked_session(actor, session)
        require_open(session)
        refuse_closed_month(session.session_date, field="session")
        model = FeeStatement if is_fee else CommissionStatement
        statement = _fetch(access_fee_statement if is_fee else access_commission_statement, actor, statement, model)
        if is_fee:
            place_ok = statement.commune_id == session.transaction_point.commune_id
            message = _("Bảng kê phí của hội thuộc xã khác: chỉ chi trả tại điểm giao dịch của xã có hội.")
        else:
            place_ok = statement.group.transaction_point_id == session.transaction_point_id
            message = _("Tổ %(code)s không giao dịch tại điểm này.") % {"code": statement.group.code}
        if not place_ok:
            raise DomainError(message, field="statement")
        if statement.period > f"{session.session_date:%Y-%m}":
            raise DomainError(_("Kỳ %(period)s chưa đến: chỉ chi trả bảng kê của các tháng đã qua hoặc tháng này.")
                              % {"period": statement.period}, field="statement")
        amount = _amount(amount)
        if statement.status == StatementStatus.PAID:
            if statement.paid_session_id == session.pk and statement.amount == amount:
                return statement  # the same payment retried: already done, nothing posted again
            raise DomainError(_("Bảng kê này đã được chi trả."), field="statement")
        if statement.amount == 0:
            raise DomainError(_("Bảng kê này không có số tiền phải chi trả."), field="statement")
        if amount != statement.amount:
            raise DomainError(
                _("Số tiền chi trả (%(amount)s đồng) phải đúng bằng số tiền của bảng kê (%(due)s đồng): không chi trả "
                  "một phần.") % {"amount": vnd(amount), "due": vnd(statement.amount)},
                field="amount",
            )
        before = snapshot(statement)
        till = Line(AccountCode.CASH_TELLER, -amount, SubledgerType.SESSION, str(session.pk))
        if is_fee:
            unit = statement.association_unit
            kind, purpose, source = EntryKind.FEE_PAYMENT, SessionEntryPurpose.FEE, "feestatement"
            expense = Line(AccountCode.FEE_EXPENSE, amount, SubledgerType.UNIT, unit.code)
            memo = _("Chi phí ủy thác kỳ %(period)s cho %(unit)s") % {"period": statement.period, "unit": unit.name}
        else:
            kind, purpose, source = EntryKind.COMMISSION_PAYMENT, SessionEntryPurpose.COMMISSION, "commissionstatement"
            expense = Line(AccountCode.COMMISSION_EXPENSE, amount, SubledgerType.GROUP, statement.group.code)
            memo = _("Chi hoa hồng kỳ %(period)s cho tổ %(group)s") % {"period": statement.period,
                                                                         "group": statement.group.code}
        entry = entry_post(
            actor=actor, value_date=session.session_date, kind=kind, lines=[expense, till], memo=memo,
            idempotency_key=f"{source}:{statement.pk}:payment", source_type=source, source_key=str(statement.pk),
        )
        link_entry(session, entry, purpose, amount, description=memo)
        statement.status = StatementStatus.PAID
        statement.paid_session = session
        statement.paid_entry = entry
        statement.paid_at = timezone.now()
        statement.paid_by = actor
        statement.save(update_fields=["status", "paid_session", "paid_entry", "paid_at", "paid_by"])
        audit_event_record(actor=actor, action=f"fees.{source}_pay", instance=statement, before=before,
                           after=snapshot(statement), parent=session)
    return statement


def fee_payment_record(*, actor, session, statement, amount) -> FeeStatement:
    """Pay a unit's fee statement at the session (see the module docstring)."""
    return _pay(actor=actor, session=session, statement=statement, amount=amount, is_fee=True)


def commission_payment_record(*, actor, session, statement, amount) -> CommissionStatement:
    """Pay a group board's commission statement at the session (see the module docstring)."""
    return _pay(actor=actor, session=session, statement=statement, amount=amount, is_fee=False)


def fees_payable_at_session(session: TransactionSession) -> dict:
    """What may be paid at this session: the unpaid fee statements of the point's commune units and the unpaid
    commission statements of the groups transacting at the point, for months up to the session's (the caller has
    already fetched the session through its guarded fetch)."""
    month = f"{session.session_date:%Y-%m}"
    fees = (FeeStatement.objects.filter(commune_id=session.transaction_point.commune_id, period__lte=month,
                                        status=StatementStatus.UNPAID).exclude(amount=0)
            .select_related("association_unit").order_by("period", "association_unit__code"))
    commissions = (CommissionStatement.objects.filter(group__transaction_point_id=session.transaction_point_id,
                                                      period__lte=month, status=StatementStatus.UNPAID)
                   .exclude(amount=0).select_related("group").order_by("period", "group__code"))
    fees, commissions = list(fees), list(commissions)
    return {"fees": fees, "commissions": commissions,
            "total": sum(s.amount for s in fees) + sum(s.amount for s in commissions)}

