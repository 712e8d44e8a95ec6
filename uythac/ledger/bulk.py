"""Set-based posting for batch jobs (month-end close): one balanced entry per selected row, written with
``INSERT … SELECT`` instead of a Python loop, under the same rules as ``entry_post``.

``post_transfers(*, kind, value_date, debit_account, credit_account, rows_sql, params=(), idempotency_prefix,
memo, idempotency_suffix="", subledger_type="loan", source_type="loan", actor_label="system") -> int``

``rows_sql`` is a SELECT returning two columns, ``key`` (the sub-ledger key both lines carry, e.g. the 16-digit
loan number) and ``amount`` (a positive integer number of VND), at most one row per key. For each row the
function writes one ``JournalEntry`` (``kind``, ``value_date``, ``memo`` with ``{key}`` replaced by the key,
``idempotency_key = idempotency_prefix + key + idempotency_suffix``, ``source_type`` + ``source_key = key``) and
two ``Posting`` rows: ``+amount`` on ``debit_account`` and ``−amount`` on ``credit_account``, both on
``(subledger_type, key)`` and dated ``value_date``. Returns the number of entries written.

Rules (as ``entry_post``): the kind is known and not REVERSAL (reversals go through ``entry_reverse``); both
accounts exist, are active and accept the sub-ledger type; the value date is not after today and its month is
open — the month's ``LedgerPeriod`` row is locked in share mode (PostgreSQL ``FOR SHARE``) exactly as
``periods_lock_open`` does, so a concurrent ``period_close`` waits and no entry lands in a month closed meanwhile.
A row whose idempotency key was already used is skipped (a re-run posts nothing twice); a non-positive or too large
amount, an empty or too long key, or a key selected twice is a programming error (``ValueError``), and nothing
is written. Inserts only: the append-only triggers of PostgreSQL (which forbid UPDATE and DELETE) are not involved,
and the deferred balance check runs at commit for every new entry as usual.

Call it inside the caller's transaction (``transaction.atomic``): the caller then updates its own caches (e.g.
``Loan.principal_current``) from the same rows, so ledger and caches commit together. A concurrent ``entry_post``
using one of the same idempotency keys makes the INSERT fail with a unique violation and the caller's transaction
roll back; running it again then skips that key.
"""

import datetime as dt

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.core.guards import format_date, today
from uythac.ledger.models import EntryKind, LedgerAccount
from uythac.ledger.periods import periods_lock_open
from uythac.ledger.services import MAX_LINE_AMOUNT

__all__ = ["post_transfers"]

_ROWS = "ledger_bulk_rows"
_KEY_MAX, _IDEMPOTENCY_MAX, _MEMO_MAX = 40, 100, 255


