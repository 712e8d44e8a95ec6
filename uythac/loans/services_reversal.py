"""Reversal of a loan operation (đảo giao dịch) — the only correction once a session is closed (issue 3 §5, §7).

``loan_event_reverse(*, actor, event, on, reason, idempotency_key=None) -> LoanEvent``

Reverses a DISBURSEMENT, a PRINCIPAL_REPAYMENT (cash or from savings) or an INTEREST_COLLECTION: the ledger entry
gets its mirror image (``ledger.services.entry_reverse``, dated ``on``), the loan's caches, installments and last
transaction date are restored, and a LoanEvent of kind REVERSAL points at the original (one reversal per event:
a second is refused; a retry with the same ``idempotency_key`` returns the first, ``replayed`` True).

Decisions (stated, not found in the domain documents):

* The reversal is dated ``on`` (default: the caller passes today), never back-dated into the original day: a
  closed ledger month takes no posting, and interest already posted must not be re-rated silently. ``on`` must be
  on or after the original day, after the loan's last accrued day and in an open ledger month — otherwise refused,
  saying to reverse with a date in the open month and to re-post the correct operation there.
* Principal repayment: the principal was out of the interest base from the original day; the interest of
  ``original day .. on − 1`` on the restored amount (in-term part at the contract rate — grace bucket inside the
  grace period —, overdue part at the overdue rate, frozen part none) is posted as an INTEREST_ACCRUAL on ``on``
  ("lãi bổ sung do đảo giao dịch"). Repaid installments are reopened newest first (repayments settle oldest first).
  From savings: the member's savings cache (``MemberSavingsAccount.balance``) follows the ledger.
* Interest collection: each part goes back to the arrears bucket it settled (``LoanEvent.detail``; events recorded
  before that field existed go back to the in-term bucket).
* Disbursement: only while nothing else was done on the loan (no repayment, collection, transfer, freeze, write-off
  that is not itself reversed); the interest accrued is reversed as well, the loan is closed (balance 0) and the
  application returns to the status it had before, unlinked, so the correct disbursement can be made.
* Cash lines are mirrored as they were (the session's till, the leader's cash in transit [group], the PGD counter):
  the re-posting of the correct operation then nets them (a transfer to the right loan), or the cash refund is
  posted by the desk.
* A loan that the reversed operation had closed is reopened (status OPEN).
"""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from uythac.core.audit import snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import check_not_before, clean_date, clean_text, format_date
from uythac.core.periods import add_months
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind, JournalEntry, LedgerPeriod, PeriodStatus
from uythac.ledger.periods import period_of
from uythac.ledger.selectors import entry_by_idempotency_key
from uythac.ledger.services import entry_reverse
from uythac.loans.access import require_loan_writer
from uythac.loans.interest import InterestBuckets, accrue_interest
from uythac.loans.models import ApplicationStatus, ApplicationStatusChange, LoanEvent, LoanEventKind, LoanStatus
from uythac.loans.services_common import (
    BUCKET_FIELD,
    ONE_DAY,
    PRINCIPAL_FIELD,
    audit_loan,
    lock_loan,
    post_loan_entry,
    record_event,
    refresh_caller,
)
from uythac.programs.selectors import overdue_rate_segments, rate_segments
from uythac.savings.models import MemberSavingsAccount

REVERSIBLE = (LoanEventKind.DISBURSEMENT, LoanEventKind.PRINCIPAL_REPAYMENT, LoanEventKind.INTEREST_COLLECTION)
# Events with postings that a disbursement reversal must find reversed (or absent) first.
LATER_MONEY = (LoanEventKind.PRINCIPAL_REPAYMENT, LoanEventKind.INTEREST_COLLECTION, LoanEventKind.OVERDUE_TRANSFER,
               LoanEventKind.FREEZE, LoanEventKind.FREEZE_EXPIRY, LoanEventKind.WRITE_OFF)
TRANSACTION_KINDS = (LoanEventKind.DISBURSEMENT, LoanEventKind.PRINCIPAL_REPAYMENT, LoanEventKind.INTEREST_COLLECTION)


def _replayed(key: str | None, loan) -> LoanEvent | None:
    if not key:
        return None
    entry = entry_by_idempotency_key(key)
    if entry is None:
        return None
    event = LoanEvent.objects.filter(journal_entry=entry, kind=LoanEventKind.REVERSAL, loan=loan).first()
    if event is None:
        raise DomainError(_("Mã chống trùng «%(key)s» đã dùng cho một nghiệp vụ khác.") % {"key": key},
                          field="idempotency_key")
    event.replayed = True
    return event


