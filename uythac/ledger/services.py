"""Write services of the ledger: post balanced entries, reverse them, close and reopen months.

The API the loans, savings, sessions and month-end code call (everything in integer VND)::

    from uythac.ledger.chart import AccountCode as A, SubledgerType as S
    from uythac.ledger.lines import EntrySpec, Line
    from uythac.ledger.models import EntryKind
    from uythac.ledger.services import entry_post, entries_post, entry_reverse, period_close, period_reopen

    entry = entry_post(
        actor=user, value_date=session.date, kind=EntryKind.DISBURSEMENT,
        lines=[Line.debit(A.LOAN_CURRENT, 30_000_000, S.LOAN, loan.loan_number),
               Line.credit(A.CASH_TELLER, 30_000_000, S.POINT, point.code)],
        memo="Giải ngân khế ước …", idempotency_key=f"disbursement:{disbursement.pk}",
        source_type="disbursement", source_key=str(disbursement.pk),
    )

``entry_post(*, actor, value_date, kind, lines, memo="", idempotency_key=None, source_type="", source_key="")``
    One atomic entry. Refused with a Vietnamese ``DomainError`` (nothing written) when: fewer than two lines; an
    amount is not a non-zero integer (or exceeds 999.999.999.999.999); the lines do not sum to 0; an account is
    unknown or inactive, or a line lacks the sub-ledger its account requires; the value date is after today
    (``timezone.localdate()``) or in a CLOSED month; ``kind`` is unknown or REVERSAL (use ``entry_reverse``); the
    actor is read-only.
    **Idempotency**: a request carrying a key that was already used returns the existing entry when it is the same
    request (same kind, value date, source and lines — line order does not matter, the memo is not compared) and is
    refused when it differs. Two connections posting the same key at once post it once: the insert runs in a
    savepoint, the loser's unique-key violation is caught and the winner's entry is returned to both. Every
    returned entry has ``entry.replayed`` — ``True`` when the key had already been applied.
    Use a key for anything that can be retried: leader batches ("collectionbatch:<id>"), API calls (the client's
    request id), session close steps ("session:<id>:disbursements").

``entries_post(*, actor, entries: Sequence[EntrySpec]) -> list[JournalEntry]``
    The batch form (month-end transfers, data loads): all entries or none, same checks, one query for accounts, one
    bulk insert for entries and one for postings. A month-end step should post ONE entry with many lines (e.g. every
    loan moving to overdue), not one entry per loan.

``entry_reverse(*, actor, entry, value_date, reason, idempotency_key=None) -> JournalEntry``
    Posts the mirror of ``entry`` (every line with the opposite sign, same accounts, sub-ledgers and source) as a
    REVERSAL linked by ``reversal_of``. An entry is reversed at most once (a reversal may itself be reversed once).
    Refused: the entry is already reversed, the value date is before the original's, after today or in a closed
    month, the reason is empty. Audited (``ledger.entry_reverse``, filed under the original entry).

``period_close(*, actor, period)`` / ``period_reopen(*, actor, period, reason)`` — see ``uythac.ledger.periods``.

Plain postings are not duplicated into ``AuditEvent``: an entry is itself an immutable record of who posted what and
when (``actor``, ``created_at``, ``memo``, ``source_*``); the service that caused it (a disbursement, a session
close) audits its own action. Scope is the caller's job too: the ledger does not know loans or groups, so the
calling service checks that the actor may act on them before posting.

Recommended postings (debit / credit, sub-ledger in brackets):

=========================  ===========================================================================
DISBURSEMENT               LOAN_CURRENT [loan] / CASH_TELLER [point or office]
PRINCIPAL_REPAYMENT        CASH_TELLER / LOAN_CURRENT or LOAN_OVERDUE [loan]
INTEREST_ACCRUAL           INTEREST_RECEIVABLE [loan] / INTEREST_INCOME [loan]
INTEREST_COLLECTION        by a leader: CASH_IN_TRANSIT [group] / INTEREST_RECEIVABLE or INTEREST_INCOME
                           [loan]; at the counter: CASH_TELLER instead of CASH_IN_TRANSIT
SAVINGS_DEPOSIT            CASH_IN_TRANSIT [group] or CASH_TELLER / SAVINGS_105 [savings]
SAVINGS_WITHDRAWAL         SAVINGS_105 [savings] / CASH_TELLER
REPAID_FROM_SAVINGS        SAVINGS_105 [savings] / LOAN_CURRENT or LOAN_OVERDUE [loan]
COLLECTION_HANDOVER        CASH_TELLER (counted cash) / CASH_IN_TRANSIT [group] (the list's total);
                           a difference goes to CASH_DIFFERENCE (shortage: debit, surplus: credit)
OVERDUE_TRANSFER           LOAN_OVERDUE [loan] / LOAN_CURRENT [loan]
FREEZE / UNFREEZE          LOAN_FROZEN / LOAN_CURRENT or LOAN_OVERDUE, and back
WRITE_OFF                  WRITE_OFF_LOSS [loan] / LOAN_* and INTEREST_RECEIVABLE [loan]
FEE_ACCRUAL / FEE_PAYMENT  FEE_EXPENSE [unit] / FEE_PAYABLE [unit]; FEE_PAYABLE [unit] / CASH_TELLER
COMMISSION_ACCRUAL / _PAY  COMMISSION_EXPENSE [group] / COMMISSION_PAYABLE [group]; then / CASH_TELLER
CASH_TRANSFER              CASH_TELLER / CASH_VAULT [office] when the team leaves, and back
FUNDING, OPENING_BALANCE   CASH_VAULT or LOAN_* / LENDING_FUNDS
=========================  ===========================================================================
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import check_not_before, clean_date, clean_text, format_date
from uythac.ledger.lines import EntrySpec, Line, lines_signature
from uythac.ledger.models import EntryKind, JournalEntry, LedgerAccount, Posting
from uythac.ledger.periods import period_close, period_reopen, periods_lock_open

__all__ = ["MAX_LINE_AMOUNT", "entries_post", "entry_post", "entry_reverse", "period_close", "period_reopen"]

#: Largest amount of one line: below 10^15 VND (all of VBSP's outstanding is ~4×10^14), so sums never overflow.
MAX_LINE_AMOUNT = 10**15 - 1

_KEY_MAX, _SOURCE_TYPE_MAX, _SOURCE_KEY_MAX, _SUB_TYPE_MAX, _SUB_KEY_MAX = 100, 40, 60, 20, 40


def _vnd(amount: int) -> str:
    return number_format(amount, force_grouping=True)


def _refuse(message: str, field: str, prefix: str) -> DomainError:
    return DomainError(prefix + message, field=field)


def _clean_actor(actor):
    """``None`` is the system (month-end jobs, data loads); a user must be signed in and not read-only."""
    if actor is None:
        return None
    if not getattr(actor, "pk", None) or getattr(actor, "is_read_only", False):
        raise DomainError(_("Bạn không có quyền ghi sổ cái."))
    return actor


def _clean_line(line, number: int, prefix: str) -> Line:
    if not isinstance(line, Line):
        raise TypeError(f"ledger lines must be Line objects, got {type(line).__name__}")
    code = str(line.account_code or "").strip()
    if not code:
        raise _refuse(_("Dòng %(n)d: chưa chọn tài khoản.") % {"n": number}, "lines", prefix)
    amount = line.amount
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
        raise _refuse(
            _("Dòng %(n)d: số tiền phải là số nguyên đồng khác 0 (Nợ dương, Có âm).") % {"n": number}, "lines", prefix
        )
    if abs(amount) > MAX_LINE_AMOUNT:
        raise _refuse(
            _("Dòng %(n)d: số tiền vượt quá %(max)s đồng.") % {"n": number, "max": _vnd(MAX_LINE_AMOUNT)},
            "lines", prefix,
        )
    sub_type = str(line.subledger_type or "").strip()
    sub_key = str(line.subledger_key or "").strip()
    if bool(sub_type) != bool(sub_key) or len(sub_type) > _SUB_TYPE_MAX or len(sub_key) > _SUB_KEY_MAX:
        raise _refuse(
            _("Dòng %(n)d: sổ chi tiết cần cả loại và mã (tối đa %(t)d và %(k)d ký tự).")
            % {"n": number, "t": _SUB_TYPE_MAX, "k": _SUB_KEY_MAX},
            "lines", prefix,
        )
    return Line(code, amount, sub_type, sub_key)


def _clean_spec(spec: EntrySpec, prefix: str = "") -> EntrySpec:
    """Everything that needs no database: kind, date, lines, balance, text lengths."""
    if spec.kind not in EntryKind.values:
        raise _refuse(_("Loại nghiệp vụ «%(kind)s» không hợp lệ.") % {"kind": spec.kind}, "kind", prefix)
    if (spec.kind == EntryKind.REVERSAL) != (spec.reversal_of_id is not None):
        raise _refuse(_("Bút toán đảo chỉ được tạo bằng chức năng đảo bút toán."), "kind", prefix)
    try:
        value_date = clean_date(spec.value_date, field="value_date", label=_("ngày hạch toán"))
    except DomainError as error:
        raise _refuse(error.text(), "value_date", prefix) from None
    lines = list(spec.lines or [])
    if len(lines) < 2:
        raise _refuse(_("Bút toán cần ít nhất hai dòng (một bên Nợ, một bên Có)."), "lines", prefix)
    lines = [_clean_line(line, number, prefix) for number, line in enumerate(lines, start=1)]
    debit = sum(line.amount for line in lines if line.amount > 0)
    credit = -sum(line.amount for line in lines if line.amount < 0)
    if debit != credit:
        raise _refuse(
            _("Bút toán không cân: tổng Nợ %(debit)s đồng, tổng Có %(credit)s đồng (chênh lệch %(diff)s đồng).")
            % {"debit": _vnd(debit), "credit": _vnd(credit), "diff": _vnd(abs(debit - credit))},
            "lines", prefix,
        )
    memo = clean_text(spec.memo, field="memo", label=_("diễn giải"), max_length=255, required=False)
    key = str(spec.idempotency_key).strip() if spec.idempotency_key not in (None, "") else None
    if key is not None and (not key or len(key) > _KEY_MAX):
        raise _refuse(_("Mã chống trùng phải có từ 1 đến %(max)d ký tự.") % {"max": _KEY_MAX}, "idempotency_key",
                      prefix)
    source_type = str(spec.source_type or "").strip()
    source_key = str(spec.source_key or "").strip()
    source_ok = bool(source_type) == bool(source_key)
    if not source_ok or len(source_type) > _SOURCE_TYPE_MAX or len(source_key) > _SOURCE_KEY_MAX:
        raise _refuse(
            _("Chứng từ gốc cần cả loại và mã (tối đa %(t)d và %(k)d ký tự).")
            % {"t": _SOURCE_TYPE_MAX, "k": _SOURCE_KEY_MAX},
            "source_key", prefix,
        )
    return EntrySpec(
        value_date=value_date, kind=spec.kind, lines=tuple(lines), memo=memo, idempotency_key=key,
        source_type=source_type, source_key=source_key, reversal_of_id=spec.reversal_of_id,
    )


def _identity(kind, value_date, source_type, source_key, reversal_of_id, signature) -> tuple:
    return (str(kind), value_date, source_type, source_key, reversal_of_id, signature)


def _spec_identity(spec: EntrySpec) -> tuple:
    return _identity(spec.kind, spec.value_date, spec.source_type, spec.source_key, spec.reversal_of_id,
                     lines_signature(spec.lines))


def _existing_by_key(specs: list[EntrySpec]) -> dict[str, JournalEntry]:
    """Entries already posted under the requests' idempotency keys, with their identity attached."""
    keys = [spec.idempotency_key for spec in specs if spec.idempotency_key]
    if not keys:
        return {}
    found = {entry.idempotency_key: entry for entry in JournalEntry.objects.filter(idempotency_key__in=keys)}
    lines = defaultdict(list)
    rows = Posting.objects.filter(entry__in=list(found.values())).values_list(
        "entry_id", "account__code", "amount", "subledger_type", "subledger_key"
    )
    for entry_id, code, amount, sub_type, sub_key in rows:
        lines[entry_id].append(Line(code, amount, sub_type, sub_key))
    for entry in found.values():
        entry.identity = _identity(entry.kind, entry.value_date, entry.source_type, entry.source_key,
                                   entry.reversal_of_id, lines_signature(lines[entry.pk]))
    return found


