"""Write services of member savings accounts (TK 105): open, deposit, withdraw, close, reverse; group minimums.

Every movement is ONE balanced ledger entry through ``uythac.ledger.services.entry_post`` on ``SAVINGS_105`` with
the sub-ledger ``("savings", account_number)``; the account's ``balance`` cache moves in the same transaction, so it
always equals the ledger. The cash side is a ``CashDesk`` (``uythac.savings.cash``): by default the
counter of the transaction office serving the account's group; a session passes ``teller_in_session(session.pk)``;
a leader's batch posts through ``leader_in_transit(group)``.

==================  =================================================================
SAVINGS_DEPOSIT     cash desk (Nợ) / SAVINGS_105 [savings] (Có)
SAVINGS_WITHDRAWAL  SAVINGS_105 [savings] (Nợ) / cash desk (Có)
==================  =================================================================

Refused (``DomainError``, nothing written): an amount that is not a whole positive number of đồng; a deposit below
the minimum (national rule ``savings.minimum_deposit``, 5,000 VND, H, or the group convention's higher minimum); a
withdrawal above the balance (today's, and the balance on the value date for a back-dated one); a closed account;
a date in the future or before the account was opened; a value date in a closed ledger month (the ledger refuses);
an actor who is not bank staff, or an account outside the actor's scope.

``actor=None`` is the system (data loads, synthetic history): no role or scope check, as in the ledger.

Idempotency: with ``idempotency_key`` a retried request returns the entry already posted (``entry.replayed`` is
True) without moving the balance again — even if the account changed since (e.g. closed): the first request was
the one validated.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import check_not_before, clean_date, clean_text, code_of, fetch_referenced, format_date
from uythac.core.money import MoneyError, require_positive_vnd
from uythac.core.rules import rule_get
from uythac.groups.access import access_group
from uythac.groups.models import GroupMembership, SavingsGroup
from uythac.households.access import access_household
from uythac.households.models import Household
from uythac.ledger.chart import AccountCode, SubledgerType
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind, JournalEntry, Posting
from uythac.ledger.selectors import balance, entry_by_idempotency_key
from uythac.ledger.services import entry_post, entry_reverse
from uythac.savings.access import access_savings_account, can_write_savings
from uythac.savings.cash import CashDesk, teller_at_office
from uythac.savings.models import GroupDepositMinimum, MemberSavingsAccount, SavingsAccountStatus
from uythac.savings.selectors import minimum_deposit

SOURCE_TYPE = "savingsaccount"


def vnd(amount: int) -> str:
    return number_format(amount, force_grouping=True)


def clean_amount(value, *, field: str = "amount", label: str | None = None) -> int:
    """A whole, positive number of đồng."""
    try:
        return require_positive_vnd(value)
    except MoneyError:
        raise DomainError(
            _("%(label)s phải là số tiền nguyên dương (đồng).") % {"label": label or _("Số tiền")}, field=field
        ) from None


def _ensure_writer(actor) -> None:
    if actor is not None and not can_write_savings(actor):
        raise DomainError(_("Bạn không có quyền ghi giao dịch tiền gửi của tổ viên."))


def _locked_account(actor, account, *, field: str = "account") -> MemberSavingsAccount:
    """The account re-read through the guarded fetch (scope) and locked for the rest of the transaction."""
    number = code_of(account, "account_number")
    if actor is not None:
        try:
            access_savings_account(actor, number, for_write=True)
        except Http404:
            raise DomainError(
                _("Không tìm thấy tài khoản tiền gửi %(number)s trong phạm vi quản lý của bạn.") % {"number": number},
                field=field,
            ) from None
        except PermissionDenied:
            raise DomainError(_("Bạn không có quyền ghi giao dịch tiền gửi của tổ viên."), field=field) from None
    found = (
        MemberSavingsAccount.objects.select_for_update()
        .select_related("household", "group", "group__transaction_point__office")
        .filter(account_number=number)
        .first()
    )
    if found is None:
        raise DomainError(_("Không tìm thấy tài khoản tiền gửi %(number)s.") % {"number": number}, field=field)
    return found


def _check_movement_date(account: MemberSavingsAccount, on, *, label: str) -> dt.date:
    on = clean_date(on, field="on", label=label)
    check_not_before(on, account.opened_on, field="on", label=label, bound_label=_("ngày mở tài khoản"))
    return on


def _refuse_closed(account: MemberSavingsAccount) -> None:
    if not account.is_active:
        raise DomainError(
            _("Tài khoản tiền gửi %(number)s đã tất toán ngày %(on)s: không nhận giao dịch.")
            % {"number": account.account_number, "on": format_date(account.closed_on)},
            field="account",
        )


def _replayed(key: str | None) -> JournalEntry | None:
    return entry_by_idempotency_key(key) if key else None


def _post(actor, account, *, kind, amount, on, cash: CashDesk, deposit: bool, idempotency_key, source_type,
          source_key, memo) -> JournalEntry:
    savings_line = Line(AccountCode.SAVINGS_105, -amount if deposit else amount, SubledgerType.SAVINGS,
                        account.account_number)
    cash_line = cash.debit(amount) if deposit else cash.credit(amount)
    entry = entry_post(
        actor=actor, value_date=on, kind=kind, lines=[cash_line, savings_line], memo=memo[:255],
        idempotency_key=idempotency_key, source_type=source_type or SOURCE_TYPE,
        source_key=source_key or account.account_number,
    )
    if not entry.replayed:
        account.balance += amount if deposit else -amount
        account.save(update_fields=["balance"])
    return entry


def _default_cash(account: MemberSavingsAccount, cash: CashDesk | None) -> CashDesk:
    return cash if cash is not None else teller_at_office(account.group.transaction_point.office.code)


# --- open ----------------------------------------------------------------------------------------------------

def _current_group(household: Household, on: dt.date) -> SavingsGroup | None:
    membership = (
        GroupMembership.objects.filter(household=household, joined_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
        .select_related("group")
        .order_by("-joined_on")
        .first()
    )
    return membership.group if membership else None


def savings_open(
    *, actor, household, opened_on: dt.date, group=None, account_number: str | None = None
) -> MemberSavingsAccount:
    """Open a household's savings account through the group it belongs to on ``opened_on``.

    Refused: the household is not a member of a group that day (or of ``group`` when given), already has an
    active account, the date is in the future; a given ``account_number`` that is not 6–20 digits or is taken.
    """
    with transaction.atomic():
        _ensure_writer(actor)
        if actor is not None:
            household = fetch_referenced(
                access_household, actor, household, field="household", attr="customer_code",
                message=_("Hộ %(code)s không thuộc phạm vi quản lý của bạn."), empty=_("Chưa chọn hộ."),
            )
        elif not isinstance(household, Household):
            household = Household.objects.get(customer_code=code_of(household, "customer_code"))
        opened_on = clean_date(opened_on, field="opened_on", label=_("ngày mở tài khoản"))
        member_of = _current_group(household, opened_on)
        if member_of is None:
            raise DomainError(
                _("Hộ %(name)s không là tổ viên của tổ TK&VV nào vào ngày %(on)s: chỉ tổ viên mới mở tài khoản "
                  "tiền gửi.") % {"name": household.name, "on": format_date(opened_on)},
                field="household",
            )
        if group is not None:
            if actor is not None:
                group = fetch_referenced(access_group, actor, group, field="group",
                                         message=_("Tổ %(code)s không thuộc phạm vi quản lý của bạn."))
            if code_of(group) != member_of.code:
                raise DomainError(
                    _("Hộ %(name)s là tổ viên tổ %(member_of)s, không phải tổ %(group)s.")
                    % {"name": household.name, "member_of": member_of.code, "group": code_of(group)},
                    field="group",
                )
        existing = MemberSavingsAccount.objects.filter(household=household, status=SavingsAccountStatus.ACTIVE).first()
        if existing is not None:
            raise DomainError(
                _("Hộ %(name)s đã có tài khoản tiền gửi %(number)s đang hoạt động.")
                % {"name": household.name, "number": existing.account_number},
                field="household",
            )
        number = None
        if account_number not in (None, ""):
            number = str(account_number).strip()
            if not number.isdigit() or not 6 <= len(number) <= 20:
                raise DomainError(_("Số tài khoản tiền gửi phải gồm 6 đến 20 chữ số."), field="account_number")
            if MemberSavingsAccount.objects.filter(account_number=number).exists():
                raise DomainError(_("Số tài khoản %(number)s đã tồn tại.") % {"number": number},
                                  field="account_number")
        account = MemberSavingsAccount.objects.create(
            account_number=number, household=household, group=member_of, opened_on=opened_on
        )
        if number is None:
            account.account_number = f"105{account.pk:09d}"
            account.save(update_fields=["account_number"])
        audit_event_record(actor=actor, action="savings.open", instance=account, before=None, after=snapshot(account),
                           parent=member_of)
    return account


# --- deposit and withdraw ------------------------------------------------------------------------------------

def savings_deposit(
    *, actor, account, amount, on: dt.date, cash: CashDesk | None = None, idempotency_key: str | None = None,
    source_type: str = "", source_key: str = "", memo: str = "",
) -> JournalEntry:
    """Credit a member's savings: cash desk (Nợ) / SAVINGS_105 (Có). Returns the ledger entry."""
    with transaction.atomic():
        _ensure_writer(actor)
        account = _locked_account(actor, account)
        if (entry := _replayed(idempotency_key)) is not None:
            return _post(actor, account, kind=EntryKind.SAVINGS_DEPOSIT, amount=clean_amount(amount), on=on,
                         cash=_default_cash(account, cash), deposit=True, idempotency_key=entry.idempotency_key,
                         source_type=source_type, source_key=source_key, memo=memo)
        amount = clean_amount(amount)
        _refuse_closed(account)
        on = _check_movement_date(account, on, label=_("ngày gửi tiền"))
        minimum = minimum_deposit(account, on)
        if amount < minimum.amount:
            raise DomainError(
                _("Số tiền gửi %(amount)s đồng thấp hơn mức gửi tối thiểu %(minimum)s đồng (%(source)s).")
                % {"amount": vnd(amount), "minimum": vnd(minimum.amount), "source": minimum.source},
                field="amount",
            )
        memo = memo or _("Gửi tiết kiệm TK %(number)s") % {"number": account.account_number}
        return _post(actor, account, kind=EntryKind.SAVINGS_DEPOSIT, amount=amount, on=on,
                     cash=_default_cash(account, cash), deposit=True, idempotency_key=idempotency_key,
                     source_type=source_type, source_key=source_key, memo=memo)


