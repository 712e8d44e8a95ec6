"""Changes to a loan (process.md §3.3–§3.6): installment adjustment (08/TD), extension of the final maturity,
transfer to overdue (14/TD), borrower moved away."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.core.audit import snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import check_not_before, clean_date, clean_text, format_date
from uythac.core.models import RuleValue
from uythac.core.periods import add_working_days, months_between
from uythac.households.services import household_clear_moved_away, household_mark_moved_away
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind
from uythac.loans.access import require_loan_writer
from uythac.loans.eligibility import public_holidays
from uythac.loans.models import Installment, Loan, LoanEvent, LoanEventKind, LoanStatus
from uythac.loans.schedule import ScheduleError, adjust_installment, extend_maturity, overdue_amount
from uythac.loans.selectors import loan_schedule, paid_principal_by_date
from uythac.loans.services_common import (
    audit_loan,
    check_open,
    clean_business_date,
    lock_loan,
    post_loan_entry,
    record_event,
    refresh_caller,
    schedule_error,
)
from uythac.programs.models import InstallmentRegime
from uythac.programs.selectors import extension_limit_on


def _months(value, field: str = "months") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise DomainError(_("Số tháng phải là số nguyên lớn hơn 0."), field=field)
    return value


ADJUSTMENT_NOTICE_RULE = "loans.adjustment.notice"


def adjustment_notice_rule(loan: Loan) -> dict | None:
    """The 08/TD notice periods that apply to ``loan`` (rule in force on its disbursement date; None: per the
    contract, no period enforced — loans disbursed before 01/03/2026, process.md §3.3, M)."""
    row = (RuleValue.objects.filter(key=ADJUSTMENT_NOTICE_RULE, effective_from__lte=loan.disbursed_on)
           .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=loan.disbursed_on))
           .order_by("-effective_from").first())
    return row.value if row is not None and row.value else None


def _check_notice(loan: Loan, item: Installment, requested_on: dt.date, submitted_on: dt.date | None) -> None:
    """597/NHCS-TDNN (M): the borrower asks ≥ N working days before the installment, the leader submits ≥ M working
    days before it or at the latest on the point's fixed session day (not after the due date)."""
    rule = adjustment_notice_rule(loan)
    if rule is None:
        return
    holidays = public_holidays(requested_on, item.due_on)
    borrower_days = int(rule.get("borrower_working_days", 0))
    latest = add_working_days(item.due_on, -borrower_days, holidays)
    if requested_on > latest:
        raise DomainError(
            _("Khách hàng phải đề nghị điều chỉnh kỳ hạn (08/TD) trước ngày đến hạn %(due)s ít nhất %(days)d ngày "
              "làm việc, tức là chậm nhất ngày %(latest)s.")
            % {"due": format_date(item.due_on), "days": borrower_days, "latest": format_date(latest)},
            field="requested_on",
        )
    if submitted_on is None:
        return
    leader_days = int(rule.get("leader_working_days", 0))
    latest = add_working_days(item.due_on, -leader_days, holidays)
    point = loan.transaction_point
    session_day = bool(rule.get("leader_until_session_day")) and point is not None and \
        point.session_day_of_month == submitted_on.day and submitted_on <= item.due_on
    if submitted_on > latest and not session_day:
        raise DomainError(
            _("Tổ trưởng phải gửi đề nghị điều chỉnh kỳ hạn trước ngày đến hạn %(due)s ít nhất %(days)d ngày làm "
              "việc (chậm nhất ngày %(latest)s) hoặc chậm nhất tại phiên giao dịch cố định của xã.")
            % {"due": format_date(item.due_on), "days": leader_days, "latest": format_date(latest)},
            field="submitted_on",
        )


