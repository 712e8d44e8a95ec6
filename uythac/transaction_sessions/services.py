"""Write services of commune transaction sessions: open, record the giao ban, fees and commissions, close, correct.

The API (every function keyword-only, atomic, audited; refusals are ``DomainError`` with Vietnamese messages and
nothing written)::

    session_open(*, actor, point, session_date, team_leader, controller=None, teller=None, opening_cash=0,
                 notes="") -> TransactionSession
    session_attendance_record(*, actor, session, attendees, briefing_notes="") -> TransactionSession
    session_payment_add(*, actor, session, kind, amount, recipient, period, association_unit=None,
                        group=None) -> SessionPayment
    session_payment_remove(*, actor, session, payment) -> None
    session_close(*, actor, session, closing_cash, notes="") -> TransactionSession
    session_entry_reverse(*, actor, session, entry, reason, on=None) -> JournalEntry

The desk operations (disbursement, principal, counter interest and savings) are in ``desk.py``, the leaders'
batches (13/TD) in ``batches.py``, the association's check of a 13/TD in ``batch_check.py``; all are re-exported
here::

    batch_check(*, actor, batch, checked_on, note="") -> CollectionBatch     # commune association officer

Cash (``uythac.savings.cash``): the team's till during the session is CASH_TELLER [("session", id)] — the sub-ledger
the loan services use too —, the PGD vault CASH_VAULT [office]. Opening with cash posts CASH_TRANSFER till / vault.
Closing posts, in order: every fee/commission still pending (FEE_PAYMENT FEE_PAYABLE [unit] / till,
COMMISSION_PAYMENT COMMISSION_PAYABLE [group] / till), the difference between the counted cash and the till's book
balance (CASH_DIFFERENCE [session]: a shortage is a debit, a surplus a credit), and the return of the counted cash to
the vault (CASH_TRANSFER vault / till); the till is then 0 and the session is locked (status CLOSED): any later write
into it is refused, and a correction is a reversal entry (``session_entry_reverse``), dated in an open month.

Who: the bank's team (credit officers, PGD staff, administrator) of communes in their scope; the team members
must be staff of the PGD serving the point. One session per point and date (a unique constraint also settles two
concurrent opens). No session in the future or in a closed ledger month.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.accounts.access import access_point, access_unit
from uythac.accounts.models import Role, User
from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import clean_choice, clean_date, clean_text, code_of, fetch_referenced, format_date, today
from uythac.groups.access import access_group
from uythac.ledger.chart import AccountCode, SubledgerType
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind, JournalEntry
from uythac.ledger.periods import period_parse
from uythac.ledger.selectors import balance
from uythac.ledger.services import entry_post, entry_reverse
from uythac.loans.models import LoanEvent
from uythac.loans.services import loan_event_reverse
from uythac.network.models import UnitLevel
from uythac.savings.cash import CashDesk, teller_in_session
from uythac.savings.services import savings_reverse
from uythac.transaction_sessions.batch_check import batch_check
from uythac.transaction_sessions.batches import batch_handover, batch_reject, batch_submit
from uythac.transaction_sessions.checks import (
    clean_not_negative,
    clean_positive,
    ensure_session_writer,
    link_entry,
    locked_session,
    refuse_closed_month,
    require_open,
    vnd,
)
from uythac.transaction_sessions.desk import (
    session_collect_interest,
    session_disburse,
    session_repay_principal,
    session_savings_deposit,
    session_savings_withdraw,
)
from uythac.transaction_sessions.models import (
    AttendeeRole,
    PaymentKind,
    SessionAttendee,
    SessionEntry,
    SessionEntryPurpose,
    SessionPayment,
    SessionStatus,
    TransactionSession,
)

__all__ = [
    "batch_check",
    "batch_handover",
    "batch_reject",
    "batch_submit",
    "session_attendance_record",
    "session_close",
    "session_collect_interest",
    "session_disburse",
    "session_entry_reverse",
    "session_open",
    "session_payment_add",
    "session_payment_remove",
    "session_repay_principal",
    "session_savings_deposit",
    "session_savings_withdraw",
]

SOURCE_TYPE = "transactionsession"
TEAM_ROLES = frozenset({Role.CREDIT_OFFICER, Role.PGD_STAFF})


def vault(session: TransactionSession) -> CashDesk:
    return CashDesk(AccountCode.CASH_VAULT, SubledgerType.OFFICE, session.transaction_point.office.code)


def _team_member(value, point, *, field: str, label: str, required: bool) -> User | None:
    if value in (None, ""):
        if required:
            raise DomainError(_("Chưa chọn %(label)s.") % {"label": label}, field=field)
        return None
    username = code_of(value, "username")
    user = User.objects.filter(username=username, is_active=True).first()
    staff_of_office = user is not None and user.role in TEAM_ROLES and user.office_id == point.office_id
    if user is None or not (staff_of_office or user.role == Role.ADMIN):
        raise DomainError(
            _("%(label)s phải là cán bộ của phòng giao dịch phụ trách điểm giao dịch (%(user)s không phải).")
            % {"label": label.capitalize(), "user": username},
            field=field,
        )
    return user


def session_open(
    *, actor, point, session_date: dt.date, team_leader, controller=None, teller=None, opening_cash=0, notes: str = "",
) -> TransactionSession:
    with transaction.atomic():
        ensure_session_writer(actor)
        point = fetch_referenced(
            access_point, actor, point, field="point", empty=_("Chưa chọn điểm giao dịch."),
            message=_("Điểm giao dịch %(code)s không thuộc phạm vi quản lý của bạn."),
        )
        if not point.is_active:
            raise DomainError(_("Điểm giao dịch %(code)s đã ngừng hoạt động.") % {"code": point.code}, field="point")
        session_date = clean_date(session_date, field="session_date", label=_("ngày giao dịch"))
        refuse_closed_month(session_date, field="session_date")
        leader = _team_member(team_leader, point, field="team_leader", label=_("tổ trưởng tổ giao dịch"),
                              required=True)
        checker = _team_member(controller, point, field="controller", label=_("kiểm soát viên"), required=False)
        cashier = _team_member(teller, point, field="teller", label=_("thủ quỹ"), required=False)
        members = [user.pk for user in (leader, checker, cashier) if user is not None]
        if len(members) != len(set(members)):
            raise DomainError(_("Tổ trưởng, kiểm soát viên và thủ quỹ phải là ba người khác nhau."), field="teller")
        opening_cash = clean_not_negative(opening_cash, field="opening_cash", label=_("Tiền mặt mang đi"))
        notes = clean_text(notes, field="notes", label=_("ghi chú"), max_length=2000, required=False, multiline=True)
        duplicate = _("Điểm giao dịch %(code)s đã có phiên giao dịch ngày %(date)s.") % {
            "code": point.code, "date": format_date(session_date)}
        if TransactionSession.objects.filter(transaction_point=point, session_date=session_date).exists():
            raise DomainError(duplicate, field="session_date")
        try:
            with transaction.atomic():
                session = TransactionSession.objects.create(
                    transaction_point=point, session_date=session_date, team_leader=leader, controller=checker,
                    teller=cashier, opening_cash=opening_cash, notes=notes, opened_by=actor,
                )
        except IntegrityError:
            raise DomainError(duplicate, field="session_date") from None
        if opening_cash:
            entry = entry_post(
                actor=actor, value_date=session_date, kind=EntryKind.CASH_TRANSFER,
                lines=[teller_in_session(session.pk).debit(opening_cash), vault(session).credit(opening_cash)],
                memo=_("Nhận tiền mặt cho phiên giao dịch %(session)s") % {"session": session},
                idempotency_key=f"session:{session.pk}:cash-open", source_type=SOURCE_TYPE,
                source_key=str(session.pk),
            )
            link_entry(session, entry, SessionEntryPurpose.CASH_OPEN, opening_cash)
        audit_event_record(actor=actor, action="session.open", instance=session, before=None,
                           after=snapshot(session), parent=point)
    return session


# --- giao ban ------------------------------------------------------------------------------------------------

def _attendee(actor, session, raw: dict, number: int) -> SessionAttendee:
    prefix = _("Người dự thứ %(n)d: ") % {"n": number}
    role = raw.get("role")
    if role not in AttendeeRole.values:
        raise DomainError(prefix + _("vai trò không hợp lệ."), field="attendees")
    try:
        name = clean_text(raw.get("name"), field="attendees", label=_("họ tên"), max_length=150)
    except DomainError as error:
        raise DomainError(prefix + error.text(), field="attendees") from None
    unit = group = None
    if raw.get("association_unit"):
        unit = fetch_referenced(access_unit, actor, raw["association_unit"], field="attendees",
                                message=prefix + _("hội %(code)s không thuộc phạm vi quản lý của bạn."))
    if raw.get("group"):
        group = fetch_referenced(access_group, actor, raw["group"], field="attendees",
                                 message=prefix + _("tổ %(code)s không thuộc phạm vi quản lý của bạn."))
        if group.transaction_point_id != session.transaction_point_id:
            raise DomainError(prefix + _("tổ %(code)s không giao dịch tại điểm này.") % {"code": group.code},
                              field="attendees")
    if role == AttendeeRole.GROUP_LEADER and group is None:
        raise DomainError(prefix + _("tổ trưởng cần ghi rõ tổ."), field="attendees")
    return SessionAttendee(session=session, role=role, name=name, association_unit=unit, group=group)


def session_attendance_record(*, actor, session, attendees, briefing_notes: str = "") -> TransactionSession:
    """Replace the giao ban attendance (association officers, group leaders … with their names) and its notes."""
    with transaction.atomic():
        session = locked_session(actor, session)
        require_open(session)
        rows = [_attendee(actor, session, dict(raw), n) for n, raw in enumerate(attendees or [], start=1)]
        notes = clean_text(briefing_notes, field="briefing_notes", label=_("nội dung giao ban"), max_length=5000,
                           required=False, multiline=True)
        before = snapshot(session, extra={"attendees": _attendance(session)})
        session.attendees.all().delete()
        SessionAttendee.objects.bulk_create(rows)
        session.briefing_notes = notes
        session.save(update_fields=["briefing_notes"])
        audit_event_record(actor=actor, action="session.attendance", instance=session, before=before,
                           after=snapshot(session, extra={"attendees": _attendance(session)}))
    return session


def _attendance(session) -> list[str]:
    return [f"{row.role}:{row.name}" for row in session.attendees.order_by("id")]


# --- fees and commissions ------------------------------------------------------------------------------------

def session_payment_add(
    *, actor, session, kind: str, amount, recipient: str, period: str, association_unit=None, group=None,
) -> SessionPayment:
    """Enter a fee (to a commune association unit) or commission (to a group at this point) paid in cash at the
    session; posted when the session closes. Amounts are entered by hand until the fee engine supplies them."""
    with transaction.atomic():
        session = locked_session(actor, session)
        require_open(session)
        kind = clean_choice(kind, PaymentKind, field="kind", label=_("loại khoản chi"))
        amount = clean_positive(amount, field="amount", label=_("Số tiền"))
        recipient = clean_text(recipient, field="recipient", label=_("người nhận"), max_length=150)
        period = period_parse(period)
        if period > f"{session.session_date:%Y-%m}":
            raise DomainError(_("Kỳ %(period)s chưa đến: chỉ trả cho các tháng đã qua hoặc tháng này.")
                              % {"period": period}, field="period")
        unit = payee_group = None
        if kind == PaymentKind.FEE:
            unit = fetch_referenced(access_unit, actor, association_unit, field="association_unit",
                                    empty=_("Chưa chọn hội nhận phí ủy thác."),
                                    message=_("Hội %(code)s không thuộc phạm vi quản lý của bạn."))
            if unit.level != UnitLevel.COMMUNE or unit.commune_id != session.transaction_point.commune_id:
                raise DomainError(_("Phí ủy thác tại phiên chỉ trả cho hội cấp xã của xã có điểm giao dịch."),
                                  field="association_unit")
        else:
            payee_group = fetch_referenced(access_group, actor, group, field="group", empty=_("Chưa chọn tổ."),
                                           message=_("Tổ %(code)s không thuộc phạm vi quản lý của bạn."))
            if payee_group.transaction_point_id != session.transaction_point_id:
                raise DomainError(_("Tổ %(code)s không giao dịch tại điểm này.") % {"code": payee_group.code},
                                  field="group")
        payment = SessionPayment.objects.create(
            session=session, kind=kind, association_unit=unit, group=payee_group, amount=amount, period=period,
            recipient=recipient, created_by=actor,
        )
        audit_event_record(actor=actor, action="session.payment_add", instance=payment, before=None,
                           after=snapshot(payment), parent=session)
    return payment


def session_payment_remove(*, actor, session, payment) -> None:
    """Remove a fee/commission entered by mistake — only while the session is open (it is not posted yet)."""
    with transaction.atomic():
        session = locked_session(actor, session)
        require_open(session)
        found = SessionPayment.objects.filter(pk=getattr(payment, "pk", payment), session=session).first()
        if found is None:
            raise DomainError(_("Không tìm thấy khoản chi trong phiên này."), field="payment")
        before = snapshot(found)
        found.delete()
        audit_event_record(actor=actor, action="session.payment_remove", instance=session, before=before,
                           after=None, object_type="sessionpayment", object_key=str(before["id"]), parent=session)


def _post_payment(actor, session, payment: SessionPayment) -> None:
    till = teller_in_session(session.pk)
    if payment.kind == PaymentKind.FEE:
        kind, purpose = EntryKind.FEE_PAYMENT, SessionEntryPurpose.FEE
        debit = Line.debit(AccountCode.FEE_PAYABLE, payment.amount, SubledgerType.UNIT, payment.association_unit.code)
        memo = _("Chi phí ủy thác kỳ %(period)s cho %(unit)s") % {"period": payment.period,
                                                                   "unit": payment.association_unit.name}
    else:
        kind, purpose = EntryKind.COMMISSION_PAYMENT, SessionEntryPurpose.COMMISSION
        debit = Line.debit(AccountCode.COMMISSION_PAYABLE, payment.amount, SubledgerType.GROUP, payment.group.code)
        memo = _("Chi hoa hồng kỳ %(period)s cho tổ %(group)s") % {"period": payment.period,
                                                                     "group": payment.group.code}
    entry = entry_post(
        actor=actor, value_date=session.session_date, kind=kind, lines=[debit, till.credit(payment.amount)],
        memo=memo, idempotency_key=f"sessionpayment:{payment.pk}", source_type="sessionpayment",
        source_key=str(payment.pk),
    )
    payment.entry = entry
    payment.save(update_fields=["entry"])
    link_entry(session, entry, purpose, payment.amount, description=memo)


# --- close ---------------------------------------------------------------------------------------------------

def session_close(*, actor, session, closing_cash, notes: str = "") -> TransactionSession:
    """Post what is pending, settle the till against the counted ``closing_cash`` and lock the session."""
    with transaction.atomic():
        session = locked_session(actor, session)
        require_open(session)
        refuse_closed_month(session.session_date, field="session")
        closing_cash = clean_not_negative(closing_cash, field="closing_cash", label=_("Tiền mặt kiểm đếm"))
        notes = clean_text(notes, field="notes", label=_("ghi chú"), max_length=2000, required=False, multiline=True)
        before = snapshot(session)
        for payment in session.payments.filter(entry__isnull=True).select_related("association_unit", "group"):
            _post_payment(actor, session, payment)
        till = teller_in_session(session.pk)
        expected = balance(AccountCode.CASH_TELLER, subledger_type=SubledgerType.SESSION,
                           subledger_key=str(session.pk))
        difference = closing_cash - expected
        base = {"actor": actor, "value_date": session.session_date, "source_type": SOURCE_TYPE,
                "source_key": str(session.pk)}
        if difference:
            suspense_amount = abs(difference)
            suspense = Line(AccountCode.CASH_DIFFERENCE, -difference, SubledgerType.SESSION, str(session.pk))
            lines = [till.debit(suspense_amount) if difference > 0 else till.credit(suspense_amount), suspense]
            memo = (_("Thừa tiền mặt %(amount)s đồng khi đóng phiên %(session)s") if difference > 0
                    else _("Thiếu tiền mặt %(amount)s đồng khi đóng phiên %(session)s")) % {
                "amount": vnd(suspense_amount), "session": session}
            entry = entry_post(kind=EntryKind.CASH_DIFFERENCE, lines=lines, memo=memo,
                               idempotency_key=f"session:{session.pk}:cash-difference", **base)
            link_entry(session, entry, SessionEntryPurpose.CASH_DIFFERENCE, difference, description=memo)
        if closing_cash:
            entry = entry_post(
                kind=EntryKind.CASH_TRANSFER, lines=[vault(session).debit(closing_cash), till.credit(closing_cash)],
                memo=_("Nộp tiền mặt phiên %(session)s về quỹ phòng giao dịch") % {"session": session},
                idempotency_key=f"session:{session.pk}:cash-close", **base,
            )
            link_entry(session, entry, SessionEntryPurpose.CASH_CLOSE, closing_cash)
        session.expected_closing_cash = expected
        session.closing_cash = closing_cash
        session.status = SessionStatus.CLOSED
        session.closed_by = actor
        session.closed_at = timezone.now()
        if notes:
            session.notes = f"{session.notes}\n{notes}".strip()
        session.save()
        audit_event_record(
            actor=actor, action="session.close", instance=session, before=before, after=snapshot(session),
            note=_("Chênh lệch tiền mặt %(diff)s đồng") % {"diff": vnd(difference)} if difference else "",
        )
    return session


# --- corrections ---------------------------------------------------------------------------------------------

LOAN_PURPOSES = frozenset({
    SessionEntryPurpose.DISBURSEMENT, SessionEntryPurpose.PRINCIPAL_REPAYMENT, SessionEntryPurpose.REPAID_FROM_SAVINGS,
    SessionEntryPurpose.INTEREST,
})
SAVINGS_PURPOSES = frozenset({SessionEntryPurpose.SAVINGS_DEPOSIT, SessionEntryPurpose.SAVINGS_WITHDRAWAL})


def session_entry_reverse(*, actor, session, entry, reason: str, on: dt.date | None = None) -> JournalEntry:
    """Correct an entry of the session (open or closed) by its reversal, dated ``on`` (default today).

    Savings movements are reversed through the savings service (the balance cache follows); loan operations
    (disbursement, principal repayment — cash or from savings —, counter interest) through the loan's reversal
    (``loan_event_reverse``: caches, installments, catch-up interest, LoanEvent REVERSAL); fees, commissions, cash
    transfers and cash differences directly. A leader's hand-over is refused: its interest and deposits are
    corrected one by one on the loans and savings accounts."""
    with transaction.atomic():
        session = locked_session(actor, session)
        link = SessionEntry.objects.filter(session=session, entry_id=getattr(entry, "pk", entry)).first()
        if link is None:
            raise DomainError(_("Bút toán này không thuộc phiên giao dịch."), field="entry")
        if link.purpose == SessionEntryPurpose.HANDOVER:
            raise DomainError(
                _("Bút toán giao tiền của tổ trưởng gồm lãi và tiền gửi của nhiều khách hàng: điều chỉnh từng món vay, "
                  "từng tài khoản tiền gửi, không đảo cả bảng kê."),
                field="entry",
            )
        if link.purpose == SessionEntryPurpose.REVERSAL:
            raise DomainError(_("Không đảo một bút toán đảo tại phiên."), field="entry")
        on = today() if on is None else on
        key = f"session:{session.pk}:reverse:{link.entry_id}"
        if link.purpose in LOAN_PURPOSES:
            event = LoanEvent.objects.filter(journal_entry_id=link.entry_id).first()
            if event is None:
                raise DomainError(_("Không tìm thấy giao dịch món vay của bút toán này."), field="entry")
            reversal = loan_event_reverse(actor=actor, event=event, on=on, reason=reason,
                                          idempotency_key=key).journal_entry
        elif link.purpose in SAVINGS_PURPOSES:
            reversal = savings_reverse(actor=actor, entry=link.entry, on=on, reason=reason, idempotency_key=key)
        else:
            reversal = entry_reverse(actor=actor, entry=link.entry, value_date=on, reason=reason, idempotency_key=key)
        if not SessionEntry.objects.filter(entry=reversal).exists():
            link_entry(session, reversal, SessionEntryPurpose.REVERSAL, -link.amount, loan_number=link.loan_number,
                       savings_account_number=link.savings_account_number,
                       description=_("Đảo: %(what)s") % {"what": link.description or link.get_purpose_display()})
            audit_event_record(actor=actor, action="session.entry_reverse", instance=session, before=None,
                               after={"entry": link.entry_id, "reversal": reversal.pk, "on": on.isoformat()},
                               note=reason)
    return reversal