def savings_withdraw(
    *, actor, account, amount, on: dt.date, cash: CashDesk | None = None, idempotency_key: str | None = None,
    source_type: str = "", source_key: str = "", memo: str = "",
) -> JournalEntry:
    """Pay out of a member's savings: SAVINGS_105 (Nợ) / cash desk (Có). Returns the ledger entry.

    "Principal repaid from deposit" (13/TD) is a withdrawal at the session whose cash goes straight back to the
    teller as a principal repayment (``loan_repay_principal(from_savings=True)``).
    """
    with transaction.atomic():
        _ensure_writer(actor)
        account = _locked_account(actor, account)
        if (entry := _replayed(idempotency_key)) is not None:
            return _post(actor, account, kind=EntryKind.SAVINGS_WITHDRAWAL, amount=clean_amount(amount), on=on,
                         cash=_default_cash(account, cash), deposit=False, idempotency_key=entry.idempotency_key,
                         source_type=source_type, source_key=source_key, memo=memo)
        amount = clean_amount(amount)
        _refuse_closed(account)
        on = _check_movement_date(account, on, label=_("ngày rút tiền"))
        available = min(account.balance, _ledger_balance(account, as_of=on))
        if amount > available:
            raise DomainError(
                _("Số tiền rút %(amount)s đồng vượt số dư tài khoản %(number)s (%(balance)s đồng).")
                % {"amount": vnd(amount), "number": account.account_number, "balance": vnd(available)},
                field="amount",
            )
        memo = memo or _("Rút tiền gửi TK %(number)s") % {"number": account.account_number}
        return _post(actor, account, kind=EntryKind.SAVINGS_WITHDRAWAL, amount=amount, on=on,
                     cash=_default_cash(account, cash), deposit=False, idempotency_key=idempotency_key,
                     source_type=source_type, source_key=source_key, memo=memo)


