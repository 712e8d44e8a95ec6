"""Disbursement (giải ngân): the approved amount paid to the borrower in person at a transaction session or the
office (process.md §3.1 step 6). Creates the ``Loan`` (debt acknowledgment), its installment schedule, and posts
DISBURSEMENT: LOAN_CURRENT [loan] / CASH_TELLER [session or office]."""

import datetime as dt
import re

from django.db import transaction
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.core.guards import check_not_before, clean_date, format_date
from uythac.core.rules import rule_value
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind
from uythac.ledger.selectors import entry_by_idempotency_key
from uythac.loans.access import require_loan_writer
from uythac.loans.eligibility import ROUNDING_RULE, check_eligibility, vnd
from uythac.loans.models import (
    ApplicationStatus,
    ApplicationStatusChange,
    Installment,
    Loan,
    LoanApplication,
    LoanChannel,
    LoanEvent,
    LoanEventKind,
)
from uythac.loans.schedule import ScheduleError, build_schedule, contract_maturity
from uythac.loans.services_common import (
    audit_loan,
    clean_amount,
    post_loan_entry,
    record_event,
    schedule_error,
    session_cash_subledger,
)
from uythac.programs.models import LimitKind
from uythac.programs.selectors import limit_on, rate_on

LOAN_NUMBER = re.compile(r"^[0-9]{16}$")


def _replayed_loan(application: LoanApplication, idempotency_key) -> Loan | None:
    if idempotency_key in (None, ""):
        return None
    entry = entry_by_idempotency_key(str(idempotency_key).strip())
    if entry is None:
        return None
    event = LoanEvent.objects.filter(journal_entry=entry, kind=LoanEventKind.DISBURSEMENT).select_related(
        "loan").first()
    if event is None or event.loan.application_id != application.pk:
        raise DomainError(_("Mã chống trùng «%(key)s» đã dùng cho một nghiệp vụ khác.") % {"key": idempotency_key},
                          field="idempotency_key")
    event.loan.replayed = True
    return event.loan


def _clean_loan_number(value) -> str:
    number = str(value or "").strip()
    if not LOAN_NUMBER.match(number):
        raise DomainError(_("Số khế ước phải gồm đúng 16 chữ số (ví dụ 6600…)."), field="loan_number")
    if Loan.objects.filter(loan_number=number).exists():
        raise DomainError(_("Số khế ước %(number)s đã được dùng cho món vay khác.") % {"number": number},
                          field="loan_number")
    return number


def program_terms(application: LoanApplication, on: dt.date) -> tuple[int, str]:
    """Grace months (program data, 0 when none) and the installment regime in force on the disbursement date."""
    program, category = application.program, application.category
    grace = limit_on(program, LimitKind.GRACE_MONTHS, on, category=category)
    regime = limit_on(program, LimitKind.INSTALLMENT_REGIME, on, category=category)
    if regime is None:
        raise DomainError(
            _("Chưa cấu hình cách xử lý kỳ hạn chưa trả (597/NHCS-TDNN) cho chương trình %(program)s vào ngày "
              "%(date)s.") % {"program": program.code, "date": format_date(on)},
            field="program",
        )
    return (grace.months if grace is not None else 0), regime.choice


