"""Interest on the daily outstanding balance at the rate in force each day (no Django: import-linter contract).

Inputs are plain values: the balance history, the effective-dated annual rates (from the programs selectors: base
rate, the 01/12/2025 cut, time-boxed area overrides already combined by the caller), frozen intervals (khoanh: no
interest), a day-count convention and a period. The result explains itself: one line per stretch of days with the
same balance, rate and frozen state, and a total rounded ONCE with :func:`uythac.core.money.round_vnd`.

Conventions (decisions; the domain reference documents none of them, so they are PROVISIONAL, "tạm tính"):

* Balance of a day = its END-OF-DAY balance: a disbursement accrues from its own day, a repayment stops accruing
  on its own day ("include the first day, exclude the last", as Circular 14/2017/TT-NHNN prescribes for
  credit institutions; that VBSP applies it is an inference, L).
* Day count: default :attr:`DayCount.ACT_365`, interest = balance × annual rate × actual days / 365, the
  365-day year of Circular 14/2017/TT-NHNN (L for VBSP). VBSP publishes monthly rates as annual ÷ 12
  (programs.md), which :attr:`DayCount.MONTHLY_RATE_30` reproduces exactly for whole months; both are offered.
* Rates are PERCENT per year as ``Decimal`` (``Decimal("6.24")`` = 6.24 %/yr), as stored in ``DecimalField``s.
* Periods and intervals are inclusive of both ends; ``None`` as an end means open-ended.

All arithmetic is exact (``Fraction``); ``InterestLine.interest`` is shown as a ``Decimal`` (28 significant digits),
the total is rounded from the exact sum. Errors are :class:`InterestError` with a stable reason ``code``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction

from uythac.core.money import round_vnd

ONE_DAY = dt.timedelta(days=1)


class InterestError(ValueError):
    """A refused interest input; ``code`` is a stable reason code, ``detail`` English for logs."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


class DayCount(enum.Enum):
    """How many days a stretch counts for, and of how many days a year is made."""

    ACT_365 = "ACT_365"  # actual days / 365 (default; Circular 14/2017/TT-NHNN, provisional for VBSP)
    ACT_360 = "ACT_360"  # actual days / 360
    # annual ÷ 12 per whole calendar month; a part of a month pro rata by a 30-day month: day 31 counts 0 and
    # February's last day completes the month to 30, so any split of a month adds up to exactly one month.
    MONTHLY_RATE_30 = "MONTHLY_RATE_30"


DEFAULT_DAY_COUNT = DayCount.ACT_365

_YEAR_DAYS = {DayCount.ACT_365: 365, DayCount.ACT_360: 360, DayCount.MONTHLY_RATE_30: 360}


def _position_30(day: dt.date) -> int:
    """Running 30-day-month day number: each month holds 30 positions, the month's last day always sits at 30."""
    next_day = day + ONE_DAY
    in_month = 30 if next_day.month != day.month else min(day.day, 30)
    return day.year * 360 + (day.month - 1) * 30 + in_month


def basis_days(start: dt.date, end: dt.date, day_count: DayCount) -> int:
    """Days the stretch ``start``..``end`` (inclusive) counts for under ``day_count``."""
    if end < start:
        return 0
    if day_count is DayCount.MONTHLY_RATE_30:
        return _position_30(end) - _position_30(start - ONE_DAY)
    return (end - start).days + 1


@dataclass(frozen=True, slots=True)
class RateSegment:
    """Annual rate (percent) in force from ``start`` to ``end`` inclusive (``end=None``: open)."""

    start: dt.date
    end: dt.date | None
    annual_rate: Decimal


@dataclass(frozen=True, slots=True)
class InterestLine:
    start: dt.date
    end: dt.date
    days: int  # actual days
    basis_days: int  # days counted under the day-count convention
    balance: int
    annual_rate: Decimal | None  # None only on frozen lines without a rate
    frozen: bool
    interest: Decimal  # exact share, not rounded (0 when frozen)