def _ledger_balance(account: MemberSavingsAccount, *, as_of: dt.date | None = None) -> int:
    return balance(AccountCode.SAVINGS_105, subledger_type=SubledgerType.SAVINGS,
                   subledger_key=account.account_number, as_of=as_of, normal=True)


# --- close ---------------------------------------------------------------------------------------------------

def savings_close(
    *, actor, account, on: dt.date, cash: CashDesk | None = None, reason: str = ""
) -> MemberSavingsAccount:
    """Close (tất toán) an account: any remaining balance is paid out in cash on ``on`` (one withdrawal entry),
    then the account is closed. Refused: already closed, a date in the future, before the opening or before the
    account's last movement."""
    with transaction.atomic():
        _ensure_writer(actor)
        account = _locked_account(actor, account)
        _refuse_closed(account)
        on = _check_movement_date(account, on, label=_("ngày tất toán"))
        reason = clean_text(reason, field="reason", label=_("lý do tất toán"), max_length=255, required=False)
        last = _last_movement_on(account)
        if last is not None:
            check_not_before(on, last, field="on", label=_("ngày tất toán"), bound_label=_("ngày giao dịch gần nhất"))
        before = snapshot(account)
        if account.balance > 0:
            _post(actor, account, kind=EntryKind.SAVINGS_WITHDRAWAL, amount=account.balance, on=on,
                  cash=_default_cash(account, cash), deposit=False, idempotency_key=f"savings:{account.pk}:close",
                  source_type="", source_key="",
                  memo=_("Tất toán TK %(number)s") % {"number": account.account_number})
        account.status = SavingsAccountStatus.CLOSED
        account.closed_on = on
        account.save(update_fields=["status", "closed_on"])
        audit_event_record(actor=actor, action="savings.close", instance=account, before=before,
                           after=snapshot(account), note=reason, parent=account.group)
    return account


