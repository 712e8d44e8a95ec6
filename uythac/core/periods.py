"""Calendar arithmetic for the lending rules: months, month ends, working days, session dates (no Django here).

Every function takes the reference date as a parameter ("as_of", "on"); nothing here reads the clock.
Errors are :class:`PeriodError` (a ``ValueError``) with a stable reason ``code`` for the web layer to translate.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass

_PERIOD_TEXT = re.compile(r"^(\d{4})-(\d{2})$")

# Saturday and Sunday (date.weekday() 5 and 6): state bodies work Monday to Friday (the 40-hour week of Decision
# 188/1999/QĐ-TTg); that VBSP counts its "working days" the same way is an inference (L). A parameter, not a rule.
WEEKEND = frozenset({5, 6})

# The KHĐ rule's N (scoring-and-inspection.md §4: report "Sao kê món vay N tháng không hoạt động", N = 3).
INACTIVE_MONTHS = 3


class PeriodError(ValueError):
    """A refused calendar value; ``code`` is a stable reason code."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        super().__init__(f"{code}: {detail}" if detail else code)


def _month_length(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _check_int(value, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PeriodError(code, f"{value!r} is not an integer")
    return value


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A calendar month ("kỳ", "tháng số liệu"), written ``YYYY-MM`` on the command line."""

    year: int
    month: int

    def __post_init__(self):
        _check_int(self.year, "period_invalid")
        _check_int(self.month, "period_invalid")
        if not (1 <= self.month <= 12) or not (1 <= self.year <= 9999):
            raise PeriodError("period_invalid", f"{self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """``Period.parse("2025-12") == Period(2025, 12)``; anything but ``YYYY-MM`` raises ``period_format``."""
        match = _PERIOD_TEXT.match((text or "").strip())
        if not match:
            raise PeriodError("period_format", f"{text!r} is not YYYY-MM")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Period:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, _month_length(self.year, self.month))

    @property
    def days(self) -> int:
        return _month_length(self.year, self.month)

    def add(self, months: int) -> Period:
        index = self.year * 12 + (self.month - 1) + _check_int(months, "months_invalid")
        return Period(index // 12, index % 12 + 1)

    def next(self) -> Period:
        return self.add(1)

    def previous(self) -> Period:
        return self.add(-1)

    def months_until(self, other: Period) -> int:
        """Calendar months from this period to ``other`` (2025-11 → 2026-02 is 3; negative if ``other`` is earlier)."""
        return (other.year * 12 + other.month) - (self.year * 12 + self.month)

    def contains(self, day: dt.date) -> bool:
        return day.year == self.year and day.month == self.month


def clamp_day(year: int, month: int, day: int) -> dt.date:
    """The date ``day``/``month``/``year``, or the month's last day when the month is shorter (31 → 30, 28, 29)."""
    return dt.date(year, month, min(day, _month_length(year, month)))


def add_months(day: dt.date, months: int) -> dt.date:
    """Same calendar day ``months`` later (or earlier when negative), clamped to the last day of the target month.

    31/05/2025 − 3 → 28/02/2025; 31/05/2024 − 3 → 29/02/2024; 31/01 + 1 → 28/02 (or 29/02); 30/09 − 3 → 30/06.
    """
    target = Period.of(day).add(_check_int(months, "months_invalid"))
    return clamp_day(target.year, target.month, day.day)


def same_day_months_earlier(day: dt.date, months: int) -> dt.date:
    """The same calendar day ``months`` (≥ 0) earlier, clamped to the month's last day (the KHĐ cut-off)."""
    if _check_int(months, "months_invalid") < 0:
        raise PeriodError("months_negative", f"{months} must be ≥ 0")
    return add_months(day, -months)


def inactive_cutoff(as_of: dt.date, *, months: int = INACTIVE_MONTHS) -> dt.date:
    """First date that still counts as activity for the "inactive N months" rule on data date ``as_of``."""
    return same_day_months_earlier(as_of, months)


def is_inactive_3m(last_transaction: dt.date, as_of: dt.date, *, months: int = INACTIVE_MONTHS) -> bool:
    """Loan inactive 3 months (món vay 3 tháng không hoạt động, KHĐ) on data date ``as_of``.

    Rule (scoring-and-inspection.md §4.1, PRACTITIONER-VERIFIED, M): the last transaction date is STRICTLY BEFORE
    the same calendar day three months earlier than the data date. Data date 30/09 → cut-off 30/06: a last
    transaction on 30/06 is activity; 29/06 or earlier is inactive. For data dates whose day does not exist three
    months earlier the cut-off is clamped to that month's last day (31/05 → 28/02, or 29/02 in a leap year): an
    explicit ASSUMPTION (L, §4.2) to reconcile against imported Mẫu 14 lists.

    This predicate covers the date test only. The caller adds "outstanding balance > 0" and the exclusions
    (frozen balance > 0; student loans, program 02). There is always a last transaction for a loan with a balance
    (at least its disbursement), so ``None`` is refused rather than guessed.
    """
    if last_transaction is None:
        raise PeriodError("last_transaction_missing", "a loan with a balance has at least its disbursement date")
    return last_transaction < inactive_cutoff(as_of, months=months)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``: the largest k with ``add_months(start, k) <= end`` (negative if
    ``end`` is earlier: ``-months_between(end, start)``). 31/01 → 28/02 is 1; 31/01 → 30/03 is 1; 15/03 → 15/09 is 6.
    """
    if end < start:
        return -months_between(end, start)
    months = Period.of(start).months_until(Period.of(end))
    if add_months(start, months) > end:
        months -= 1
    return months


def is_working_day(day: dt.date, holidays: Collection[dt.date] = frozenset(), *, weekend=WEEKEND) -> bool:
    return day.weekday() not in weekend and day not in holidays


def add_working_days(day: dt.date, n: int, holidays: Collection[dt.date] = frozenset(), *, weekend=WEEKEND) -> dt.date:
    """The ``n``-th working day after ``day`` (before it when ``n`` < 0); ``n`` = 0 returns ``day`` itself.

    Weekends are skipped; public holidays (Tết, 30/4, 1/5, 2/9 … and their substitute days, decided each year)
    are DATA passed in by the caller. Used for the bank's approval deadline (3 working days from a complete
    dossier, process.md §3.1) and the 08/TD notice periods (≥5 / ≥3 working days before the installment, §3.3).
    A dossier received on Friday 05/12/2025 is due by Wednesday 10/12/2025.
    """
    step = 1 if _check_int(n, "days_invalid") >= 0 else -1
    remaining = abs(n)
    current = day
    while remaining:
        current += dt.timedelta(days=step)
        if is_working_day(current, holidays, weekend=weekend):
            remaining -= 1
    return current


def session_date(period: Period, session_day_of_month: int) -> dt.date:
    """The transaction point's fixed session day in ``period``, clamped to the month end (day 31 → 30/04, 28/02)."""
    day = _check_int(session_day_of_month, "session_day_invalid")
    if not 1 <= day <= 31:
        raise PeriodError("session_day_invalid", f"{day} is not a day of the month")
    return clamp_day(period.year, period.month, day)