@transaction.atomic
def loan_disburse(
    *, actor, application, disbursed_on: dt.date, loan_number: str, amount: int | None = None, session=None,
    idempotency_key: str | None = None,
) -> Loan:
    """Disburse an approved (or notified) application once. ``amount`` defaults to the approved amount and may not
    exceed it; the eligibility rules are checked again on ``disbursed_on``. A retried request with the same
    ``idempotency_key`` returns the same loan (``loan.replayed`` is True)."""
    found = LoanApplication.objects.select_for_update(of=("self",)).select_related(
        "household", "household__commune__province", "group", "group__transaction_point",
        "group__association_unit", "program", "category", "office",
    ).filter(pk=getattr(application, "pk", application)).first()
    if found is None:
        raise DomainError(_("Không tìm thấy giấy đề nghị vay vốn."), field="application")
    application = found
    replayed = _replayed_loan(application, idempotency_key)
    if replayed is not None:
        return replayed
    require_loan_writer(actor, application.household.commune_id, field="application")
    existing = Loan.objects.filter(application=application).first()
    if existing is not None:
        raise DomainError(
            _("Phê duyệt của giấy đề nghị #%(id)s đã được giải ngân (khế ước %(number)s ngày %(date)s): không giải "
              "ngân lần thứ hai cho cùng một phê duyệt.")
            % {"id": application.pk, "number": existing.loan_number, "date": format_date(existing.disbursed_on)},
            field="application",
        )
    if application.status not in (ApplicationStatus.APPROVED, ApplicationStatus.NOTIFIED):
        raise DomainError(
            _("Giấy đề nghị #%(id)s chưa được phê duyệt (trạng thái «%(status)s»): chưa giải ngân được.")
            % {"id": application.pk, "status": application.get_status_display()},
            field="application",
        )
    disbursed_on = clean_date(disbursed_on, field="disbursed_on", label=_("ngày giải ngân"))
    check_not_before(disbursed_on, application.decided_on, field="disbursed_on", label=_("ngày giải ngân"),
                     bound_label=_("ngày phê duyệt"))
    amount = application.approved_amount if amount is None else clean_amount(amount, label=_("Số tiền giải ngân"))
    if amount > application.approved_amount:
        raise DomainError(
            _("Số tiền giải ngân (%(amount)s đồng) lớn hơn số tiền được phê duyệt (%(approved)s đồng).")
            % {"amount": vnd(amount), "approved": vnd(application.approved_amount)},
            field="amount",
        )
    loan_number = _clean_loan_number(loan_number)
    check_eligibility(application, amount=amount, on=disbursed_on)
    grace_months, regime = program_terms(application, disbursed_on)
    province = application.household.commune.province
    rate_on(application.program, disbursed_on, category=application.category, province=province)
    entrusted = application.channel == LoanChannel.ENTRUSTED
    point = application.group.transaction_point if entrusted else None
    cash = session_cash_subledger(session, disbursed_on, point_id=point.pk if point else None,
                                  office=application.office)
    try:
        installments = build_schedule(
            principal=amount, disbursed_on=disbursed_on, term_months=application.term_months,
            grace_months=grace_months,
            frequency_months=application.installment_frequency_months or application.term_months,
            session_day=point.session_day_of_month if point else None,
            rounding_unit=rule_value(ROUNDING_RULE, on=disbursed_on),
        )
    except ScheduleError as exc:
        raise schedule_error(exc) from None
    maturity = contract_maturity(disbursed_on, application.term_months)
    loan = Loan.objects.create(
        loan_number=loan_number, application=application, household=application.household,
        group=application.group if entrusted else None,
        association_unit=application.group.association_unit if entrusted else None,
        commune=application.household.commune, transaction_point=point, office=application.office,
        program=application.program, category=application.category, channel=application.channel,
        capital_source=application.capital_source, purpose=application.purpose,
        approved_amount=application.approved_amount, disbursed_amount=amount, disbursed_on=disbursed_on,
        term_months=application.term_months, grace_months=grace_months,
        installment_frequency_months=application.installment_frequency_months,
        contract_maturity=maturity, current_maturity=maturity, installment_regime=regime,
        last_transaction_on=disbursed_on, disbursed_by=actor if getattr(actor, "pk", None) else None,
        disbursement_session_key=str(session.pk) if session is not None else "",
    )
    Installment.objects.bulk_create([
        Installment(loan=loan, number=item.number, due_on=item.due_on, original_due_on=item.due_on,
                    principal=item.principal)
        for item in installments
    ])
    entry = post_loan_entry(
        actor=actor, loan=loan, kind=EntryKind.DISBURSEMENT, value_date=disbursed_on,
        lines=[Line.debit(A.LOAN_CURRENT, amount, S.LOAN, loan_number), Line.credit(A.CASH_TELLER, amount, *cash)],
        memo=_("Giải ngân khế ước %(number)s cho hộ %(household)s")
        % {"number": loan_number, "household": application.household.name},
        idempotency_key=idempotency_key,
    )
    record_event(actor=actor, loan=loan, kind=LoanEventKind.DISBURSEMENT, happened_on=disbursed_on, entry=entry,
                 principal_amount=amount)
    ApplicationStatusChange.objects.create(
        application=application, from_status=application.status, to_status=ApplicationStatus.DISBURSED,
        changed_on=disbursed_on, actor=actor if getattr(actor, "pk", None) else None, note=loan_number,
    )
    application.status = ApplicationStatus.DISBURSED
    application.save(update_fields=["status"])
    audit_loan(actor=actor, action="loan_disburse", loan=loan, before=None)
    loan.replayed = False
    return loan