def _last_movement_on(account: MemberSavingsAccount) -> dt.date | None:
    last = (
        Posting.objects.filter(account__code=AccountCode.SAVINGS_105, subledger_type=SubledgerType.SAVINGS,
                               subledger_key=account.account_number)
        .order_by("-value_date").values_list("value_date", flat=True).first()
    )
    return last


# --- corrections ---------------------------------------------------------------------------------------------

def savings_reverse(*, actor, entry, on: dt.date, reason: str, idempotency_key: str | None = None) -> JournalEntry:
    """Reverse a deposit or withdrawal entry (a correction after the fact) and move the cached balance back.

    Refused as the ledger refuses (already reversed, before the original, closed month, no reason), and when the
    reversal of a deposit would take the balance below zero.
    """
    with transaction.atomic():
        _ensure_writer(actor)
        original = JournalEntry.objects.filter(pk=getattr(entry, "pk", entry)).first()
        if original is None:
            raise DomainError(_("Không tìm thấy bút toán cần đảo."), field="entry")
        lines = list(original.postings.filter(account__code=AccountCode.SAVINGS_105).values_list(
            "subledger_key", "amount"))
        reversal = entry_reverse(actor=actor, entry=original, value_date=on, reason=reason,
                                 idempotency_key=idempotency_key)
        if reversal.replayed:
            return reversal
        for number, amount in lines:
            account = _locked_account(actor, number, field="entry")
            # The reversal posts −amount on the savings line: reversing a deposit (a credit) lowers the balance.
            account.balance += amount
            if account.balance < 0:
                raise DomainError(
                    _("Đảo bút toán làm số dư tài khoản %(number)s âm: rút/đảo các giao dịch sau trước.")
                    % {"number": number},
                    field="entry",
                )
            account.save(update_fields=["balance"])
    return reversal


# --- group convention ----------------------------------------------------------------------------------------

def deposit_minimum_set(*, actor, group, amount, effective_from: dt.date, minutes: str = "") -> GroupDepositMinimum:
    """Record a group convention's minimum deposit (decided at a group meeting, minutes 10C/TD). It may only raise
    the national minimum: a lower value is refused."""
    with transaction.atomic():
        try:
            group = fetch_referenced(access_group, actor, group, field="group", for_write=True,
                                     message=_("Tổ %(code)s không thuộc phạm vi quản lý của bạn."))
        except PermissionDenied:
            raise DomainError(_("Bạn không có quyền thay đổi quy ước của tổ."), field="group") from None
        amount = clean_amount(amount, label=_("Mức gửi tối thiểu"))
        effective_from = clean_date(effective_from, field="effective_from", label=_("ngày hiệu lực"))
        minutes = clean_text(minutes, field="minutes", label=_("biên bản họp tổ"), max_length=150, required=False)
        national = rule_get("savings.minimum_deposit", on=effective_from)
        if amount < int(national.value["amount"]):
            raise DomainError(
                _("Mức gửi tối thiểu của tổ (%(amount)s đồng) không được thấp hơn mức chung %(national)s đồng.")
                % {"amount": vnd(amount), "national": vnd(int(national.value["amount"]))},
                field="amount",
            )
        if GroupDepositMinimum.objects.filter(group=group, effective_from=effective_from).exists():
            raise DomainError(
                _("Tổ %(code)s đã có mức gửi tối thiểu hiệu lực từ %(on)s.")
                % {"code": group.code, "on": format_date(effective_from)},
                field="effective_from",
            )
        row = GroupDepositMinimum.objects.create(group=group, amount=amount, effective_from=effective_from,
                                                 minutes=minutes)
        audit_event_record(actor=actor, action="savings.deposit_minimum_set", instance=row, before=None,
                           after=snapshot(row), object_type="savingsgroup", object_key=group.code)
    return row


def savings_balance_resync(*, account) -> MemberSavingsAccount:
    """Bring the cached balance back to the ledger after a posting made outside these services — the loans'
    "principal repaid from deposit" (``loan_repay_principal(from_savings=True)`` posts SAVINGS_105 itself). Locks
    the account; no audit (the posting that moved the money is the record)."""
    with transaction.atomic():
        locked = MemberSavingsAccount.objects.select_for_update().get(pk=account.pk)
        truth = _ledger_balance(locked)
        if truth != locked.balance:
            locked.balance = truth
            locked.save(update_fields=["balance"])
    if isinstance(account, MemberSavingsAccount):
        account.balance = locked.balance
    return locked