def _check_accounts(specs: list[EntrySpec], prefixes: list[str]) -> dict[str, LedgerAccount]:
    codes = {line.account_code for spec in specs for line in spec.lines}
    accounts = {account.code: account for account in LedgerAccount.objects.filter(code__in=codes)}
    for spec, prefix in zip(specs, prefixes, strict=True):
        for number, line in enumerate(spec.lines, start=1):
            account = accounts.get(line.account_code)
            if account is None:
                raise _refuse(_("Dòng %(n)d: tài khoản «%(code)s» không tồn tại.")
                              % {"n": number, "code": line.account_code}, "lines", prefix)
            if not account.is_active:
                raise _refuse(_("Dòng %(n)d: tài khoản «%(code)s» đã ngừng sử dụng.")
                              % {"n": number, "code": line.account_code}, "lines", prefix)
            if account.subledger_type and line.subledger_type != account.subledger_type:
                raise _refuse(
                    _("Dòng %(n)d: tài khoản «%(code)s» cần sổ chi tiết loại «%(type)s» kèm mã.")
                    % {"n": number, "code": line.account_code, "type": account.subledger_type},
                    "lines", prefix,
                )
    return accounts


def _post_once(actor, specs: list[EntrySpec], prefixes: list[str]) -> list[JournalEntry]:
    existing = _existing_by_key(specs)
    results: list[JournalEntry | None] = [None] * len(specs)
    new: list[int] = []
    for index, spec in enumerate(specs):
        entry = existing.get(spec.idempotency_key) if spec.idempotency_key else None
        if entry is None:
            new.append(index)
            continue
        if entry.identity != _spec_identity(spec):
            raise _refuse(
                _("Mã chống trùng «%(key)s» đã dùng cho bút toán #%(id)s với nội dung khác: yêu cầu này không được "
                  "ghi.") % {"key": spec.idempotency_key, "id": entry.pk},
                "idempotency_key", prefixes[index],
            )
        entry.replayed = True
        results[index] = entry
    if new:
        new_specs = [specs[i] for i in new]
        for index in new:
            reversed_id = specs[index].reversal_of_id
            if reversed_id is not None:
                _check_not_reversed(reversed_id, prefixes[index])
        accounts = _check_accounts(new_specs, [prefixes[i] for i in new])
        periods_lock_open(spec.value_date for spec in new_specs)
        label = getattr(actor, "username", "") or "system"
        entries = JournalEntry.objects.bulk_create([
            JournalEntry(
                value_date=spec.value_date, kind=spec.kind, memo=spec.memo, actor=actor, actor_label=label,
                idempotency_key=spec.idempotency_key, reversal_of_id=spec.reversal_of_id,
                source_type=spec.source_type, source_key=spec.source_key,
            )
            for spec in new_specs
        ])
        Posting.objects.bulk_create(
            [
                Posting(
                    entry=entry, account=accounts[line.account_code], amount=line.amount,
                    subledger_type=line.subledger_type, subledger_key=line.subledger_key,
                    value_date=spec.value_date,
                )
                for entry, spec in zip(entries, new_specs, strict=True)
                for line in spec.lines
            ],
            batch_size=2000,
        )
        for index, entry in zip(new, entries, strict=True):
            entry.replayed = False
            results[index] = entry
    return results