def _clean_on(loan, original: LoanEvent, on) -> dt.date:
    on = clean_date(on, field="on", label=_("ngày đảo"))
    check_not_before(on, original.happened_on, field="on", label=_("ngày đảo"),
                     bound_label=_("ngày của giao dịch gốc"))
    period = period_of(on)
    if LedgerPeriod.objects.filter(period=period, status=PeriodStatus.CLOSED).exists():
        raise DomainError(
            _("Kỳ %(period)s đã khóa sổ: không đảo giao dịch vào tháng đã khóa. Chọn ngày đảo trong tháng đang mở "
              "(thường là hôm nay), rồi ghi lại giao dịch đúng trong tháng đó; số liệu tháng đã khóa giữ nguyên.")
            % {"period": period},
            field="on",
        )
    if original.kind != LoanEventKind.INTEREST_COLLECTION and loan.interest_accrued_through and \
            on <= loan.interest_accrued_through:
        raise DomainError(
            _("Lãi của món vay đã tính đến ngày %(through)s: chọn ngày đảo sau ngày đó.")
            % {"through": format_date(loan.interest_accrued_through)},
            field="on",
        )
    return on


def _catch_up_interest(loan, parts: dict[str, int], start: dt.date, end: dt.date) -> InterestBuckets:
    """Interest of ``start..end`` on amounts that the reversed repayment had taken out of the base."""
    if end < start:
        return InterestBuckets()
    province = loan.commune.province if loan.commune_id else None
    terms = {"category": loan.category, "province": province}
    grace_last = add_months(loan.disbursed_on, loan.grace_months) - ONE_DAY if loan.grace_months else None

    def run(amount, rates, first, last) -> int:
        if not amount or last < first:
            return 0
        return accrue_interest(balances={first: amount}, rates=rates(loan.program, first, last, **terms),
                               start=first, end=last).total

    current = parts.get(A.LOAN_CURRENT, 0)
    grace = in_term = 0
    if grace_last is not None and start <= grace_last:
        grace = run(current, rate_segments, start, min(end, grace_last))
    in_term = run(current, rate_segments, max(start, grace_last + ONE_DAY) if grace_last else start, end)
    overdue = run(parts.get(A.LOAN_OVERDUE, 0), overdue_rate_segments, start, end)
    return InterestBuckets(in_term=in_term, overdue=overdue, grace=grace)


def _principal_parts(entry: JournalEntry, loan_number: str) -> dict[str, int]:
    """Signed principal movement per account of the original entry on the loan's sub-ledger."""
    parts: dict[str, int] = {}
    for code, amount in entry.postings.filter(subledger_type=S.LOAN, subledger_key=loan_number).values_list(
            "account__code", "amount"):
        if code in PRINCIPAL_FIELD:
            parts[code] = parts.get(code, 0) + int(amount)
    return parts


def _reopen_installments(loan, amount: int) -> None:
    for item in loan.installments.filter(principal_paid__gt=0).order_by("-number"):
        if amount <= 0:
            break
        take = min(amount, item.principal_paid)
        item.principal_paid -= take
        item.save(update_fields=["principal_paid"])
        amount -= take


def _apply_cache(loan, entry: JournalEntry, *, interest: InterestBuckets | None = None, sign: int = 1) -> None:
    """Move the loan's caches by the reversal entry's lines (principal) and ``sign × interest`` (buckets)."""
    changed = set()
    for code, amount in entry.postings.filter(subledger_type=S.LOAN, subledger_key=loan.loan_number).values_list(
            "account__code", "amount"):
        field = PRINCIPAL_FIELD.get(code)
        if field is not None:
            setattr(loan, field, getattr(loan, field) + int(amount))
            changed.add(field)
    for bucket, field in BUCKET_FIELD.items():
        part = getattr(interest or InterestBuckets(), bucket)
        if part:
            setattr(loan, field, getattr(loan, field) + sign * part)
            changed.add(field)
    for field in (*PRINCIPAL_FIELD.values(), *BUCKET_FIELD.values()):
        if getattr(loan, field) < 0:
            raise AssertionError(f"{loan.loan_number}: {field} would become negative")
    if changed:
        loan.save(update_fields=sorted(changed))


