"""Mechanics shared by the loan services: lock, idempotent replay, post to the ledger and keep the cached balances
in step, record the loan event, check a transaction session, translate the pure modules' reason codes.

Not a public API: callers use ``uythac.loans.services``.
"""

import datetime as dt
from collections.abc import Sequence

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import clean_date, format_date
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.lines import Line
from uythac.ledger.models import JournalEntry
from uythac.ledger.selectors import entry_by_idempotency_key
from uythac.ledger.services import entry_post
from uythac.loans.interest import InterestBuckets
from uythac.loans.models import Loan, LoanEvent, LoanStatus

ONE_DAY = dt.timedelta(days=1)

# Cached column of each principal account.
PRINCIPAL_FIELD = {
    A.LOAN_CURRENT: "principal_current",
    A.LOAN_OVERDUE: "principal_overdue",
    A.LOAN_FROZEN: "principal_frozen",
}
BUCKET_FIELD = {
    "in_term": "interest_arrears_in_term",
    "overdue": "interest_arrears_overdue",
    "grace": "interest_arrears_grace",
}

SCHEDULE_MESSAGES = {
    "principal_not_positive": (gettext_lazy("Số tiền giải ngân phải lớn hơn 0."), "amount"),
    "term_not_positive": (gettext_lazy("Thời hạn vay phải lớn hơn 0 tháng."), "term_months"),
    "grace_not_before_term": (gettext_lazy("Thời gian ân hạn phải ngắn hơn thời hạn vay."), "term_months"),
    "frequency_not_positive": (gettext_lazy("Kỳ hạn trả gốc phải lớn hơn 0 tháng."), "installment_frequency_months"),
    "installment_below_rounding_unit": (
        gettext_lazy("Số tiền vay quá nhỏ để chia thành các kỳ trả nợ theo đơn vị làm tròn."),
        "installment_frequency_months",
    ),
    "installment_not_found": (gettext_lazy("Món vay không có kỳ trả nợ này."), "number"),
    "adjustment_too_late": (gettext_lazy("Đã quá ngày đến hạn của kỳ trả nợ: không điều chỉnh được."), "requested_on"),
    "adjustment_not_later": (gettext_lazy("Ngày đến hạn mới phải sau ngày đến hạn hiện tại của kỳ."), "new_due_on"),
    "adjustment_after_next_installment": (
        gettext_lazy("Ngày đến hạn mới không được sau ngày đến hạn của kỳ trả nợ kế tiếp."), "new_due_on"
    ),
    "adjustment_after_maturity": (
        gettext_lazy(
            "Ngày đến hạn mới không được sau hạn trả nợ cuối cùng (điều chỉnh kỳ hạn không thay đổi hạn cuối)."
        ),
        "new_due_on",
    ),
    "extension_exceeds_limit": (gettext_lazy("Số tháng gia hạn vượt quá mức gia hạn tối đa cho phép."), "months"),
    "extension_months_not_positive": (gettext_lazy("Số tháng gia hạn phải lớn hơn 0."), "months"),
}


def schedule_error(exc) -> DomainError:
    message, field = SCHEDULE_MESSAGES.get(
        exc.code, (_("Lịch trả nợ không hợp lệ (%(code)s).") % {"code": exc.code}, None)
    )
    return DomainError(str(message), field=field)


def lock_loan(loan) -> Loan:
    """The loan row, locked for the rest of the transaction (every balance change serialises on it)."""
    found = Loan.objects.select_for_update().filter(pk=getattr(loan, "pk", None)).first()
    if found is None:
        raise DomainError(_("Không tìm thấy món vay."), field="loan")
    return found


def refresh_caller(original, locked: Loan) -> None:
    """Copy the new state back into the instance the caller passed in."""
    if isinstance(original, Loan) and original is not locked:
        for field in locked._meta.concrete_fields:
            setattr(original, field.attname, getattr(locked, field.attname))


def replayed_event(loan: Loan, idempotency_key, kind: str) -> LoanEvent | None:
    """The event a retried request already produced, or ``None``; a key used for something else is refused."""
    if idempotency_key in (None, ""):
        return None
    entry = entry_by_idempotency_key(str(idempotency_key).strip())
    if entry is None:
        return None
    event = LoanEvent.objects.filter(journal_entry=entry).select_related("loan").first()
    if event is None or event.loan_id != loan.pk or event.kind != kind:
        raise DomainError(
            _("Mã chống trùng «%(key)s» đã dùng cho một nghiệp vụ khác.") % {"key": idempotency_key},
            field="idempotency_key",
        )
    event.replayed = True
    return event


def check_open(loan: Loan, *, field: str = "loan") -> None:
    if loan.status == LoanStatus.CLOSED:
        raise DomainError(
            _("Món vay %(number)s đã tất toán ngày %(date)s.") % {"number": loan.loan_number,
                                                                  "date": format_date(loan.closed_on)},
            field=field,
        )
    if loan.status == LoanStatus.WRITTEN_OFF:
        raise DomainError(
            _("Món vay %(number)s đã được xóa nợ ngày %(date)s.") % {"number": loan.loan_number,
                                                                     "date": format_date(loan.closed_on)},
            field=field,
        )


