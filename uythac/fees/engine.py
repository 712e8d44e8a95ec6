"""The fee engine: pure functions from a schedule's rules and a unit's (or group's) month facts to the amounts.

Rounding (stated once, applied per statement line): every line is an integer VND obtained by ROUND_HALF_UP of the
exact product — ``percent_of(amount, rate)`` = round_half_up(amount × rate ÷ 100) computed in exact decimal
arithmetic. The lines of a unit's fee:

1. fee before multiplier = percent_of(base, base rate)                                   (rounded)
2. fee after multiplier  = percent_of(line 1, multiplier of the band of the overdue ratio) (rounded)
3. one line per program exception = percent_of(program's in-term outstanding, its fee rate) (rounded; no multiplier:
   process.md §8 gives the NOXH rate as what the commune association receives)
4. total = line 2 + lines 3 (a sum, no rounding)

The split between levels: each level but the largest share gets floor(total × share ÷ 100); the largest share
(commune, 84 % in the provisional schedule) gets the remainder, so the shares always sum to the total exactly.

A group's commission: percent_of(interest collected on ordinary programs, commission rate) plus one line per program
exception, percent_of(that program's in-term outstanding, its commission rate).

The overdue ratio is compared with the band bounds EXACTLY (as a fraction overdue × 100 ÷ outstanding): 1.9999 % is in
the band below 2 %, never rounded up into the next one; it is shown rounded to 4 places (ROUND_HALF_UP).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

HUNDRED = Decimal(100)
RATIO_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Band:
    lower: Decimal
    upper: Decimal | None
    multiplier: Decimal

    def contains(self, ratio: Fraction) -> bool:
        return Fraction(self.lower) <= ratio and (self.upper is None or ratio < Fraction(self.upper))


@dataclass(frozen=True)
class Share:
    level: str
    share: Decimal


@dataclass(frozen=True)
class ProgramRate:
    program_code: str
    fee_rate: Decimal
    commission_rate: Decimal


@dataclass(frozen=True)
class Rules:
    base_rate: Decimal
    commission_rate: Decimal
    bands: tuple[Band, ...]
    shares: tuple[Share, ...]
    program_rates: tuple[ProgramRate, ...] = ()
    cap_rate: Decimal = Decimal("0.125")

    @property
    def exception_codes(self) -> tuple[str, ...]:
        return tuple(rate.program_code for rate in self.program_rates)


def _round(value: Decimal, rounding=ROUND_HALF_UP) -> int:
    return int(value.quantize(Decimal(1), rounding=rounding))


def percent_of(amount: int, rate: Decimal, *, rounding=ROUND_HALF_UP) -> int:
    """round(amount × rate ÷ 100) to whole VND, exactly (ROUND_HALF_UP unless told)."""
    with localcontext() as context:
        context.prec = 60
        return _round(Decimal(int(amount)) * Decimal(rate) / HUNDRED, rounding)


def overdue_ratio(overdue: int, outstanding: int) -> Fraction:
    """Overdue ÷ outstanding × 100, exact (scoring-and-inspection.md §5); 0 when the unit has no outstanding."""
    return Fraction(int(overdue) * 100, int(outstanding)) if outstanding else Fraction(0)


def ratio_display(ratio: Fraction) -> Decimal:
    with localcontext() as context:
        context.prec = 60
        return (Decimal(ratio.numerator) / Decimal(ratio.denominator)).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


def band_for(bands: Sequence[Band], ratio: Fraction) -> Band:
    for band in bands:
        if band.contains(ratio):
            return band
    raise ValueError(f"no band for overdue ratio {float(ratio)}")  # published bands cover [0, ∞): unreachable


def split(total: int, shares: Sequence[Share]) -> list[tuple[Share, int]]:
    """Split ``total`` by the shares (summing to 100 %): floor for every share but the largest, which takes the rest."""
    if not shares:
        return []
    largest = max(range(len(shares)), key=lambda i: (shares[i].share, -i))
    amounts = [percent_of(total, share.share, rounding=ROUND_FLOOR) for share in shares]
    amounts[largest] = total - sum(amount for i, amount in enumerate(amounts) if i != largest)
    return list(zip(shares, amounts, strict=True))


@dataclass(frozen=True)
class ExceptionLine:
    program_code: str
    base: int
    rate: Decimal
    amount: int

    def as_json(self) -> dict:
        return {"program": self.program_code, "base": self.base, "rate": str(self.rate), "amount": self.amount}


@dataclass(frozen=True)
class UnitFacts:
    outstanding: int
    overdue: int
    base_amount: int  # ordinary programs only (exception programs excluded)
    exception_bases: Mapping[str, int] = field(default_factory=dict)  # program code → in-term outstanding


@dataclass(frozen=True)
class UnitFee:
    ratio: Fraction
    band: Band
    fee_before_multiplier: int
    fee_after_multiplier: int
    exception_lines: tuple[ExceptionLine, ...]
    total: int
    shares: tuple[tuple[Share, int], ...]

    @property
    def exception_fee(self) -> int:
        return sum(line.amount for line in self.exception_lines)


def unit_fee(rules: Rules, facts: UnitFacts) -> UnitFee:
    ratio = overdue_ratio(facts.overdue, facts.outstanding)
    band = band_for(rules.bands, ratio)
    before = percent_of(facts.base_amount, rules.base_rate)
    after = percent_of(before, band.multiplier)
    lines = tuple(
        ExceptionLine(rate.program_code, facts.exception_bases.get(rate.program_code, 0), rate.fee_rate,
                      percent_of(facts.exception_bases.get(rate.program_code, 0), rate.fee_rate))
        for rate in rules.program_rates
    )
    total = after + sum(line.amount for line in lines)
    return UnitFee(ratio, band, before, after, lines, total, tuple(split(total, rules.shares)))


@dataclass(frozen=True)
class GroupCommission:
    interest_collected: int
    on_interest: int
    exception_lines: tuple[ExceptionLine, ...]
    total: int

    @property
    def exception_commission(self) -> int:
        return sum(line.amount for line in self.exception_lines)


def group_commission(rules: Rules, interest_collected: int, exception_bases: Mapping[str, int]) -> GroupCommission:
    on_interest = percent_of(interest_collected, rules.commission_rate)
    lines = tuple(
        ExceptionLine(rate.program_code, exception_bases.get(rate.program_code, 0), rate.commission_rate,
                      percent_of(exception_bases.get(rate.program_code, 0), rate.commission_rate))
        for rate in rules.program_rates
    )
    return GroupCommission(interest_collected, on_interest, lines, on_interest + sum(line.amount for line in lines))


def cap_amount(cap_rate: Decimal, outstanding: int) -> int:
    return percent_of(outstanding, cap_rate)


def within_cap(cap_rate: Decimal, outstanding: int, fee: int, commissions: int) -> bool:
    """Fees + commissions ≤ cap % × outstanding, compared exactly (Decision 30/2015/QĐ-TTg)."""
    return Fraction(fee + commissions) * 100 <= Fraction(cap_rate) * outstanding