@transaction.atomic
def installment_adjust(
    *, actor, loan, number: int, new_due_on: dt.date, requested_on: dt.date, form_number: str = "08/TD",
    note: str = "", submitted_on: dt.date | None = None,
) -> LoanEvent:
    """Move one unpaid installment later (08/TD): no later than the next installment, final maturity unchanged,
    requested on or before its due date; for loans under the 597/NHCS-TDNN rule (disbursed from 01/03/2026) the
    borrower's request (``requested_on``) and the leader's submission (``submitted_on``, optional) must respect the
    notice periods of the dated rule ``loans.adjustment.notice`` (M, "tạm tính")."""
    locked = lock_loan(loan)
    require_loan_writer(actor, locked.commune_id)
    check_open(locked)
    requested_on = clean_date(requested_on, field="requested_on", label=_("ngày đề nghị điều chỉnh"))
    if submitted_on not in (None, ""):
        submitted_on = clean_date(submitted_on, field="submitted_on", label=_("ngày tổ trưởng gửi đề nghị"))
        check_not_before(submitted_on, requested_on, field="submitted_on", label=_("ngày tổ trưởng gửi đề nghị"),
                         bound_label=_("ngày khách hàng đề nghị"))
    else:
        submitted_on = None
    if not isinstance(new_due_on, dt.date) or isinstance(new_due_on, dt.datetime):
        raise DomainError(_("Ngày đến hạn mới không hợp lệ."), field="new_due_on")
    item = Installment.objects.select_for_update().filter(loan=locked, number=number).first()
    if item is None:
        raise DomainError(_("Món vay không có kỳ trả nợ số %(n)s.") % {"n": number}, field="number")
    if item.principal_paid >= item.principal:
        raise DomainError(_("Kỳ trả nợ số %(n)d đã trả đủ: không điều chỉnh.") % {"n": number}, field="number")
    if item.transferred_to_overdue:
        raise DomainError(_("Kỳ trả nợ số %(n)d đã chuyển nợ quá hạn: không điều chỉnh.") % {"n": number},
                          field="number")
    try:
        adjust_installment(loan_schedule(locked), number, new_due_on, locked.current_maturity, as_of=requested_on)
    except ScheduleError as exc:
        raise schedule_error(exc) from None
    _check_notice(locked, item, requested_on, submitted_on)
    before = snapshot(locked)
    old_date = item.due_on
    item.due_on = new_due_on
    item.adjustment_count += 1
    item.save(update_fields=["due_on", "adjustment_count"])
    event = record_event(
        actor=actor, loan=locked, kind=LoanEventKind.ADJUSTMENT, happened_on=requested_on,
        form_number=clean_text(form_number, field="form_number", label=_("số chứng từ"), max_length=60,
                               required=False),
        installment_number=number, old_date=old_date, new_date=new_due_on,
        note=clean_text(note, field="note", label=_("ghi chú"), max_length=255, required=False),
        detail={"submitted_on": submitted_on.isoformat()} if submitted_on else None,
    )
    audit_loan(actor=actor, action="installment_adjust", loan=locked, before=before,
               note=f"#{number}: {format_date(old_date)} → {format_date(new_due_on)}")
    refresh_caller(loan, locked)
    return event


def apply_extension(actor, locked: Loan, months: int, on: dt.date, *, form_number: str = "", note: str = "",
                    risk_case=None) -> LoanEvent:
    """Extend the final maturity of a locked loan by ``months`` within the program's limit (shared by
    ``loan_extend`` and an approved risk case with the EXTENSION measure)."""
    if on > locked.current_maturity:
        raise DomainError(
            _("Đã quá hạn trả nợ cuối cùng (%(date)s): không gia hạn được.")
            % {"date": format_date(locked.current_maturity)},
            field="on",
        )
    limit = extension_limit_on(locked.program, locked.term_months, on, category=locked.category,
                               repayment_months=locked.term_months - locked.grace_months)
    try:
        result = extend_maturity(loan_schedule(locked), locked.contract_maturity, months,
                                 max_extension_months=limit.months, current_maturity=locked.current_maturity)
    except ScheduleError as exc:
        if exc.code == "extension_exceeds_limit":
            raise DomainError(
                _("Gia hạn %(months)d tháng vượt mức tối đa %(limit)d tháng của món vay (đã gia hạn %(used)d "
                  "tháng).")
                % {"months": months, "limit": limit.months,
                   "used": months_between(locked.contract_maturity, locked.current_maturity)},
                field="months",
            ) from None
        raise schedule_error(exc) from None
    old = locked.current_maturity
    last = locked.installments.order_by("-number").first()
    last.due_on = result.maturity
    last.save(update_fields=["due_on"])
    locked.current_maturity = result.maturity
    locked.save(update_fields=["current_maturity"])
    return record_event(actor=actor, loan=locked, kind=LoanEventKind.EXTENSION, happened_on=on,
                        form_number=form_number, months=months, old_date=old, new_date=result.maturity,
                        note=note, risk_case=risk_case)


