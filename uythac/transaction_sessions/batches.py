"""Group leaders' collection batches (bảng kê 13/TD, receipts 01/BL): submit, hand over at the session, reject.

    batch_submit(*, actor, group, receipts, declared_total, idempotency_key, list_number="") -> CollectionBatch
    batch_handover(*, actor, session, batch, counted_total=None, cash_count=None, difference_note="")
        -> CollectionBatch
    batch_reject(*, actor, batch, reason) -> CollectionBatch

A receipt is a mapping::

    {"household": "0000000012", "receipt_number": "BL-0012", "collected_on": date(2025, 3, 5),
     "interest": {"6600…16 digits": 85_000},        # interest per loan (optional)
     "savings": 20_000,                                # deposit to the member's active account (optional)
     "savings_to_principal": {"6600…": 500_000}}       # 13/TD column: principal repaid from deposit (optional)

**Never principal**: a receipt carrying ``"principal"`` is refused — borrowers repay principal themselves at the
session or the office (process.md §3.2). The list's total (``declared_total``) is the cash the leader hands over:
the sum of interest and savings (repayments from deposit move no cash) — a different total is refused.

Accounting decision (chart ``uythac.ledger.chart``): **submitting posts nothing.** Until the hand-over the cash is in
the leader's hands under the agency contract and the bank has not counted it; the batch is PENDING. The hand-over,
in ONE transaction on the session's day (value date = the session date, in an open month; the receipts keep their
collection dates): each interest line through ``loan_collect_interest`` (CASH_IN_TRANSIT [group] /
INTEREST_RECEIVABLE [loan]), each deposit through ``savings_deposit`` with the leader's cash desk (CASH_IN_TRANSIT
[group] / SAVINGS_105), each repayment from deposit through ``loan_repay_principal(from_savings=True)``; then
COLLECTION_HANDOVER: CASH_TELLER [session] for the counted cash, CASH_DIFFERENCE [group] for the difference (a
shortage is a debit, a surplus a credit), CASH_IN_TRANSIT [group] credited with the list's total — so the group's
cash in transit returns to 0 and any difference stays visible on CASH_DIFFERENCE until it is settled.

Idempotency: every submission carries a key (``CollectionBatch.idempotency_key``, unique): a retried or doubled
submission (a phone resending) returns the first batch (``batch.replayed``) when it is the same list and is refused
when it differs. Every posting of a hand-over carries its own key (``collectionbatch:<id>:…``) and the batch row is
locked, so two tellers handing over the same batch at once apply it exactly once; the second is refused.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.accounts.models import Role
from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import clean_date, clean_text, code_of, fetch_referenced, format_date
from uythac.groups.access import access_group
from uythac.groups.models import GroupMembership, GroupStatus
from uythac.ledger.chart import AccountCode, SubledgerType
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind
from uythac.ledger.services import entry_post
from uythac.loans.models import Loan, LoanStatus
from uythac.loans.services import loan_collect_interest, loan_repay_principal
from uythac.savings.cash import leader_in_transit, teller_in_session
from uythac.savings.models import MemberSavingsAccount, SavingsAccountStatus
from uythac.savings.selectors import minimum_deposit
from uythac.savings.services import savings_balance_resync, savings_deposit
from uythac.transaction_sessions.access import access_batch, can_submit_batches
from uythac.transaction_sessions.batch_check import batch_check_required
from uythac.transaction_sessions.checks import (
    clean_not_negative,
    clean_positive,
    link_entry,
    locked_session,
    refuse_closed_month,
    require_open,
    vnd,
)
from uythac.transaction_sessions.models import (
    BatchStatus,
    CollectionBatch,
    CollectionItem,
    CollectionReceipt,
    ItemKind,
    SessionEntryPurpose,
)

SOURCE_TYPE = "collectionbatch"
RECEIPT_KEYS = frozenset({"household", "receipt_number", "collected_on", "interest", "savings",
                          "savings_to_principal", "principal"})
# Vietnamese banknotes and coins in circulation (State Bank of Vietnam), in đồng.
DENOMINATIONS = (500_000, 200_000, 100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100)


# --- submit --------------------------------------------------------------------------------------------------

def _clean_loan(group, household, number, *, prefix: str) -> Loan:
    loan = Loan.objects.filter(loan_number=str(number).strip(), household=household, group=group).first()
    if loan is None:
        raise DomainError(prefix + _("khế ước %(number)s không phải món vay của hộ %(name)s trong tổ %(group)s.")
                          % {"number": number, "name": household.name, "group": group.code}, field="receipts")
    if loan.status == LoanStatus.CLOSED:
        raise DomainError(prefix + _("món vay %(number)s đã tất toán ngày %(on)s: không thu lãi.")
                          % {"number": loan.loan_number, "on": format_date(loan.closed_on)}, field="receipts")
    if loan.status == LoanStatus.WRITTEN_OFF:
        raise DomainError(prefix + _("món vay %(number)s đã được xóa nợ ngày %(on)s: không thu.")
                          % {"number": loan.loan_number, "on": format_date(loan.closed_on)}, field="receipts")
    return loan


def _active_account(household, *, prefix: str) -> MemberSavingsAccount:
    account = MemberSavingsAccount.objects.filter(household=household, status=SavingsAccountStatus.ACTIVE).first()
    if account is None:
        raise DomainError(prefix + _("hộ %(name)s chưa có tài khoản tiền gửi đang hoạt động.")
                          % {"name": household.name}, field="receipts")
    return account


def _amount(value, *, prefix: str, label: str) -> int:
    try:
        return clean_positive(value, field="receipts", label=label)
    except DomainError as error:
        raise DomainError(prefix + error.text(), field="receipts") from None


def _clean_receipt(group, raw: dict, number: int, seen_numbers: set) -> dict:
    unknown = sorted(set(raw) - RECEIPT_KEYS)
    if unknown:
        raise TypeError(f"unexpected receipt key(s): {', '.join(unknown)}")
    receipt_number = clean_text(raw.get("receipt_number"), field="receipts", label=_("số biên lai"), max_length=30,
                                required=False)
    prefix = _("Biên lai %(receipt)s: ") % {"receipt": receipt_number or f"#{number}"}
    if not receipt_number:
        raise DomainError(prefix + _("chưa nhập số biên lai (01/BL)."), field="receipts")
    if raw.get("principal"):
        raise DomainError(
            prefix + _("tổ trưởng không được thu nợ gốc. Người vay tự trả nợ gốc tại phiên giao dịch xã hoặc tại "
                       "phòng giao dịch."),
            field="receipts",
        )
    if receipt_number in seen_numbers:
        raise DomainError(prefix + _("số biên lai bị trùng trong bảng kê."), field="receipts")
    seen_numbers.add(receipt_number)
    try:
        collected_on = clean_date(raw.get("collected_on"), field="receipts", label=_("ngày thu"))
    except DomainError as error:
        raise DomainError(prefix + error.text(), field="receipts") from None
    code = code_of(raw.get("household") or "", "customer_code").zfill(10)
    membership = (
        GroupMembership.objects.filter(group=group, household__customer_code=code, joined_on__lte=collected_on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=collected_on)).select_related("household").first()
    )
    if membership is None:
        raise DomainError(prefix + _("hộ %(code)s không là tổ viên của tổ %(group)s vào ngày %(on)s.")
                          % {"code": code, "group": group.code, "on": format_date(collected_on)}, field="receipts")
    household = membership.household
    items = []
    for loan_number, amount in dict(raw.get("interest") or {}).items():
        loan = _clean_loan(group, household, loan_number, prefix=prefix)
        items.append((ItemKind.INTEREST, loan, None, _amount(amount, prefix=prefix, label=_("Tiền lãi"))))
    if raw.get("savings"):
        account = _active_account(household, prefix=prefix)
        amount = _amount(raw["savings"], prefix=prefix, label=_("Tiền gửi"))
        minimum = minimum_deposit(account, collected_on)
        if amount < minimum.amount:
            raise DomainError(prefix + _("tiền gửi %(amount)s đồng thấp hơn mức gửi tối thiểu %(minimum)s đồng.")
                              % {"amount": vnd(amount), "minimum": vnd(minimum.amount)}, field="receipts")
        items.append((ItemKind.SAVINGS, None, account, amount))
    for loan_number, amount in dict(raw.get("savings_to_principal") or {}).items():
        loan = _clean_loan(group, household, loan_number, prefix=prefix)
        account = _active_account(household, prefix=prefix)
        items.append((ItemKind.SAVINGS_TO_PRINCIPAL, loan, account,
                      _amount(amount, prefix=prefix, label=_("Tiền gửi trả nợ gốc"))))
    if not items:
        raise DomainError(prefix + _("chưa có khoản thu nào."), field="receipts")
    return {"household": household, "receipt_number": receipt_number, "collected_on": collected_on, "items": items}


def _signature_of_cleaned(group, declared_total, list_number, receipts) -> tuple:
    return (group.pk, declared_total, list_number, tuple(sorted(
        (r["household"].pk, r["receipt_number"], r["collected_on"],
         tuple(sorted((kind, getattr(loan, "pk", 0), getattr(account, "pk", 0), amount)
                      for kind, loan, account, amount in r["items"])))
        for r in receipts
    )))


def _signature_of_batch(batch: CollectionBatch) -> tuple:
    receipts = []
    for receipt in batch.receipts.prefetch_related("items"):
        receipts.append((receipt.household_id, receipt.receipt_number, receipt.collected_on, tuple(sorted(
            (item.kind, item.loan_id or 0, item.savings_account_id or 0, item.amount) for item in receipt.items.all()
        ))))
    return (batch.group_id, batch.declared_total, batch.list_number, tuple(sorted(receipts)))


def _replay(batch: CollectionBatch, signature: tuple) -> CollectionBatch:
    if _signature_of_batch(batch) != signature:
        raise DomainError(
            _("Mã chống trùng «%(key)s» đã dùng cho bảng kê #%(id)s với nội dung khác: bảng kê này không được ghi.")
            % {"key": batch.idempotency_key, "id": batch.pk},
            field="idempotency_key",
        )
    batch.replayed = True
    return batch


def _submitter_group(actor, group):
    if not can_submit_batches(actor):
        raise DomainError(_("Chỉ tổ trưởng (hoặc cán bộ tín dụng thay mặt tổ trưởng) được lập bảng kê thu lãi, "
                            "thu tiền gửi."))
    group = fetch_referenced(access_group, actor, group, field="group", empty=_("Chưa chọn tổ."),
                             message=_("Tổ %(code)s không thuộc phạm vi quản lý của bạn."))
    if actor.role == Role.GROUP_LEADER and actor.group_id != group.pk:
        raise DomainError(_("Tổ trưởng chỉ lập bảng kê của tổ mình."), field="group")
    return group


def batch_submit(*, actor, group, receipts, declared_total, idempotency_key: str, list_number: str = ""):
    with transaction.atomic():
        group = _submitter_group(actor, group)
        key = str(idempotency_key or "").strip()
        if not key or len(key) > 100:
            raise DomainError(_("Mã chống trùng phải có từ 1 đến 100 ký tự."), field="idempotency_key")
        list_number = clean_text(list_number, field="list_number", label=_("số bảng kê"), max_length=40,
                                 required=False)
        existing = CollectionBatch.objects.filter(idempotency_key=key).first()
        declared = clean_positive(declared_total, field="declared_total", label=_("Tổng tiền bảng kê"))
        if group.status != GroupStatus.ACTIVE:
            raise DomainError(_("Tổ %(code)s đã ngừng hoạt động.") % {"code": group.code}, field="group")
        if not receipts:
            raise DomainError(_("Bảng kê chưa có biên lai nào."), field="receipts")
        seen: set[str] = set()
        cleaned = [_clean_receipt(group, dict(raw), n, seen) for n, raw in enumerate(receipts, start=1)]
        signature = _signature_of_cleaned(group, declared, list_number, cleaned)
        if existing is not None:
            return _replay(existing, signature)
        cash_total = sum(amount for r in cleaned for kind, _loan, _account, amount in r["items"]
                         if kind != ItemKind.SAVINGS_TO_PRINCIPAL)
        if declared != cash_total:
            raise DomainError(
                _("Tổng tiền bảng kê (%(declared)s đồng) khác tổng lãi và tiền gửi trên các biên lai (%(sum)s đồng).")
                % {"declared": vnd(declared), "sum": vnd(cash_total)},
                field="declared_total",
            )
        used = (CollectionReceipt.objects.filter(batch__group=group, receipt_number__in=seen)
                .exclude(batch__status=BatchStatus.REJECTED).select_related("batch").first())
        if used is not None:
            # A concurrent submission of this very list may have committed since the look-up above.
            winner = CollectionBatch.objects.filter(idempotency_key=key).first()
            if winner is not None:
                return _replay(winner, signature)
            raise DomainError(_("Biên lai %(receipt)s đã có trong bảng kê #%(id)s của tổ.")
                              % {"receipt": used.receipt_number, "id": used.batch_id}, field="receipts")
        try:
            with transaction.atomic():
                batch = CollectionBatch.objects.create(group=group, idempotency_key=key, list_number=list_number,
                                                       declared_total=declared, submitted_by=actor)
        except IntegrityError:
            # A concurrent submission with the same key won: answer as its retry.
            return _replay(CollectionBatch.objects.get(idempotency_key=key), signature)
        for r in cleaned:
            receipt = CollectionReceipt.objects.create(batch=batch, household=r["household"],
                                                       receipt_number=r["receipt_number"],
                                                       collected_on=r["collected_on"])
            CollectionItem.objects.bulk_create([
                CollectionItem(receipt=receipt, kind=kind, loan=loan, savings_account=account, amount=amount)
                for kind, loan, account, amount in r["items"]
            ])
        audit_event_record(actor=actor, action="batch.submit", instance=batch, before=None, after=snapshot(batch),
                           parent=group)
    batch.replayed = False
    return batch


# --- hand-over -----------------------------------------------------------------------------------------------

def _counted(counted_total, cash_count) -> tuple[int, dict]:
    count: dict[str, int] = {}
    if cash_count:
        for denomination, pieces in dict(cash_count).items():
            try:
                value = int(str(denomination))
            except ValueError:
                value = 0
            if value not in DENOMINATIONS:
                raise DomainError(_("Mệnh giá %(value)s không hợp lệ.") % {"value": denomination}, field="cash_count")
            pieces = clean_not_negative(pieces, field="cash_count", label=_("Số tờ mệnh giá %(value)s") % {
                "value": vnd(value)})
            if pieces:
                count[str(value)] = pieces
        total = sum(int(value) * pieces for value, pieces in count.items())
        if counted_total not in (None, "") and clean_not_negative(
                counted_total, field="counted_total", label=_("Tiền mặt thực nhận")) != total:
            raise DomainError(_("Số tiền thực nhận khác tổng bảng kê tiền theo mệnh giá (%(total)s đồng).")
                              % {"total": vnd(total)}, field="counted_total")
        return total, count
    if counted_total in (None, ""):
        raise DomainError(_("Chưa nhập số tiền mặt thực nhận từ tổ trưởng."), field="counted_total")
    return clean_not_negative(counted_total, field="counted_total", label=_("Tiền mặt thực nhận")), count


def _locked_batch(actor, batch) -> CollectionBatch:
    pk = getattr(batch, "pk", batch)
    try:
        access_batch(actor, pk)
    except Http404:
        raise DomainError(_("Không tìm thấy bảng kê trong phạm vi quản lý của bạn."), field="batch") from None
    return CollectionBatch.objects.select_for_update(of=("self",)).select_related("group", "session").get(pk=pk)


def _apply_items(actor, session, batch: CollectionBatch) -> None:
    on = session.session_date
    base = {"source_type": SOURCE_TYPE, "source_key": str(batch.pk)}
    items = CollectionItem.objects.filter(receipt__batch=batch).select_related(
        "loan", "savings_account", "receipt__household").order_by("id")
    for item in items:
        key = f"{SOURCE_TYPE}:{batch.pk}:item:{item.pk}"
        name = item.receipt.household.name
        if item.kind == ItemKind.INTEREST:
            event = loan_collect_interest(actor=actor, loan=item.loan, amount=item.amount, on=on,
                                          idempotency_key=key, collected_by_leader=True, **base)
            link_entry(session, event.journal_entry, SessionEntryPurpose.INTEREST, item.amount, batch=batch,
                       loan_number=item.loan.loan_number, description=_("Lãi thu qua tổ trưởng: %(name)s")
                       % {"name": name})
        elif item.kind == ItemKind.SAVINGS:
            entry = savings_deposit(actor=actor, account=item.savings_account, amount=item.amount, on=on,
                                    cash=leader_in_transit(batch.group.code), idempotency_key=key, **base)
            link_entry(session, entry, SessionEntryPurpose.SAVINGS_DEPOSIT, item.amount, batch=batch,
                       savings_account_number=item.savings_account.account_number,
                       description=_("Tiền gửi thu qua tổ trưởng: %(name)s") % {"name": name})
        else:
            event = loan_repay_principal(actor=actor, loan=item.loan, amount=item.amount, on=on, session=session,
                                         from_savings=True, savings_account=item.savings_account.account_number,
                                         idempotency_key=key, **base)
            savings_balance_resync(account=item.savings_account)
            link_entry(session, event.journal_entry, SessionEntryPurpose.REPAID_FROM_SAVINGS, item.amount,
                       batch=batch, loan_number=item.loan.loan_number,
                       savings_account_number=item.savings_account.account_number,
                       description=_("Trả nợ gốc từ tiền gửi (13/TD): %(name)s") % {"name": name})


def batch_handover(*, actor, session, batch, counted_total=None, cash_count=None, difference_note: str = ""):
    """The leader hands the batch's cash to the teller at the session: count, record the difference, post."""
    with transaction.atomic():
        session = locked_session(actor, session)
        require_open(session)
        refuse_closed_month(session.session_date, field="session")
        batch = _locked_batch(actor, batch)
        if batch.status == BatchStatus.HANDED_OVER:
            raise DomainError(
                _("Bảng kê #%(id)s đã được giao tại phiên giao dịch ngày %(on)s: không giao lần thứ hai.")
                % {"id": batch.pk, "on": format_date(batch.session.session_date)},
                field="batch",
            )
        if batch.status == BatchStatus.REJECTED:
            raise DomainError(_("Bảng kê #%(id)s đã bị hủy.") % {"id": batch.pk}, field="batch")
        if batch.group.transaction_point_id != session.transaction_point_id:
            raise DomainError(_("Tổ %(code)s không giao dịch tại điểm giao dịch của phiên này.")
                              % {"code": batch.group.code}, field="batch")
        if batch.checked_on is None and batch_check_required(session.session_date):
            raise DomainError(_("Bảng kê #%(id)s chưa được hội cấp xã kiểm tra: kiểm tra trước khi giao tiền.")
                              % {"id": batch.pk}, field="batch")
        late = batch.receipts.filter(collected_on__gt=session.session_date).order_by("collected_on").first()
        if late is not None:
            raise DomainError(_("Biên lai %(receipt)s thu ngày %(on)s, sau ngày của phiên giao dịch.")
                              % {"receipt": late.receipt_number, "on": format_date(late.collected_on)}, field="batch")
        counted, count = _counted(counted_total, cash_count)
        note = clean_text(difference_note, field="difference_note", label=_("giải trình chênh lệch"), max_length=255,
                          required=False)
        before = snapshot(batch)
        _apply_items(actor, session, batch)
        _post_handover(actor, session, batch, counted)
        batch.status = BatchStatus.HANDED_OVER
        batch.session = session
        batch.counted_total = counted
        batch.cash_count = count
        batch.difference_note = note
        batch.handed_over_by = actor
        batch.handed_over_at = timezone.now()
        batch.save()
        difference = batch.difference
        audit_event_record(
            actor=actor, action="batch.handover", instance=batch, before=before, after=snapshot(batch),
            parent=session,
            note=(_("Chênh lệch %(diff)s đồng so với bảng kê") % {"diff": vnd(difference)}) if difference else "",
        )
    return batch


