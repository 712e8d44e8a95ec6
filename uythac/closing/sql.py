"""The few SQL spellings that differ between SQLite (≥ 3.33) and PostgreSQL, and small cursor helpers.

Everything else the steps write is plain SQL both engines run: ``INSERT … SELECT … GROUP BY``, ``UPDATE … FROM``
(SQLite 3.33+), window functions (SQLite 3.25+), ``CASE``, ``COALESCE``, ``||``, temporary tables.

Dates become integer DAY NUMBERS where the steps do arithmetic on them (interest balance-days): SQLite stores a
date as 'YYYY-MM-DD' text (``julianday``), PostgreSQL subtracts dates to an integer. Both count whole days, so
differences and comparisons agree; the absolute numbers differ and never leave the query.
"""

import datetime as dt

from django.db import connection


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def day_number(expression: str) -> str:
    """Whole-day number of a DATE column or a date parameter (``%s``)."""
    if is_postgresql():
        return f"(CAST({expression} AS DATE) - DATE '2000-01-01')"
    return f"CAST(julianday({expression}) AS INTEGER)"


def least(*expressions: str) -> str:
    """Smallest of non-NULL expressions (SQLite's scalar MIN, PostgreSQL's LEAST)."""
    return f"{'LEAST' if is_postgresql() else 'MIN'}({', '.join(expressions)})"


def greatest(*expressions: str) -> str:
    return f"{'GREATEST' if is_postgresql() else 'MAX'}({', '.join(expressions)})"


def add_months(date_expression: str, months_expression: str) -> str:
    """``uythac.core.periods.add_months`` in SQL: same day ``months`` later, clamped to the month's last day
    (31/01 + 1 → 28/02 or 29/02). PostgreSQL's interval arithmetic clamps by itself; SQLite overflows into the next
    month (31/01 + 1 month = 03/03), so the smaller of that and the target month's last day is taken."""
    if is_postgresql():
        months = f"make_interval(months => CAST({months_expression} AS INTEGER))"
        return f"CAST(CAST({date_expression} AS DATE) + {months} AS DATE)"
    shift = f"(CASE WHEN ({months_expression}) < 0 THEN '' ELSE '+' END || ({months_expression}) || ' months')"
    return (f"MIN(date({date_expression}, {shift}), "
            f"date({date_expression}, 'start of month', {shift}, '+1 month', '-1 day'))")


def no_inline() -> str:
    """The tail of a subquery that keeps the planner from inlining it into the outer query (which would evaluate
    each of its expressions again wherever the outer query uses the column): ``OFFSET 0`` is PostgreSQL's
    documented optimisation fence; SQLite needs a LIMIT before an OFFSET (-1: no limit)."""
    return "OFFSET 0" if is_postgresql() else "LIMIT -1 OFFSET 0"


def as_date(value) -> dt.date:
    """A DATE read back from raw SQL (SQLite returns text)."""
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def execute(sql: str, params=()) -> int:
    """Run one statement; returns the row count the driver reports (rows inserted / updated / deleted)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return max(cursor.rowcount, 0)


def fetch_all(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def fetch_one(sql: str, params=()) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchone()


def temp_table(name: str, columns: str) -> None:
    """(Re)create a temporary table for the current connection (dropped again with ``drop_temp``)."""
    execute(f"DROP TABLE IF EXISTS {name}")
    execute(f"CREATE TEMPORARY TABLE {name} ({columns})")


def analyze(*names: str) -> None:
    """Planner statistics for freshly filled temporary tables (PostgreSQL only: autovacuum never sees temporary
    tables, and without statistics the planner guesses ~1,000 rows for a 100,000-row table and picks sorts and
    nested loops). SQLite plans without statistics either way."""
    if is_postgresql():
        for name in names:
            execute(f"ANALYZE {name}")


def drop_temp(*names: str) -> None:
    for name in names:
        execute(f"DROP TABLE IF EXISTS {name}")


_EPOCH = dt.date(2000, 1, 1)
_SQLITE_EPOCH_DAY = 2451544  # CAST(julianday('2000-01-01') AS INTEGER)


def day_number_of(day: dt.date) -> int:
    """The number ``day_number`` gives in SQL for ``day`` on the current engine."""
    offset = (day - _EPOCH).days
    return offset if is_postgresql() else offset + _SQLITE_EPOCH_DAY


def date_of_day_number(number: int) -> dt.date:
    offset = number if is_postgresql() else number - _SQLITE_EPOCH_DAY
    return _EPOCH + dt.timedelta(days=int(offset))


def tune_batch_transaction() -> None:
    """PostgreSQL settings for the current transaction of a close step (``SET LOCAL``: gone at its end).

    ``jit = off``: the steps' statements are large but run once; JIT compilation cost more than it saved (0.9 s of a
    1.4 s statement measured on the bench). ``work_mem = 256MB``: the hash joins and the COUNT(DISTINCT) sorts over a
    period's snapshot rows stay in memory instead of spilling to disk at the 4 MB default."""
    if is_postgresql():
        execute("SET LOCAL jit = off")
        execute("SET LOCAL work_mem = '256MB'")



def date_from_day_number(expression: str) -> str:
    """The DATE whose ``day_number`` is ``expression`` (inverse of ``day_number``)."""
    if is_postgresql():
        return f"(DATE '2000-01-01' + CAST({expression} AS INTEGER))"
    return f"date(({expression}) + 0.5)"