@dataclass(frozen=True, slots=True)
class InterestBreakdown:
    start: dt.date
    end: dt.date
    day_count: DayCount
    lines: tuple[InterestLine, ...]
    exact_total: Fraction
    total: int  # round_vnd(exact_total)


def _as_decimal(value: Fraction) -> Decimal:
    with localcontext() as context:
        context.prec = 28
        return Decimal(value.numerator) / Decimal(value.denominator)


def _rate(value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int) or not Decimal(value).is_finite():
        raise InterestError("rate_invalid", f"{value!r}: rates are Decimal percent per year")
    rate = Decimal(value)
    if rate < 0:
        raise InterestError("rate_negative", f"{rate}")
    return rate


def _rate_segments(rates: Iterable) -> list[RateSegment]:
    segments = []
    for item in rates:
        segment = item if isinstance(item, RateSegment) else RateSegment(*item)
        if segment.end is not None and segment.end < segment.start:
            raise InterestError("rate_segment_reversed", f"{segment.start} > {segment.end}")
        segments.append(RateSegment(segment.start, segment.end, _rate(segment.annual_rate)))
    segments.sort(key=lambda s: s.start)
    for earlier, later in zip(segments, segments[1:], strict=False):
        if earlier.end is None or earlier.end >= later.start:
            raise InterestError("rate_segments_overlap", f"{earlier.start}..{earlier.end} and {later.start}")
    return segments


