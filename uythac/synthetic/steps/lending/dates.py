"""Calendar arithmetic of the lending steps on day ordinals (``date.toordinal()``), cached.

Hundreds of thousands of loans share a few thousand distinct (transaction point, month) session days and schedule
shapes, so the lending steps work on integer day numbers and memoise the date rules of ``uythac.core.periods`` and
``uythac.loans.schedule`` here. Every function returns exactly what those modules return for the same dates (a test
compares ``due_dates`` with ``build_schedule``).
"""

import datetime as dt
from functools import cache

from uythac.core.periods import Period, add_months, session_date


@cache
def month_of(ordinal: int) -> int:
    """Month index (year × 12 + month − 1) of a day."""
    day = dt.date.fromordinal(ordinal)
    return day.year * 12 + day.month - 1


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


@cache
def date_of(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


@cache
def iso(ordinal: int) -> str:
    """A day as the bulk loaders send it ('YYYY-MM-DD': what both database drivers make of a date, without the
    per-value adaptation that costs more than the insert at a million rows)."""
    return dt.date.fromordinal(ordinal).isoformat()


@cache
def session_day(month: int, day_of_month: int) -> int:
    """The transaction point's session day in ``month`` (clamped to the month end), as an ordinal."""
    year, index = divmod(month, 12)
    return session_date(Period(year, index + 1), day_of_month).toordinal()


@cache
def month_end(month: int) -> int:
    year, index = divmod(month, 12)
    return Period(year, index + 1).last_day.toordinal()


@cache
def plus_months(ordinal: int, months: int) -> int:
    """``core.periods.add_months`` on ordinals (clamped to the month end)."""
    return add_months(dt.date.fromordinal(ordinal), months).toordinal()


@cache
def due_dates(disbursed: int, term: int, grace: int, frequency: int, day_of_month: int) -> tuple[int, ...]:
    """Installment due days of ``loans.schedule.build_schedule(frequency_months=…)``: month disbursed + grace +
    k × frequency (the last in the maturity month) on the session day, never after the contract maturity."""
    maturity = plus_months(disbursed, term)
    first_month = month_of(disbursed)
    offsets = [*range(grace + frequency, term, frequency), term]
    return tuple(min(session_day(first_month + offset, day_of_month), maturity) for offset in offsets)


def split_principal(total: int, parts: int, unit: int) -> list[int]:
    """``core.money.split_evenly`` without its argument checks (the callers pass valid integers)."""
    regular = (total // parts) // unit * unit
    return [regular] * (parts - 1) + [total - regular * (parts - 1)]


def session_on_or_before(ordinal: int, day_of_month: int) -> int:
    """The last session day (of a point holding its session on ``day_of_month``) on or before ``ordinal``."""
    month = month_of(ordinal)
    day = session_day(month, day_of_month)
    return day if day <= ordinal else session_day(month - 1, day_of_month)


def session_on_or_after(ordinal: int, day_of_month: int) -> int:
    month = month_of(ordinal)
    day = session_day(month, day_of_month)
    return day if day >= ordinal else session_day(month + 1, day_of_month)


def transfer_day(final_due: int) -> int:
    """The month-end at which an unpaid final installment goes overdue: the first month-end strictly after it (the
    month-end close transfers what fell due before its data date)."""
    month = month_of(final_due)
    return month_end(month) if final_due < month_end(month) else month_end(month + 1)