def _savings_cache(entry: JournalEntry) -> None:
    for key, amount in entry.postings.filter(account__code=A.SAVINGS_105, subledger_type=S.SAVINGS).values_list(
            "subledger_key", "amount"):
        account = MemberSavingsAccount.objects.select_for_update().filter(account_number=key).first()
        if account is not None:
            # SAVINGS_105 is a liability: a credit (negative amount) raises the member's balance.
            account.balance -= int(amount)
            account.save(update_fields=["balance"])


def _reopen(loan) -> None:
    """Reopen a loan the reversed repayment or collection had closed (before its balances come back)."""
    if loan.status == LoanStatus.CLOSED:
        loan.status, loan.closed_on = LoanStatus.OPEN, None
        loan.save(update_fields=["status", "closed_on"])


def _last_transaction(loan, excluded: LoanEvent) -> None:
    last = (LoanEvent.objects.filter(loan=loan, kind__in=TRANSACTION_KINDS, reversal__isnull=True)
            .exclude(pk=excluded.pk).aggregate(last=Max("happened_on"))["last"])
    loan.last_transaction_on = last or loan.disbursed_on
    loan.save(update_fields=["last_transaction_on"])


def _reverse_repayment(actor, loan, original, on, reason, key) -> tuple[JournalEntry, InterestBuckets]:
    parts = {code: -amount for code, amount in _principal_parts(original.journal_entry, loan.loan_number).items()}
    entry = entry_reverse(actor=actor, entry=original.journal_entry, value_date=on, reason=reason,
                          idempotency_key=key)
    _apply_cache(loan, entry)
    _savings_cache(entry)
    _reopen_installments(loan, original.principal_amount)
    catch_up = _catch_up_interest(loan, parts, original.happened_on, on - ONE_DAY)
    if catch_up.total:
        post_loan_entry(
            actor=actor, loan=loan, kind=EntryKind.INTEREST_ACCRUAL, value_date=on,
            lines=[Line.debit(A.INTEREST_RECEIVABLE, catch_up.total, S.LOAN, loan.loan_number),
                   Line.credit(A.INTEREST_INCOME, catch_up.total, S.LOAN, loan.loan_number)],
            memo=_("Lãi bổ sung do đảo giao dịch thu nợ gốc khế ước %(number)s từ %(start)s đến %(end)s")
            % {"number": loan.loan_number, "start": format_date(original.happened_on),
               "end": format_date(on - ONE_DAY)},
            idempotency_key=f"{key}:interest", interest_delta=catch_up,
        )
    return entry, catch_up


def _collection_buckets(original: LoanEvent) -> InterestBuckets:
    detail = original.detail or {}
    if detail:
        return InterestBuckets(int(detail.get("in_term", 0)), int(detail.get("overdue", 0)),
                               int(detail.get("grace", 0)))
    return InterestBuckets(in_term=original.interest_amount)


def _reverse_disbursement(actor, loan, original, on, reason, key) -> JournalEntry:
    pending = (LoanEvent.objects.filter(loan=loan, kind__in=LATER_MONEY, reversal__isnull=True)
               .exclude(journal_entry__isnull=True).order_by("happened_on", "id").first())
    if pending is not None:
        raise DomainError(
            _("Món vay đã có giao dịch «%(kind)s» ngày %(date)s: đảo các giao dịch sau giải ngân trước (nếu là "
              "chuyển nợ quá hạn, khoanh, xóa nợ thì không đảo được giải ngân).")
            % {"kind": pending.get_kind_display(), "date": format_date(pending.happened_on)},
            field="event",
        )
    accruals = JournalEntry.objects.filter(kind=EntryKind.INTEREST_ACCRUAL, postings__subledger_type=S.LOAN,
                                           postings__subledger_key=loan.loan_number,
                                           reversed_by__isnull=True).distinct().order_by("id")
    for number, accrual in enumerate(accruals, start=1):
        entry_reverse(actor=actor, entry=accrual, value_date=on, reason=reason,
                      idempotency_key=f"{key}:accrual:{number}")
    entry = entry_reverse(actor=actor, entry=original.journal_entry, value_date=on, reason=reason,
                          idempotency_key=key)
    # Nothing was collected (checked above): the arrears are exactly the accruals just reversed.
    _apply_cache(loan, entry, interest=InterestBuckets(loan.interest_arrears_in_term, loan.interest_arrears_overdue,
                                                       loan.interest_arrears_grace), sign=-1)
    loan.installments.update(principal_paid=0, transferred_to_overdue=0)
    application = loan.application
    loan.status, loan.closed_on, loan.application = LoanStatus.CLOSED, on, None
    loan.save(update_fields=["status", "closed_on", "application"])
    if application is not None:
        change = application.status_changes.filter(to_status=ApplicationStatus.DISBURSED).order_by("-id").first()
        previous = (change.from_status if change and change.from_status else ApplicationStatus.APPROVED)
        ApplicationStatusChange.objects.create(
            application=application, from_status=application.status, to_status=previous, changed_on=on,
            actor=actor if getattr(actor, "pk", None) else None,
            note=_("Đảo giải ngân khế ước %(number)s") % {"number": loan.loan_number},
        )
        application.status = previous
        application.save(update_fields=["status"])
    return entry