@transaction.atomic
def loan_extend(*, actor, loan, months: int, on: dt.date, form_number: str = "", note: str = "") -> LoanEvent:
    """Extension of the final maturity (gia hạn nợ): ≤ 12 months for a short-term loan, ≤ ½ of the term otherwise
    (program data, ``extension_limit_on``); extensions add up from the contract maturity. Interest keeps
    accruing."""
    locked = lock_loan(loan)
    require_loan_writer(actor, locked.commune_id)
    check_open(locked)
    months = _months(months)
    on = clean_date(on, field="on", label=_("ngày gia hạn"))
    before = snapshot(locked)
    event = apply_extension(
        actor, locked, months, on,
        form_number=clean_text(form_number, field="form_number", label=_("số chứng từ"), max_length=60,
                               required=False),
        note=clean_text(note, field="note", label=_("ghi chú"), max_length=255, required=False),
    )
    audit_loan(actor=actor, action="loan_extend", loan=locked, before=before)
    refresh_caller(loan, locked)
    return event


def _spread_overdue(loan: Loan, amount: int, as_of: dt.date) -> None:
    """Record which installments the transferred amount came from (oldest past-due first)."""
    items = list(loan.installments.order_by("number"))
    for item in [i for i in items if i.due_on < as_of] + [i for i in items if i.due_on >= as_of]:
        if amount <= 0:
            break
        take = min(amount, max(0, item.principal - item.principal_paid - item.transferred_to_overdue))
        if take:
            item.transferred_to_overdue += take
            item.save(update_fields=["transferred_to_overdue"])
            amount -= take


def overdue_target(loan: Loan, as_of: dt.date) -> int:
    """Principal that must stand in overdue at the end of ``as_of`` (``overdue_amount``; regime by disbursement
    date: whole balance after the final maturity, or each unpaid installment from 01/03/2026)."""
    return overdue_amount(
        loan_schedule(loan), paid_principal_by_date(loan), as_of,
        per_installment_regime=loan.installment_regime == InstallmentRegime.AUTO_OVERDUE,
    )


@transaction.atomic
def overdue_transfer(*, loan, as_of: dt.date, actor=None, idempotency_key: str | None = None) -> LoanEvent | None:
    """Transfer to overdue (chuyển nợ quá hạn, notice 14/TD) what is due and unpaid at the end of ``as_of``:
    posts OVERDUE_TRANSFER (LOAN_OVERDUE / LOAN_CURRENT) dated ``as_of``. Returns None when there is nothing to
    transfer, for a loan that is not open, or while it is frozen (frozen debt is not transferred)."""
    locked = lock_loan(loan)
    if actor is not None:
        require_loan_writer(actor, locked.commune_id)
    if locked.status != LoanStatus.OPEN or locked.principal_frozen:
        return None
    as_of = clean_business_date(locked, as_of, field="as_of", label=_("ngày chuyển nợ quá hạn"))
    amount = min(overdue_target(locked, as_of) - locked.principal_overdue, locked.principal_current)
    if amount <= 0:
        return None
    before = snapshot(locked)
    entry = post_loan_entry(
        actor=actor, loan=locked, kind=EntryKind.OVERDUE_TRANSFER, value_date=as_of,
        lines=[Line.debit(A.LOAN_OVERDUE, amount, S.LOAN, locked.loan_number),
               Line.credit(A.LOAN_CURRENT, amount, S.LOAN, locked.loan_number)],
        memo=_("Chuyển nợ quá hạn khế ước %(number)s (14/TD)") % {"number": locked.loan_number},
        idempotency_key=idempotency_key,
    )
    _spread_overdue(locked, amount, as_of)
    event = record_event(actor=actor, loan=locked, kind=LoanEventKind.OVERDUE_TRANSFER, happened_on=as_of,
                         entry=entry, form_number="14/TD", principal_amount=amount)
    audit_loan(actor=actor, action="overdue_transfer", loan=locked, before=before)
    refresh_caller(loan, locked)
    return event


