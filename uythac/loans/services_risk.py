"""Risk handling (xử lý nợ bị rủi ro, process.md §4; Decision 50/2010/QĐ-TTg amended by 08/2021/QĐ-TTg).

Cases are processed in numbered rounds per branch and year. Dossier states: 01/XLN borrower's request
(REQUESTED) → 02/XLN minutes signed with the commune (MINUTES) → summary proposal 03/XLN (extension), 04/XLN
(freeze) or 05/XLN (write-off) (PROPOSED) → APPROVED / REFUSED. Approval applies the measure:

* FREEZE (khoanh): principal moves to LOAN_FROZEN (overdue first), no interest accrues on it; ``frozen_until`` =
  approval date + the months of the loss band (rule ``loans.risk.freeze_bands``: 40–79 % → 36, 80–100 % → 60,
  capped for K3/K5; below 40 % only an extension — M).
* WRITE_OFF (xóa): interest is accrued to the day before, then the whole principal and interest arrears go to
  WRITE_OFF_LOSS; the loan becomes WRITTEN_OFF.
* EXTENSION: the final maturity moves within the program's extension limit.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from uythac.accounts.models import Role
from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import check_not_before, clean_choice, clean_date, clean_text, format_date
from uythac.core.periods import add_months
from uythac.core.rules import rule_value
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind
from uythac.loans.access import can_write_loans, require_loan_writer
from uythac.loans.eligibility import vnd
from uythac.loans.interest import InterestBuckets
from uythac.loans.models import (
    SUMMARY_FORM,
    LoanEventKind,
    LoanStatus,
    RiskCase,
    RiskCaseState,
    RiskCause,
    RiskMeasure,
    RiskRound,
    RiskRoundStatus,
)
from uythac.loans.services_changes import apply_extension
from uythac.loans.services_common import (
    ONE_DAY,
    audit_loan,
    check_open,
    clean_business_date,
    lock_loan,
    post_loan_entry,
    principal_lines,
    record_event,
    refresh_caller,
)
from uythac.loans.services_repayment import accrue_through
from uythac.network.models import Branch

FREEZE_RULE = "loans.risk.freeze_bands"
PENDING = [RiskCaseState.REQUESTED, RiskCaseState.MINUTES, RiskCaseState.PROPOSED]


def _branch_writer(actor, branch: Branch) -> None:
    if actor is None:
        return
    if not can_write_loans(actor):
        raise DomainError(_("Chỉ cán bộ tín dụng, cán bộ phòng giao dịch được thực hiện nghiệp vụ cho vay."),
                          field="branch")
    office = getattr(actor, "office", None)
    if actor.role != Role.ADMIN and (office is None or office.branch_id != branch.pk):
        raise DomainError(_("Chi nhánh không thuộc phạm vi quản lý của bạn."), field="branch")


@transaction.atomic
def risk_round_open(*, actor, branch, year: int, opened_on: dt.date, note: str = "") -> RiskRound:
    """Open the next numbered round (đợt I, II, III…) of a branch for ``year``."""
    if not isinstance(branch, Branch):
        branch = Branch.objects.filter(code=str(branch or "").strip()).first()
        if branch is None:
            raise DomainError(_("Không tìm thấy chi nhánh."), field="branch")
    _branch_writer(actor, branch)
    opened_on = clean_date(opened_on, field="opened_on", label=_("ngày mở đợt"))
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= opened_on.year + 1:
        raise DomainError(_("Năm của đợt xử lý rủi ro không hợp lệ."), field="year")
    last = RiskRound.objects.select_for_update().filter(branch=branch, year=year).aggregate(n=Max("number"))["n"]
    risk_round = RiskRound.objects.create(branch=branch, year=year, number=(last or 0) + 1, opened_on=opened_on,
                                          note=clean_text(note, field="note", label=_("ghi chú"), required=False,
                                                          multiline=True))
    audit_event_record(actor=actor, action="risk_round_open", instance=risk_round, before=None,
                       after=snapshot(risk_round))
    return risk_round


@transaction.atomic
def risk_round_close(*, actor, risk_round, closed_on: dt.date, decision_ref: str) -> RiskRound:
    """Record the head office's result notice for the round; refused while a case is still pending."""
    risk_round = RiskRound.objects.select_for_update().select_related("branch").get(pk=risk_round.pk)
    _branch_writer(actor, risk_round.branch)
    if risk_round.status == RiskRoundStatus.CLOSED:
        raise DomainError(_("Đợt xử lý rủi ro đã kết thúc."), field="risk_round")
    pending = risk_round.cases.filter(state__in=PENDING).count()
    if pending:
        raise DomainError(_("Còn %(n)d hồ sơ chưa có kết quả phê duyệt trong đợt.") % {"n": pending},
                          field="risk_round")
    closed_on = clean_date(closed_on, field="closed_on", label=_("ngày kết thúc đợt"))
    check_not_before(closed_on, risk_round.opened_on, field="closed_on", label=_("ngày kết thúc đợt"),
                     bound_label=_("ngày mở đợt"))
    before = snapshot(risk_round)
    risk_round.status, risk_round.closed_on = RiskRoundStatus.CLOSED, closed_on
    risk_round.decision_ref = clean_text(decision_ref, field="decision_ref", label=_("văn bản thông báo kết quả"),
                                         max_length=100)
    risk_round.save()
    audit_event_record(actor=actor, action="risk_round_close", instance=risk_round, before=before,
                       after=snapshot(risk_round))
    return risk_round