def _check_not_reversed(entry_id: int, prefix: str) -> None:
    reversal = JournalEntry.objects.filter(reversal_of_id=entry_id).only("pk").first()
    if reversal is not None:
        raise _refuse(
            _("Bút toán #%(id)s đã được đảo bởi bút toán #%(by)s.") % {"id": entry_id, "by": reversal.pk},
            "entry", prefix,
        )


def _post(actor, specs: list[EntrySpec], prefixes: list[str]) -> list[JournalEntry]:
    """Insert in a savepoint; a unique-key race (same idempotency key, or a second reversal of one entry) lost to a
    concurrent transaction is resolved by running the checks again, which now see the winner."""
    keys = [spec.idempotency_key for spec in specs if spec.idempotency_key]
    if len(keys) != len(set(keys)):
        raise DomainError(_("Một mã chống trùng xuất hiện hai lần trong cùng một lô bút toán."),
                          field="idempotency_key")
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _post_once(actor, specs, prefixes)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def entries_post(*, actor, entries: Sequence[EntrySpec]) -> list[JournalEntry]:
    """Post several entries at once, all or none (see the module docstring)."""
    actor = _clean_actor(actor)
    entries = list(entries)
    if not entries:
        return []
    prefixes = [_("Bút toán thứ %(n)d: ") % {"n": n} for n in range(1, len(entries) + 1)]
    specs = [_clean_spec(spec, prefix) for spec, prefix in zip(entries, prefixes, strict=True)]
    return _post(actor, specs, prefixes)