@transaction.atomic
def loan_mark_moved_away(*, actor, loan, moved_away_on: dt.date, note: str = "") -> LoanEvent:
    """The borrower left the place of residence (hộ vay bỏ đi khỏi nơi cư trú, process.md §3.6): recorded on the
    household (if not yet) and on EVERY open loan of the household (the flag lists them for chasing:
    ``selectors.loans_moved_away``); returns the event of ``loan``."""
    locked = lock_loan(loan)
    require_loan_writer(actor, locked.commune_id)
    check_open(locked)
    if locked.moved_away_on is not None:
        raise DomainError(
            _("Món vay đã được ghi nhận hộ vay bỏ đi từ ngày %(date)s.") % {"date": format_date(locked.moved_away_on)},
            field="moved_away_on",
        )
    moved_away_on = clean_date(moved_away_on, field="moved_away_on", label=_("ngày bỏ đi khỏi nơi cư trú"))
    if moved_away_on < locked.disbursed_on:
        raise DomainError(_("Ngày bỏ đi không được trước ngày giải ngân."), field="moved_away_on")
    note = clean_text(note, field="note", label=_("ghi chú"), max_length=255, required=False)
    if locked.household.moved_away_on is None:
        household_mark_moved_away(actor=actor, household=locked.household, moved_away_on=moved_away_on, note=note)
    result = None
    others = Loan.objects.select_for_update().filter(
        household_id=locked.household_id, status=LoanStatus.OPEN, moved_away_on__isnull=True,
        disbursed_on__lte=moved_away_on,
    ).exclude(pk=locked.pk).order_by("loan_number")
    for target in [locked, *others]:
        before = snapshot(target)
        target.moved_away_on = moved_away_on
        target.save(update_fields=["moved_away_on"])
        event = record_event(actor=actor, loan=target, kind=LoanEventKind.MOVED_AWAY, happened_on=moved_away_on,
                             note=note)
        audit_loan(actor=actor, action="loan_mark_moved_away", loan=target, before=before)
        result = result or event
    refresh_caller(loan, locked)
    return result


@transaction.atomic
def loan_mark_returned(*, actor, loan, returned_on: dt.date, note: str) -> LoanEvent:
    """The borrower was traced and is back (or reliable information was found): the moved-away flag is cleared on
    every loan of the household and on the household; the history keeps both events."""
    locked = lock_loan(loan)
    require_loan_writer(actor, locked.commune_id)
    if locked.moved_away_on is None:
        raise DomainError(_("Món vay chưa được ghi nhận hộ vay bỏ đi khỏi nơi cư trú."), field="loan")
    returned_on = clean_date(returned_on, field="returned_on", label=_("ngày trở về"))
    check_not_before(returned_on, locked.moved_away_on, field="returned_on", label=_("ngày trở về"),
                     bound_label=_("ngày bỏ đi khỏi nơi cư trú"))
    note = clean_text(note, field="note", label=_("ghi chú"), max_length=255)
    result = None
    flagged = Loan.objects.select_for_update().filter(household_id=locked.household_id,
                                                       moved_away_on__isnull=False).exclude(pk=locked.pk)
    for target in [locked, *flagged.order_by("loan_number")]:
        before = snapshot(target)
        old = target.moved_away_on
        target.moved_away_on = None
        target.save(update_fields=["moved_away_on"])
        event = record_event(actor=actor, loan=target, kind=LoanEventKind.RETURNED, happened_on=returned_on,
                             old_date=old, note=note)
        audit_loan(actor=actor, action="loan_mark_returned", loan=target, before=before)
        result = result or event
    if locked.household.moved_away_on is not None:
        household_clear_moved_away(actor=actor, household=locked.household, note=note)
    refresh_caller(loan, locked)
    return result