def _balance(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InterestError("balance_invalid", f"{value!r}: balances are integer VND")
    if value < 0:
        raise InterestError("balance_negative", f"{value}")
    return value


def _balance_segments(balances) -> list[tuple[dt.date, dt.date | None, int]]:
    """Normalise ``{date: balance from that day on}`` or ``[(start, end, balance)]`` into sorted segments."""
    if isinstance(balances, Mapping):
        changes = sorted((day, _balance(amount)) for day, amount in balances.items())
        return [
            (day, changes[i + 1][0] - ONE_DAY if i + 1 < len(changes) else None, amount)
            for i, (day, amount) in enumerate(changes)
        ]
    segments = sorted(((start, end, _balance(amount)) for start, end, amount in balances), key=lambda s: s[0])
    for start, end, _ in segments:
        if end is not None and end < start:
            raise InterestError("balance_segment_reversed", f"{start} > {end}")
    for earlier, later in zip(segments, segments[1:], strict=False):
        if earlier[1] is None or earlier[1] >= later[0]:
            raise InterestError("balance_segments_overlap", f"{earlier[0]}..{earlier[1]} and {later[0]}")
    return segments


def _intervals(items: Iterable) -> list[tuple[dt.date, dt.date | None]]:
    result = []
    for start, end in items:
        if end is not None and end < start:
            raise InterestError("frozen_interval_reversed", f"{start} > {end}")
        result.append((start, end))
    return result


def _covers(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or day <= end)


def accrue_interest(
    *,
    balances: Mapping[dt.date, int] | Sequence[tuple[dt.date, dt.date | None, int]],
    rates: Iterable[RateSegment | tuple[dt.date, dt.date | None, Decimal]],
    start: dt.date,
    end: dt.date,
    frozen: Iterable[tuple[dt.date, dt.date | None]] = (),
    day_count: DayCount = DEFAULT_DAY_COUNT,
) -> InterestBreakdown:
    """Interest from ``start`` to ``end`` inclusive on the daily balance at the rate in force each day.

    ``balances``: ``{date: balance}`` changes (the balance holds from that day until the next change; 0 before the
    first) or ``[(start, end, balance)]`` segments (0 outside them). ``rates``: ``[(start, end, annual_rate %)]``,
    not overlapping; every non-frozen day with a balance must have a rate. ``frozen``: ``[(start, end)]`` intervals
    with no interest (khoanh nợ, process.md §4, H). A rate change, balance change or freeze inside the period
    splits it into lines.

    20,000,000 VND from 15/11/2025 to 14/12/2025, 6.6 %/yr then 6.24 %/yr from 01/12/2025, ACT_365:
    20,000,000 × 6.6 % × 16/365 + 20,000,000 × 6.24 % × 14/365 = 38,592,000/365 = 105,731.51 → 105,732 VND.
    """
    if end < start:
        raise InterestError("period_reversed", f"{start} > {end}")
    if not isinstance(day_count, DayCount):
        raise InterestError("day_count_invalid", f"{day_count!r}")
    balance_segments = _balance_segments(balances)
    rate_segments = _rate_segments(rates)
    frozen_intervals = _intervals(frozen)

    cuts = {start, end + ONE_DAY}
    for seg_start, seg_end, *_ in [*balance_segments, *((s.start, s.end) for s in rate_segments), *frozen_intervals]:
        cuts.add(seg_start)
        if seg_end is not None:
            cuts.add(seg_end + ONE_DAY)
    bounds = sorted(day for day in cuts if start <= day <= end + ONE_DAY)

    year_days = _YEAR_DAYS[day_count]
    pieces: list[list] = []  # [start, end, balance, rate, frozen]
    for piece_start, next_start in zip(bounds, bounds[1:], strict=False):
        balance = next((b for s, e, b in balance_segments if _covers(s, e, piece_start)), 0)
        if balance == 0:
            continue
        rate = next((r.annual_rate for r in rate_segments if _covers(r.start, r.end, piece_start)), None)
        is_frozen = any(_covers(s, e, piece_start) for s, e in frozen_intervals)
        if rate is None and not is_frozen:
            raise InterestError("rate_missing", f"no rate in force on {piece_start}")
        piece_end = next_start - ONE_DAY
        last = pieces[-1] if pieces else None
        if last and last[1] + ONE_DAY == piece_start and last[2:] == [balance, rate, is_frozen]:
            last[1] = piece_end
        else:
            pieces.append([piece_start, piece_end, balance, rate, is_frozen])

    lines = []
    exact_total = Fraction(0)
    for piece_start, piece_end, balance, rate, is_frozen in pieces:
        counted = basis_days(piece_start, piece_end, day_count)
        exact = Fraction(0) if is_frozen else Fraction(balance) * Fraction(rate) * counted / (100 * year_days)
        exact_total += exact
        lines.append(
            InterestLine(
                start=piece_start,
                end=piece_end,
                days=(piece_end - piece_start).days + 1,
                basis_days=counted,
                balance=balance,
                annual_rate=rate,
                frozen=is_frozen,
                interest=_as_decimal(exact),
            )
        )
    return InterestBreakdown(
        start=start,
        end=end,
        day_count=day_count,
        lines=tuple(lines),
        exact_total=exact_total,
        total=round_vnd(exact_total),
    )


def scale_rates(
    rates: Iterable[RateSegment | tuple[dt.date, dt.date | None, Decimal]], multiplier: Decimal
) -> tuple[RateSegment, ...]:
    """The same rate segments multiplied by ``multiplier`` (overdue rate = 130 % of the contract rate)."""
    factor = _rate(multiplier)
    return tuple(RateSegment(s.start, s.end, s.annual_rate * factor) for s in _rate_segments(rates))


def accrue_overdue_interest(
    *,
    overdue_balances: Mapping[dt.date, int] | Sequence[tuple[dt.date, dt.date | None, int]],
    rates: Iterable[RateSegment | tuple[dt.date, dt.date | None, Decimal]],
    multiplier: Decimal,
    start: dt.date,
    end: dt.date,
    frozen: Iterable[tuple[dt.date, dt.date | None]] = (),
    day_count: DayCount = DEFAULT_DAY_COUNT,
) -> InterestBreakdown:
    """Overdue interest: the overdue part of the balance at ``multiplier`` × the contract rate in force each day.

    The multiplier (1.3 for most programs, programs.md §1.1, H; fixed overdue rates such as the Covid wage loans'
    12 %/yr are passed as their own rate segments with multiplier 1) comes from program data. Only the part
    transferred to overdue bears it; the in-term part is computed with :func:`accrue_interest`.
    """
    return accrue_interest(
        balances=overdue_balances,
        rates=scale_rates(rates, multiplier),
        start=start,
        end=end,
        frozen=frozen,
        day_count=day_count,
    )


# --- Interest arrears (lãi tồn) -------------------------------------------------------------------------------


def _amount(value, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InterestError(code, f"{value!r} must be a non-negative integer VND amount")
    return value


@dataclass(frozen=True, slots=True)
class InterestBuckets:
    """Interest amounts kept apart by kind (glossary §6): in-term (TH), overdue (QH) and grace-period (AH).

    The three buckets are disjoint. ``total`` adds all three; ``excluding_grace`` is what the 727 checklist
    counts ("members with arrears, excluding arrears in grace"). Whether the exports' "Lãi tồn TH" column
    includes the grace arrears is not known (scoring-and-inspection.md §5), so the split stays explicit.
    """

    in_term: int = 0
    overdue: int = 0
    grace: int = 0

    def __post_init__(self):
        for name in ("in_term", "overdue", "grace"):
            _amount(getattr(self, name), "interest_amount_invalid")

    @property
    def total(self) -> int:
        return self.in_term + self.overdue + self.grace

    @property
    def excluding_grace(self) -> int:
        return self.in_term + self.overdue

    def __add__(self, other: InterestBuckets) -> InterestBuckets:
        return InterestBuckets(self.in_term + other.in_term, self.overdue + other.overdue, self.grace + other.grace)


BUCKETS = ("in_term", "overdue", "grace")

# Order in which an undesignated interest collection settles arrears: overdue first (the oldest, dearest debt),
# then in-term, then grace. PROVISIONAL: no VBSP allocation rule is documented; callers may pass another order.
DEFAULT_ALLOCATION_ORDER = ("overdue", "in_term", "grace")


def interest_arrears(due: InterestBuckets, collected: InterestBuckets) -> InterestBuckets:
    """Interest arrears = interest due − interest collected, bucket by bucket (collections as the exports split
    them: "Thu lãi TH", "Thu lãi QH"). A bucket collected beyond what is due is refused (``collected_exceeds_due``);
    prepaid interest is not arrears and must be booked by the caller as such. Also gives the arrears left after an
    allocation: ``interest_arrears(arrears, allocate_interest_collection(arrears, amount)[0])``."""
    values = {}
    for name in BUCKETS:
        owed, paid = getattr(due, name), getattr(collected, name)
        if paid > owed:
            raise InterestError("collected_exceeds_due", f"{name}: collected {paid} > due {owed}")
        values[name] = owed - paid
    return InterestBuckets(**values)


def allocate_interest_collection(
    arrears: InterestBuckets, amount: int, *, order: Sequence[str] = DEFAULT_ALLOCATION_ORDER
) -> tuple[InterestBuckets, int]:
    """Split an interest collection of ``amount`` VND over the arrears in ``order``.

    Returns ``(applied per bucket, unapplied remainder)``; the new arrears are ``interest_arrears(arrears,
    applied)``. ``allocate_interest_collection(InterestBuckets(100, 50, 30), 120) == (InterestBuckets(70, 50, 0), 0)``.
    """
    amount = _amount(amount, "collection_invalid")
    if sorted(order) != sorted(BUCKETS):
        raise InterestError("allocation_order_invalid", f"{order!r} must name each of {BUCKETS} once")
    applied = {}
    for name in order:
        take = min(amount, getattr(arrears, name))
        applied[name] = take
        amount -= take
    return InterestBuckets(**applied), amount