def _run(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return max(cursor.rowcount, 0)


def _one(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchone()


def _account(code, subledger_type: str) -> LedgerAccount:
    account = LedgerAccount.objects.filter(code=str(code)).first()
    if account is None:
        raise DomainError(_("Tài khoản «%(code)s» không tồn tại.") % {"code": code}, field="lines")
    if not account.is_active:
        raise DomainError(_("Tài khoản «%(code)s» đã ngừng sử dụng.") % {"code": code}, field="lines")
    if account.subledger_type and account.subledger_type != subledger_type:
        raise DomainError(
            _("Tài khoản «%(code)s» cần sổ chi tiết loại «%(type)s» kèm mã.")
            % {"code": code, "type": account.subledger_type},
            field="lines",
        )
    return account


def _check_rows() -> int:
    """Validate the selected rows; returns how many there are."""
    count, bad_amount, bad_key, distinct = _one(
        f"SELECT COUNT(*),"
        f" SUM(CASE WHEN amount IS NULL OR amount <= 0 OR amount > %s THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN row_key IS NULL OR row_key = '' OR LENGTH(row_key) > %s"
        f"          OR LENGTH(idempotency_key) > %s THEN 1 ELSE 0 END),"
        f" COUNT(DISTINCT row_key) FROM {_ROWS}",
        [MAX_LINE_AMOUNT, _KEY_MAX, _IDEMPOTENCY_MAX],
    )
    if bad_amount:
        raise ValueError(f"post_transfers: {bad_amount} row(s) with an amount outside 1..{MAX_LINE_AMOUNT}")
    if bad_key:
        raise ValueError(f"post_transfers: {bad_key} row(s) with an empty or too long key")
    if count != distinct:
        raise ValueError(f"post_transfers: {count - distinct} key(s) selected more than once")
    return int(count)


def post_transfers(
    *,
    kind: str,
    value_date: dt.date,
    debit_account: str,
    credit_account: str,
    rows_sql: str,
    params=(),
    idempotency_prefix: str,
    memo: str,
    idempotency_suffix: str = "",
    subledger_type: str = "loan",
    source_type: str = "loan",
    actor_label: str = "system",
) -> int:
    if kind not in EntryKind.values or kind == EntryKind.REVERSAL:
        raise DomainError(_("Loại nghiệp vụ «%(kind)s» không hợp lệ.") % {"kind": kind}, field="kind")
    if not isinstance(value_date, dt.date) or isinstance(value_date, dt.datetime):
        raise DomainError(_("Ngày hạch toán không hợp lệ."), field="value_date")
    if value_date > today():
        raise DomainError(
            _("Ngày hạch toán (%(date)s) không được sau ngày hôm nay.") % {"date": format_date(value_date)},
            field="value_date",
        )
    if not idempotency_prefix:
        raise ValueError("post_transfers: an idempotency prefix is required (re-runs must not post twice)")
    debit = _account(debit_account, subledger_type)
    credit = _account(credit_account, subledger_type)
    _run(f"DROP TABLE IF EXISTS {_ROWS}")
    _run(f"CREATE TEMPORARY TABLE {_ROWS} (row_key VARCHAR(100), amount BIGINT, idempotency_key VARCHAR(300))")
    # On an error the caller's transaction rolls back, temporary table included (DDL is transactional on both
    # engines); no clean-up runs then, because PostgreSQL refuses any statement in an aborted transaction.
    _run(
        f"INSERT INTO {_ROWS} (row_key, amount, idempotency_key)"
        f" SELECT selected.key, selected.amount, %s || selected.key || %s FROM ({rows_sql}) selected",
        [idempotency_prefix, idempotency_suffix, *params],
    )
    inserted = _insert(
        kind=str(kind), value_date=value_date, debit=debit, credit=credit, memo=memo,
        subledger_type=subledger_type, source_type=source_type, actor_label=actor_label,
    ) if _check_rows() else 0
    _run(f"DROP TABLE IF EXISTS {_ROWS}")
    return inserted


def _insert(*, kind, value_date, debit, credit, memo, subledger_type, source_type, actor_label) -> int:
    if connection.vendor == "postgresql":
        _run(f"ANALYZE {_ROWS}")
    # Replays: keys already posted (by an earlier run, or by the single-entry services) are not posted again.
    _run(f"DELETE FROM {_ROWS} WHERE EXISTS (SELECT 1 FROM ledger_journalentry e"
         f" WHERE e.idempotency_key = {_ROWS}.idempotency_key)")
    if not int(_one(f"SELECT COUNT(*) FROM {_ROWS}")[0]):
        return 0
    periods_lock_open([value_date])
    day = connection.ops.adapt_datefield_value(value_date)
    before, after = memo.split("{key}", 1) if "{key}" in memo else (memo, None)
    memo_sql = "%s || r.row_key || %s" if after is not None else "%s"
    memo_params = [before, after] if after is not None else [before]
    inserted = _run(
        f"INSERT INTO ledger_journalentry (value_date, kind, memo, actor_id, actor_label, created_at,"
        f" idempotency_key, reversal_of_id, source_type, source_key)"
        f" SELECT %s, %s, SUBSTR({memo_sql}, 1, {_MEMO_MAX}), NULL, %s, %s, r.idempotency_key, NULL, %s, r.row_key"
        f" FROM {_ROWS} r",
        [day, kind, *memo_params, actor_label[:150], connection.ops.adapt_datetimefield_value(timezone.now()),
         source_type],
    )
    # Both lines of every entry in one statement: + on the debit account, − on the credit account.
    _run(
        f"INSERT INTO ledger_posting (entry_id, account_id, amount, subledger_type, subledger_key, value_date)"
        f" SELECT e.id, side.account_id, side.sign * r.amount, %s, r.row_key, %s"
        f" FROM {_ROWS} r JOIN ledger_journalentry e ON e.idempotency_key = r.idempotency_key"
        f" CROSS JOIN (SELECT %s AS account_id, 1 AS sign UNION ALL SELECT %s, -1) side",
        [subledger_type, day, debit.pk, credit.pk],
    )
    return inserted