@transaction.atomic
def entry_post(
    *,
    actor,
    value_date: dt.date,
    kind: str,
    lines: Sequence[Line],
    memo: str = "",
    idempotency_key: str | None = None,
    source_type: str = "",
    source_key: str = "",
) -> JournalEntry:
    """Post one balanced entry (see the module docstring for the rules and the idempotency contract)."""
    actor = _clean_actor(actor)
    spec = _clean_spec(EntrySpec(
        value_date=value_date, kind=kind, lines=lines, memo=memo, idempotency_key=idempotency_key,
        source_type=source_type, source_key=source_key,
    ))
    return _post(actor, [spec], [""])[0]


@transaction.atomic
def entry_reverse(
    *, actor, entry: JournalEntry | int, value_date: dt.date, reason: str, idempotency_key: str | None = None
) -> JournalEntry:
    """Cancel ``entry`` by posting its mirror image on ``value_date`` (see the module docstring)."""
    actor = _clean_actor(actor)
    original = JournalEntry.objects.filter(pk=getattr(entry, "pk", entry)).first()
    if original is None:
        raise DomainError(_("Không tìm thấy bút toán cần đảo."), field="entry")
    reason = clean_text(reason, field="reason", label=_("lý do đảo bút toán"), max_length=200)
    value_date = clean_date(value_date, field="value_date", label=_("ngày đảo"))
    check_not_before(value_date, original.value_date, field="value_date", label=_("ngày đảo"),
                     bound_label=_("ngày hạch toán của bút toán gốc"))
    lines = [
        Line(code, amount, sub_type, sub_key).mirrored()
        for code, amount, sub_type, sub_key in original.postings.order_by("id").values_list(
            "account__code", "amount", "subledger_type", "subledger_key"
        )
    ]
    spec = _clean_spec(EntrySpec(
        value_date=value_date, kind=EntryKind.REVERSAL, lines=lines,
        memo=(_("Đảo bút toán #%(id)s (%(date)s): %(reason)s")
              % {"id": original.pk, "date": format_date(original.value_date), "reason": reason})[:255],
        idempotency_key=idempotency_key, source_type=original.source_type, source_key=original.source_key,
        reversal_of_id=original.pk,
    ))
    reversal = _post(actor, [spec], [""])[0]
    if not reversal.replayed:
        audit_event_record(
            actor=actor, action="ledger.entry_reverse", instance=reversal, before=None, after=snapshot(reversal),
            note=reason, parent=original,
        )
    return reversal