@transaction.atomic
def loan_event_reverse(*, actor, event, on: dt.date, reason: str, idempotency_key: str | None = None) -> LoanEvent:
    """Reverse one disbursement, principal repayment or interest collection (see the module docstring)."""
    original = LoanEvent.objects.select_related("loan").filter(pk=getattr(event, "pk", event)).first()
    if original is None:
        raise DomainError(_("Không tìm thấy giao dịch cần đảo."), field="event")
    loan = lock_loan(original.loan)
    original = LoanEvent.objects.select_for_update(of=("self",)).select_related("journal_entry").get(pk=original.pk)
    key = str(idempotency_key).strip() if idempotency_key not in (None, "") else None
    replay = _replayed(key, loan)
    if replay is not None:
        return replay
    require_loan_writer(actor, loan.commune_id, field="event")
    if original.kind not in REVERSIBLE:
        raise DomainError(
            _("Không đảo được giao dịch «%(kind)s»: chỉ đảo giải ngân, thu nợ gốc, thu lãi.")
            % {"kind": original.get_kind_display()},
            field="event",
        )
    done = LoanEvent.objects.filter(reversal_of=original).first()
    if done is not None:
        raise DomainError(
            _("Giao dịch này đã được đảo ngày %(date)s: không đảo lần thứ hai.")
            % {"date": format_date(done.happened_on)},
            field="event",
        )
    if original.journal_entry is None:
        raise DomainError(_("Giao dịch không có bút toán (dữ liệu chuyển đổi): không đảo được."), field="event")
    if loan.status == LoanStatus.WRITTEN_OFF:
        raise DomainError(_("Món vay %(number)s đã được xóa nợ ngày %(date)s: không đảo giao dịch.")
                          % {"number": loan.loan_number, "date": format_date(loan.closed_on)}, field="event")
    reason = clean_text(reason, field="reason", label=_("lý do đảo"), max_length=200)
    on = _clean_on(loan, original, on)
    key = key or f"loan:reverse:{original.pk}"
    before = snapshot(loan)
    interest = InterestBuckets()
    if original.kind != LoanEventKind.DISBURSEMENT:
        _reopen(loan)
    if original.kind == LoanEventKind.PRINCIPAL_REPAYMENT:
        entry, interest = _reverse_repayment(actor, loan, original, on, reason, key)
    elif original.kind == LoanEventKind.INTEREST_COLLECTION:
        entry = entry_reverse(actor=actor, entry=original.journal_entry, value_date=on, reason=reason,
                              idempotency_key=key)
        _apply_cache(loan, entry, interest=_collection_buckets(original), sign=1)
    else:
        entry = _reverse_disbursement(actor, loan, original, on, reason, key)
    _last_transaction(loan, original)
    reversal = record_event(
        actor=actor, loan=loan, kind=LoanEventKind.REVERSAL, happened_on=on, entry=entry, reversal_of=original,
        principal_amount=original.principal_amount, interest_amount=original.interest_amount,
        from_savings=original.from_savings, old_date=original.happened_on, note=reason,
        detail={"reversed_kind": original.kind, "catch_up_interest": interest.total},
    )
    audit_loan(actor=actor, action="loan_event_reverse", loan=loan, before=before,
               note=f"{original.get_kind_display()} {format_date(original.happened_on)}: {reason}")
    if isinstance(event, LoanEvent) and LoanEvent.loan.is_cached(event):
        refresh_caller(event.loan, loan)
    return reversal