def clean_business_date(loan: Loan, value, *, field: str, label: str) -> dt.date:
    """A date of a balance change: not in the future, not before the disbursement, after the last accrued day."""
    day = clean_date(value, field=field, label=label)
    if day < loan.disbursed_on:
        raise DomainError(
            _("%(label)s (%(date)s) không được trước ngày giải ngân (%(disbursed)s).")
            % {"label": capfirst(label), "date": format_date(day), "disbursed": format_date(loan.disbursed_on)},
            field=field,
        )
    if loan.interest_accrued_through is not None and day <= loan.interest_accrued_through:
        raise DomainError(
            _("%(label)s (%(date)s) phải sau ngày đã tính lãi của món vay (%(through)s).")
            % {"label": capfirst(label), "date": format_date(day),
               "through": format_date(loan.interest_accrued_through)},
            field=field,
        )
    return day


def clean_amount(value, *, field: str = "amount", label: str | None = None) -> int:
    label = label or _("Số tiền")
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(_("%(label)s phải là số nguyên đồng.") % {"label": label}, field=field)
    if value <= 0:
        raise DomainError(_("%(label)s phải lớn hơn 0.") % {"label": label}, field=field)
    return value


def session_cash_subledger(session, on: dt.date, *, point_id=None, office=None) -> tuple[str, str]:
    """Where the cash of a counter operation lands: the session's till (CASH_TELLER [session]) or the PGD's counter
    (CASH_TELLER [office]).

    A session is duck-typed (``transaction_sessions`` sits above ``loans``): it needs ``pk``, and — when it has
    them — ``is_open`` (False → refused: a closed session takes no more postings), ``held_on`` (must equal ``on``)
    and ``transaction_point_id`` (must equal the loan's point).
    """
    if session is None:
        return S.OFFICE, office.code
    if getattr(session, "pk", None) is None:
        raise DomainError(_("Phiên giao dịch chưa được lưu."), field="session")
    is_open = getattr(session, "is_open", True)
    if callable(is_open):
        is_open = is_open()
    if not is_open:
        raise DomainError(_("Phiên giao dịch đã đóng: không ghi thêm giao dịch vào phiên này."), field="session")
    held_on = getattr(session, "held_on", None)
    if held_on is not None and held_on != on:
        raise DomainError(
            _("Ngày giao dịch (%(on)s) khác ngày của phiên giao dịch (%(held)s).")
            % {"on": format_date(on), "held": format_date(held_on)},
            field="session",
        )
    session_point = getattr(session, "transaction_point_id", None)
    if point_id is not None and session_point is not None and session_point != point_id:
        raise DomainError(_("Phiên giao dịch không thuộc điểm giao dịch của món vay."), field="session")
    return S.SESSION, str(session.pk)


def post_loan_entry(
    *, actor, loan: Loan, kind: str, value_date: dt.date, lines: Sequence[Line], memo: str,
    idempotency_key=None, source_type: str = "", source_key: str = "",
    interest_delta: InterestBuckets | None = None, interest_sign: int = 1,
) -> JournalEntry:
    """Post one entry and apply it to the locked loan's cached balances (principal deltas are read from the lines;
    the interest receivable delta must equal ``interest_sign × interest_delta.total``). Saves the loan."""
    entry = entry_post(
        actor=actor, value_date=value_date, kind=kind, lines=lines, memo=memo[:255],
        idempotency_key=idempotency_key, source_type=source_type or "loan",
        source_key=source_key or loan.loan_number,
    )
    receivable = 0
    changed = set()
    for line in lines:
        if line.subledger_type != S.LOAN or line.subledger_key != loan.loan_number:
            continue
        field = PRINCIPAL_FIELD.get(line.account_code)
        if field is not None:
            setattr(loan, field, getattr(loan, field) + line.amount)
            changed.add(field)
        elif line.account_code == A.INTEREST_RECEIVABLE:
            receivable += line.amount
    buckets = interest_delta or InterestBuckets()
    if receivable != interest_sign * buckets.total:
        raise AssertionError(f"interest receivable {receivable} ≠ buckets {interest_sign * buckets.total}")
    for bucket, field in BUCKET_FIELD.items():
        amount = getattr(buckets, bucket)
        if amount:
            setattr(loan, field, getattr(loan, field) + interest_sign * amount)
            changed.add(field)
    for field in (*PRINCIPAL_FIELD.values(), *BUCKET_FIELD.values()):
        if getattr(loan, field) < 0:
            raise AssertionError(f"{loan.loan_number}: {field} would become negative")
    if changed:
        loan.save(update_fields=sorted(changed))
    return entry


def record_event(*, actor, loan: Loan, kind: str, happened_on: dt.date, entry=None, **fields) -> LoanEvent:
    event = LoanEvent.objects.create(
        loan=loan, kind=kind, happened_on=happened_on, journal_entry=entry,
        actor=actor if getattr(actor, "pk", None) else None, **fields,
    )
    event.replayed = False
    return event


def audit_loan(*, actor, action: str, loan: Loan, before: dict | None, note: str = "") -> None:
    """File the write under the loan's history (object type "loan", key = loan number)."""
    audit_event_record(actor=actor, action=action, instance=loan, before=before, after=snapshot(loan), note=note)


def principal_lines(loan: Loan, credit_parts: dict[str, int]) -> list[Line]:
    return [Line.credit(code, amount, S.LOAN, loan.loan_number) for code, amount in credit_parts.items() if amount]
