"""Interest of the generated loans: accrued on the daily balance at the rate in force each day, collected by the
group leader (13/TD) at the commune session of the profile's collection months (``params.COLLECTION_MONTHS``) and
when a loan is repaid.

The computation is the loans engine's (``uythac.loans.interest.accrue_interest`` through ``loans.selectors.
interest_due``), done on integers for speed and checked against it by a test: end-of-day balances; LOAN_CURRENT at
the contract rate (grace bucket until the day before ``disbursed + grace``, in-term after), LOAN_OVERDUE at the
overdue rate, frozen principal none; ACT/365; each bucket rounded once, half up. An accrual covers the days since
the previous one up to the day before the collection (a repayment on the session day stops that day's interest).

What is collected (HEURISTIC): everything accrued outside the grace bucket (grace interest waits for the end of the
grace period); nothing on a skipped quarter (paid with the next one) and nothing once a delinquent borrower stopped
paying; everything, grace included, on the day a loan is repaid in full. Interest before the history starts is
taken as settled, except for loans still in grace and delinquent loans, whose arrears are brought forward. Rates
before the first rate row (the data horizon, 01/01/2019) are taken equal to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from uythac.programs.selectors import RateTimeline
from uythac.synthetic.steps.lending.dates import month_of, plus_months, session_day
from uythac.synthetic.steps.lending.model import Behaviour, LoanPlan
from uythac.synthetic.steps.lending.params import INTEREST_DIVISOR, scaled_rate
from uythac.synthetic.steps.lending.principal import REPAY, WRITE_OFF, Timeline

FAR_PAST = 1


class Rates:
    """Contract and overdue rate segments (start, end, rate × 10⁶) per (program, category), first one open-ended."""

    def __init__(self, province, start: int, end: int):
        self.province = province
        self.start, self.end = dt.date.fromordinal(start), dt.date.fromordinal(end)
        self._cache = {}

    def get(self, program: str, category: str | None):
        key = (program, category)
        if key not in self._cache:
            timeline = RateTimeline(program, category=category or None, province=self.province)
            self._cache[key] = (self._scaled(timeline.segments(self.start, self.end)),
                                self._scaled(timeline.overdue_segments(self.start, self.end)))
        return self._cache[key]

    @staticmethod
    def _scaled(segments) -> list[tuple[int, int, int]]:
        found = [(s.start.toordinal(), s.end.toordinal(), scaled_rate(s.annual_rate)) for s in segments]
        first = found[0]
        found[0] = (FAR_PAST, first[1], first[2])
        return found


def _round(numerator: int) -> int:
    return (2 * numerator + INTEREST_DIVISOR) // (2 * INTEREST_DIVISOR)


def _pieces(changes: list[tuple[int, int]], a: int, b: int):
    """Constant stretches (start, end, balance) of ``changes`` [(day, balance from that day)] within [a, b]."""
    balance = 0
    previous = a
    for day, value in changes:
        if day <= a:
            balance = value
            continue
        if day > b:
            break
        if balance:
            yield previous, day - 1, balance
        previous, balance = day, value
    if balance:
        yield previous, b, balance


def _sum(changes, a: int, b: int, segments) -> int:
    total = 0
    for first, last, balance in _pieces(changes, a, b):
        for seg_start, seg_end, rate in segments:
            lo, hi = max(first, seg_start), min(last, seg_end)
            if lo <= hi:
                total += balance * (hi - lo + 1) * rate
    return total


@dataclass(slots=True)
class Series:
    current: list[tuple[int, int]]  # (day, end-of-day balance from that day on)
    overdue: list[tuple[int, int]]

    @classmethod
    def of(cls, timeline: Timeline) -> Series:
        current, overdue = [], []
        cur = ovd = 0
        for day, _code, d_cur, d_ovd, _d_frz in timeline.events:
            cur, ovd = cur + d_cur, ovd + d_ovd
            if current and current[-1][0] == day:
                current[-1] = (day, cur)
            else:
                current.append((day, cur))
            if overdue and overdue[-1][0] == day:
                overdue[-1] = (day, ovd)
            else:
                overdue.append((day, ovd))
        return cls(current, overdue)


def accrue(series: Series, a: int, b: int, rates, grace_last: int) -> tuple[int, int, int]:
    """(in-term, overdue, grace) interest of days a..b, each rounded once."""
    if b < a:
        return 0, 0, 0
    contract, overdue_rates = rates
    grace = _sum(series.current, a, min(b, grace_last), contract) if grace_last >= a else 0
    in_term = _sum(series.current, max(a, grace_last + 1), b, contract) if b > grace_last else 0
    overdue = _sum(series.overdue, a, b, overdue_rates)
    return _round(in_term), _round(overdue), _round(grace)


@dataclass(slots=True)
class Interest:
    opening: tuple[int, int, int] = (0, 0, 0)
    # (day, accrued in-term, overdue, grace, collected, applied in-term, overdue, grace, kind "C" | "W")
    records: list[tuple] = field(default_factory=list)
    arrears: tuple[int, int, int] = (0, 0, 0)
    written_off: tuple[int, int, int] = (0, 0, 0)  # arrears written off with the principal
    accrued_through: int | None = None
    last_collected: int | None = None


def collection_days(day_of_month: int, start: int, end: int, months: tuple[int, ...]) -> list[int]:
    """Session days of the collection ``months`` (1–12) between ``start`` and ``end``."""
    indexes = {month - 1 for month in months}
    days = []
    for month in range(month_of(start), month_of(end) + 1):
        if month % 12 in indexes:
            day = session_day(month, day_of_month)
            if start <= day <= end:
                days.append(day)
    return days


def simulate_interest(loan: LoanPlan, timeline: Timeline, frame, rates, quarter_days: list[int]) -> Interest:
    result = Interest()
    series = Series.of(timeline)
    grace_last = plus_months(loan.disbursed, loan.grace) - 1 if loan.grace else loan.disbursed - 1
    delinquent = loan.behaviour == Behaviour.DELINQUENT
    stopped = loan.stop if delinquent else None
    arrears = [0, 0, 0]
    if loan.disbursed < frame.start:
        if delinquent and stopped < frame.start:
            arrears = list(accrue(series, stopped, frame.opening, rates, grace_last))
        elif grace_last >= frame.start:
            arrears = list(accrue(series, loan.disbursed, frame.opening, rates, grace_last))
        result.opening = tuple(arrears)
        result.accrued_through = frame.opening
        first = frame.start
    else:
        first = loan.disbursed
    closing = timeline.zero_on if timeline.zero_on is not None and timeline.zero_on <= frame.end else None
    written_off = closing is not None and any(code == WRITE_OFF for _d, code, *_r in timeline.events)
    days = [day for day in quarter_days if first < day and (closing is None or day < closing)]
    if closing is not None and closing >= first:
        days.append(closing)
    start = first
    for day in days:
        accrued = accrue(series, start, day - 1, rates, grace_last)
        arrears = [arrears[0] + accrued[0], arrears[1] + accrued[1], arrears[2] + accrued[2]]
        final = day == closing
        if final and written_off:
            collected = 0
            kind = "W"
        elif final:
            collected = sum(arrears)
            kind = "C"
        elif (stopped is not None and day > stopped) or day in loan.skipped_collections:
            collected = 0
            kind = "C"
        else:
            collected = arrears[0] + arrears[1]
            kind = "C"
        applied = [0, 0, 0]
        rest = collected
        for bucket in (1, 0, 2):  # overdue, in-term, grace (allocate_interest_collection)
            take = min(rest, arrears[bucket])
            applied[bucket] = take
            rest -= take
        arrears = [arrears[i] - applied[i] for i in range(3)]
        result.records.append((day, *accrued, collected, *applied, kind))
        if collected:
            result.last_collected = day
        result.accrued_through = day - 1
        start = day
    if written_off:
        result.written_off = tuple(arrears)
        arrears = [0, 0, 0]
    result.arrears = tuple(arrears)
    return result


def repayment_days(timeline: Timeline) -> list[int]:
    return [day for day, code, *_rest in timeline.events if code == REPAY]