def _post_handover(actor, session, batch: CollectionBatch, counted: int) -> None:
    group = batch.group.code
    difference = counted - batch.declared_total
    lines = [Line.credit(AccountCode.CASH_IN_TRANSIT, batch.declared_total, SubledgerType.GROUP, group)]
    if counted:
        lines.append(teller_in_session(session.pk).debit(counted))
    if difference:
        lines.append(Line(AccountCode.CASH_DIFFERENCE, -difference, SubledgerType.GROUP, group))
    memo = _("Tổ %(group)s giao tiền bảng kê 13/TD #%(id)s: thực nhận %(counted)s / bảng kê %(total)s đồng") % {
        "group": group, "id": batch.pk, "counted": vnd(counted), "total": vnd(batch.declared_total)}
    entry = entry_post(actor=actor, value_date=session.session_date, kind=EntryKind.COLLECTION_HANDOVER, lines=lines,
                       memo=memo, idempotency_key=f"{SOURCE_TYPE}:{batch.pk}:handover", source_type=SOURCE_TYPE,
                       source_key=str(batch.pk))
    link_entry(session, entry, SessionEntryPurpose.HANDOVER, counted, batch=batch, description=memo)


# --- reject --------------------------------------------------------------------------------------------------

def batch_reject(*, actor, batch, reason: str) -> CollectionBatch:
    """Cancel a PENDING batch (wrong list, to be submitted again corrected); nothing had been posted."""
    with transaction.atomic():
        if not can_submit_batches(actor):
            raise DomainError(_("Bạn không có quyền hủy bảng kê."), field="batch")
        batch = _locked_batch(actor, batch)
        if actor.role == Role.GROUP_LEADER and actor.group_id != batch.group_id:
            raise DomainError(_("Tổ trưởng chỉ hủy bảng kê của tổ mình."), field="batch")
        if batch.status != BatchStatus.PENDING:
            raise DomainError(_("Chỉ hủy được bảng kê đang chờ giao (bảng kê #%(id)s: %(status)s).")
                              % {"id": batch.pk, "status": batch.get_status_display()}, field="batch")
        reason = clean_text(reason, field="reason", label=_("lý do hủy"), max_length=255)
        before = snapshot(batch)
        batch.status = BatchStatus.REJECTED
        batch.rejection_reason = reason
        batch.save(update_fields=["status", "rejection_reason"])
        audit_event_record(actor=actor, action="batch.reject", instance=batch, before=before, after=snapshot(batch),
                           parent=batch.group, note=reason)
    return batch


def pending_batches_for_point(point) -> list[CollectionBatch]:
    return list(CollectionBatch.objects.filter(group__transaction_point=point, status=BatchStatus.PENDING)
                .select_related("group").order_by("submitted_at", "id"))