def freeze_months_for(loss_percent: int, cause: str, on: dt.date) -> int | None:
    """Months of freeze allowed for a loss band and cause (None: below every band → extension only)."""
    rule = rule_value(FREEZE_RULE, on=on)
    for band in rule["bands"]:
        if band["min"] <= loss_percent <= band["max"]:
            cap = rule.get("cause_max_months", {}).get(cause)
            return min(band["months"], cap) if cap else band["months"]
    return None


def _audit_case(actor, action: str, case: RiskCase, before: dict | None) -> None:
    audit_event_record(actor=actor, action=action, instance=case, before=before, after=snapshot(case),
                       parent=case.loan)


@transaction.atomic
def risk_case_propose(
    *, actor, loan, risk_round, measure: str, cause: str, loss_percent: int, risk_on: dt.date,
    requested_on: dt.date, principal_amount: int | None = None, interest_amount: int | None = None,
    extension_months: int | None = None, note: str = "",
) -> RiskCase:
    """The borrower's request (01/XLN) for a measure on a loan, in an open round of the loan's branch."""
    locked = lock_loan(loan)
    require_loan_writer(actor, locked.commune_id)
    check_open(locked)
    risk_round = RiskRound.objects.select_for_update().filter(pk=getattr(risk_round, "pk", None)).first()
    if risk_round is None or risk_round.status != RiskRoundStatus.OPEN:
        raise DomainError(_("Đợt xử lý rủi ro không tồn tại hoặc không còn mở."), field="risk_round")
    if risk_round.branch_id != locked.office.branch_id:
        raise DomainError(_("Đợt xử lý rủi ro thuộc chi nhánh khác với món vay."), field="risk_round")
    measure = clean_choice(measure, RiskMeasure, field="measure", label=_("biện pháp xử lý"))
    cause = clean_choice(cause, RiskCause, field="cause", label=_("nguyên nhân rủi ro"))
    if isinstance(loss_percent, bool) or not isinstance(loss_percent, int) or not 0 <= loss_percent <= 100:
        raise DomainError(_("Mức độ thiệt hại phải là số nguyên từ 0 đến 100 (%)."), field="loss_percent")
    requested_on = clean_date(requested_on, field="requested_on", label=_("ngày đề nghị (01/XLN)"))
    risk_on = clean_date(risk_on, field="risk_on", label=_("ngày xảy ra rủi ro"))
    check_not_before(risk_on, locked.disbursed_on, field="risk_on", label=_("ngày xảy ra rủi ro"),
                     bound_label=_("ngày giải ngân"))
    check_not_before(requested_on, risk_on, field="requested_on", label=_("ngày đề nghị"),
                     bound_label=_("ngày xảy ra rủi ro"))
    if locked.risk_cases.filter(state__in=PENDING).exists():
        raise DomainError(_("Món vay đã có hồ sơ xử lý rủi ro đang chờ kết quả."), field="loan")
    freeze_months = extension = None
    if measure == RiskMeasure.FREEZE:
        freeze_months = freeze_months_for(loss_percent, cause, requested_on)
        if freeze_months is None:
            raise DomainError(
                _("Mức thiệt hại %(loss)d%% thấp hơn mức được khoanh nợ: chỉ được xem xét gia hạn nợ.")
                % {"loss": loss_percent},
                field="loss_percent",
            )
        ceiling = locked.principal_current + locked.principal_overdue
    elif measure == RiskMeasure.EXTENSION:
        if isinstance(extension_months, bool) or not isinstance(extension_months, int) or extension_months <= 0:
            raise DomainError(_("Chưa nhập số tháng đề nghị gia hạn."), field="extension_months")
        extension = extension_months
        ceiling = locked.outstanding
    else:
        ceiling = locked.outstanding
    principal = ceiling if principal_amount is None else principal_amount
    if isinstance(principal, bool) or not isinstance(principal, int) or not 0 < principal <= ceiling:
        raise DomainError(
            _("Số tiền gốc đề nghị xử lý phải lớn hơn 0 và không quá %(ceiling)s đồng.") % {"ceiling": vnd(ceiling)},
            field="principal_amount",
        )
    interest = locked.interest_arrears if interest_amount is None else interest_amount
    if isinstance(interest, bool) or not isinstance(interest, int) or interest < 0:
        raise DomainError(_("Số tiền lãi đề nghị xử lý không hợp lệ."), field="interest_amount")
    case = RiskCase.objects.create(
        loan=locked, round=risk_round, measure=measure, cause=cause, loss_percent=loss_percent, risk_on=risk_on,
        freeze_months=freeze_months, extension_months=extension, requested_on=requested_on,
        principal_amount=principal, interest_amount=interest, capital_source=locked.capital_source,
        note=clean_text(note, field="note", label=_("ghi chú"), required=False, multiline=True),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _audit_case(actor, "risk_case_propose", case, None)
    return case


def _lock_case(case) -> RiskCase:
    found = RiskCase.objects.select_for_update().select_related("loan", "round").filter(
        pk=getattr(case, "pk", case)).first()
    if found is None:
        raise DomainError(_("Không tìm thấy hồ sơ xử lý rủi ro."), field="case")
    return found


@transaction.atomic
def risk_case_advance(*, actor, case, on: dt.date, number: str) -> RiskCase:
    """Next dossier step: 01/XLN → minutes 02/XLN (``number`` = minutes number) → summary 03/04/05/XLN."""
    case = _lock_case(case)
    require_loan_writer(actor, case.loan.commune_id)
    on = clean_date(on, field="on", label=_("ngày lập"))
    number = clean_text(number, field="number", label=_("số văn bản"), max_length=60)
    before = snapshot(case)
    if case.state == RiskCaseState.REQUESTED:
        check_not_before(on, case.requested_on, field="on", label=_("ngày lập biên bản (02/XLN)"),
                         bound_label=_("ngày đề nghị (01/XLN)"))
        case.state, case.minutes_number, case.minutes_on = RiskCaseState.MINUTES, number, on
    elif case.state == RiskCaseState.MINUTES:
        check_not_before(on, case.minutes_on, field="on", label=_("ngày tổng hợp đề nghị"),
                         bound_label=_("ngày lập biên bản (02/XLN)"))
        case.state, case.summary_number, case.summary_on = RiskCaseState.PROPOSED, number, on
        case.summary_form = SUMMARY_FORM[case.measure]
    else:
        raise DomainError(
            _("Hồ sơ đang ở trạng thái «%(state)s»: không chuyển bước được.") % {"state": case.get_state_display()},
            field="case",
        )
    case.save()
    _audit_case(actor, "risk_case_advance", case, before)
    return case


def _freeze(actor, loan, case: RiskCase, on: dt.date):
    amount = min(case.principal_amount, loan.principal_current + loan.principal_overdue)
    if amount <= 0:
        raise DomainError(_("Món vay không còn dư nợ để khoanh."), field="case")
    parts, rest = {}, amount
    for code, field in ((A.LOAN_OVERDUE, "principal_overdue"), (A.LOAN_CURRENT, "principal_current")):
        parts[code] = min(rest, getattr(loan, field))
        rest -= parts[code]
    entry = post_loan_entry(
        actor=actor, loan=loan, kind=EntryKind.FREEZE, value_date=on,
        lines=[Line.debit(A.LOAN_FROZEN, amount, S.LOAN, loan.loan_number), *principal_lines(loan, parts)],
        memo=_("Khoanh nợ khế ước %(number)s") % {"number": loan.loan_number},
        idempotency_key=f"riskcase:{case.pk}:apply",
    )
    loan.frozen_on, loan.frozen_until = on, add_months(on, case.freeze_months)
    loan.save(update_fields=["frozen_on", "frozen_until"])
    return record_event(actor=actor, loan=loan, kind=LoanEventKind.FREEZE, happened_on=on, entry=entry,
                        form_number=case.summary_form, principal_amount=amount, months=case.freeze_months,
                        new_date=loan.frozen_until, risk_case=case)


def _write_off(actor, loan, case: RiskCase, on: dt.date):
    accrue_through(actor, loan, on - ONE_DAY, value_date=on)
    arrears = InterestBuckets(loan.interest_arrears_in_term, loan.interest_arrears_overdue,
                              loan.interest_arrears_grace)
    parts = {A.LOAN_FROZEN: loan.principal_frozen, A.LOAN_OVERDUE: loan.principal_overdue,
             A.LOAN_CURRENT: loan.principal_current}
    principal = sum(parts.values())
    lines = [Line.debit(A.WRITE_OFF_LOSS, principal + arrears.total, S.LOAN, loan.loan_number),
             *principal_lines(loan, parts)]
    if arrears.total:
        lines.append(Line.credit(A.INTEREST_RECEIVABLE, arrears.total, S.LOAN, loan.loan_number))
    entry = post_loan_entry(
        actor=actor, loan=loan, kind=EntryKind.WRITE_OFF, value_date=on, lines=lines,
        memo=_("Xóa nợ khế ước %(number)s") % {"number": loan.loan_number},
        idempotency_key=f"riskcase:{case.pk}:apply", interest_delta=arrears, interest_sign=-1,
    )
    loan.status, loan.closed_on = LoanStatus.WRITTEN_OFF, on
    loan.save(update_fields=["status", "closed_on"])
    return record_event(actor=actor, loan=loan, kind=LoanEventKind.WRITE_OFF, happened_on=on, entry=entry,
                        form_number=case.summary_form, principal_amount=principal, interest_amount=arrears.total,
                        risk_case=case)


@transaction.atomic
def risk_case_approve(*, actor, case, decided_on: dt.date, decision_ref: str) -> RiskCase:
    """The proposal was approved: apply the measure to the loan (see the module docstring)."""
    case = _lock_case(case)
    loan = lock_loan(case.loan)
    require_loan_writer(actor, loan.commune_id)
    if case.state != RiskCaseState.PROPOSED:
        raise DomainError(
            _("Chỉ phê duyệt hồ sơ đã tổng hợp đề nghị (03/04/05/XLN); hồ sơ đang ở trạng thái «%(state)s».")
            % {"state": case.get_state_display()},
            field="case",
        )
    check_open(loan)
    decided_on = clean_business_date(loan, decided_on, field="decided_on", label=_("ngày phê duyệt"))
    check_not_before(decided_on, case.summary_on, field="decided_on", label=_("ngày phê duyệt"),
                     bound_label=_("ngày tổng hợp đề nghị"))
    decision_ref = clean_text(decision_ref, field="decision_ref", label=_("văn bản phê duyệt"), max_length=100)
    before_case, before_loan = snapshot(case), snapshot(loan)
    if case.measure == RiskMeasure.FREEZE:
        if loan.principal_frozen:
            raise DomainError(
                _("Món vay đang được khoanh đến %(date)s.") % {"date": format_date(loan.frozen_until)}, field="case"
            )
        _freeze(actor, loan, case, decided_on)
    elif case.measure == RiskMeasure.WRITE_OFF:
        _write_off(actor, loan, case, decided_on)
    else:
        apply_extension(actor, loan, case.extension_months, decided_on, form_number=case.summary_form,
                        risk_case=case)
    case.state, case.decided_on, case.decision_ref = RiskCaseState.APPROVED, decided_on, decision_ref
    case.save(update_fields=["state", "decided_on", "decision_ref"])
    _audit_case(actor, "risk_case_approve", case, before_case)
    audit_loan(actor=actor, action=f"risk_{case.measure.lower()}", loan=loan, before=before_loan)
    refresh_caller(case.loan, loan)
    return case


@transaction.atomic
def risk_case_refuse(*, actor, case, decided_on: dt.date, reason: str, decision_ref: str = "") -> RiskCase:
    case = _lock_case(case)
    require_loan_writer(actor, case.loan.commune_id)
    if case.state not in PENDING:
        raise DomainError(_("Hồ sơ đã có kết quả."), field="case")
    decided_on = clean_date(decided_on, field="decided_on", label=_("ngày quyết định"))
    check_not_before(decided_on, case.requested_on, field="decided_on", label=_("ngày quyết định"),
                     bound_label=_("ngày đề nghị"))
    before = snapshot(case)
    case.state, case.decided_on = RiskCaseState.REFUSED, decided_on
    case.decision_ref = clean_text(decision_ref, field="decision_ref", label=_("văn bản"), max_length=100,
                                   required=False)
    case.note = (case.note + "\n" if case.note else "") + clean_text(reason, field="reason", label=_("lý do"),
                                                                     max_length=255)
    case.save()
    _audit_case(actor, "risk_case_refuse", case, before)
    return case
