"""The scoring engine: (rubric spec, facts) → total, grade and per-criterion contributions. Pure Python, no Django.

A rubric spec is plain data (``RubricSpec``: criteria with their bands, caps, grade thresholds); the database models
in ``uythac.scoring.models`` turn themselves into one. Facts are a mapping fact key → ``Decimal`` (or ``None`` when
the fact is not available: the criterion then scores its ``missing_points``, 0 by default, with the explanation key
``missing_fact``).

Rounding (stated, tested): every fact is used as given (the gatherer rounds ratios to 2 places ROUND_HALF_UP);
points of a band are data with at most 2 decimals; the total is the sum of the criteria's points, quantized to
0.01 ROUND_HALF_UP, then lowered to the smallest applicable cap. Grades compare the total with the thresholds,
LOWER BOUND INCLUSIVE (BC0437 formula, scoring-and-inspection.md §1.3): total ≥ good → GOOD, ≥ fair → FAIR,
≥ average → AVERAGE, else WEAK (49.99 → WEAK, 50 → AVERAGE, 84.99 → FAIR, 85 → GOOD).

``rubric_problems`` lists what makes a spec unpublishable (points not summing to the total, bands overlapping or
leaving gaps, band points above the criterion's maximum, thresholds out of order) as stable codes with parameters;
the service layer turns them into Vietnamese messages.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")

GOOD, FAIR, AVERAGE, WEAK = "GOOD", "FAIR", "AVERAGE", "WEAK"
GRADES = (GOOD, FAIR, AVERAGE, WEAK)
HIGHER_BETTER, LOWER_BETTER = "HIGHER", "LOWER"


def q2(value) -> Decimal:
    """Two decimals, ROUND_HALF_UP (the rounding of every figure the engine produces)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


#: Hundredths → Decimal with 2 places, filled as met (ratios repeat: 0.00, 100.00 …).
_CENTS: dict[int, Decimal] = {}
_NEGATIVE_ZERO = Decimal("-0.00")


def ratio_percent(numerator: int, denominator: int, *, empty: Decimal | None = None) -> Decimal | None:
    """numerator ÷ denominator × 100 as a Decimal with 2 places ROUND_HALF_UP; ``empty`` when the denominator is 0.

    Integers (every count and VND amount) are rounded in exact integer arithmetic — hundredths of a percent =
    |n| × 10,000 ÷ |d| rounded half away from zero — and the Decimal comes from a cache: the same value as
    ``q2(Decimal(n) * 100 / Decimal(d))`` (a fraction with a denominator below 10¹⁸ never lies within 10⁻²⁶ of a
    rounding boundary without being on it, so the 28-digit Decimal division cannot round differently), 4× faster
    for the 1 million ratios of a national run. Other types take the Decimal path."""
    if not denominator:
        return empty
    if type(numerator) is int and type(denominator) is int:
        scaled, divisor = abs(numerator) * 10000, abs(denominator)
        cents = (2 * scaled + divisor) // (2 * divisor)
        if (numerator < 0) != (denominator < 0):
            if not cents:
                return _NEGATIVE_ZERO  # what Decimal gives: −1 ÷ 10⁶ → "-0.00"
            cents = -cents
        found = _CENTS.get(cents)
        if found is None:
            found = _CENTS[cents] = Decimal(cents).scaleb(-2)
        return found
    return q2(Decimal(numerator) * 100 / Decimal(denominator))


@dataclass(frozen=True)
class BandSpec:
    """Points earned when ``lower (≤ or <) fact (≤ or <) upper``; ``None`` bounds are open (−∞ / +∞)."""

    points: Decimal
    lower: Decimal | None = None
    upper: Decimal | None = None
    lower_inclusive: bool = True
    upper_inclusive: bool = False

    def contains(self, value: Decimal) -> bool:
        if self.lower is not None and (value < self.lower or (value == self.lower and not self.lower_inclusive)):
            return False
        return self.upper is None or value < self.upper or (value == self.upper and self.upper_inclusive)


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    name: str
    max_points: Decimal
    fact_key: str
    direction: str = HIGHER_BETTER
    bands: tuple[BandSpec, ...] = ()
    missing_points: Decimal = ZERO


@dataclass(frozen=True)
class CapSpec:
    """When ``fact ≥ threshold`` (or ``≤`` for LOWER direction … see ``applies``) the total is at most ``max_total``."""

    fact_key: str
    threshold: Decimal
    max_total: Decimal
    at_or_above: bool = True

    def applies(self, value: Decimal | None) -> bool:
        if value is None:
            return False
        return value >= self.threshold if self.at_or_above else value <= self.threshold


@dataclass(frozen=True)
class RubricSpec:
    subject: str
    version: int
    total_points: Decimal
    good_from: Decimal
    fair_from: Decimal
    average_from: Decimal
    criteria: tuple[CriterionSpec, ...]
    caps: tuple[CapSpec, ...] = ()


@dataclass(frozen=True)
class Contribution:
    code: str
    fact_key: str
    fact: Decimal | None
    points: Decimal
    max_points: Decimal
    band: int | None  # index of the band hit, None when the fact is missing or no band contains it
    explanation: str  # "full", "band", "missing_fact", "no_band"
    #: The nearest band worth more points: (index, points gained, the bound to reach) — for "what would win it back".
    better_band: tuple[int, Decimal, Decimal | None] | None = None

    @property
    def lost(self) -> Decimal:
        return self.max_points - self.points

    def as_dict(self) -> dict:
        better = None
        if self.better_band is not None:
            index, gain, bound = self.better_band
            better = {"band": index, "gain": str(gain), "bound": None if bound is None else str(bound)}
        return {
            "code": self.code, "fact_key": self.fact_key, "fact": None if self.fact is None else str(self.fact),
            "points": str(self.points), "max": str(self.max_points), "lost": str(self.lost), "band": self.band,
            "explanation": self.explanation, "better": better,
        }


@dataclass(frozen=True)
class ScoreResult:
    total: Decimal
    grade: str
    contributions: tuple[Contribution, ...]
    raw_total: Decimal = ZERO
    cap: CapSpec | None = field(default=None)


def grade_for(total: Decimal, *, good_from: Decimal, fair_from: Decimal, average_from: Decimal) -> str:
    """Lower bounds inclusive (BC0437)."""
    if total >= good_from:
        return GOOD
    if total >= fair_from:
        return FAIR
    if total >= average_from:
        return AVERAGE
    return WEAK


def _better_band(criterion: CriterionSpec, points: Decimal,
                 value: Decimal) -> tuple[int, Decimal, Decimal | None] | None:
    """The band worth more points that lies nearest to ``value`` (the next step up), with the bound to reach."""
    best = None
    for index, band in enumerate(criterion.bands):
        if band.points <= points:
            continue
        if band.lower is not None and value < band.lower:
            distance, bound = band.lower - value, band.lower
        elif band.upper is not None and value > band.upper:
            distance, bound = value - band.upper, band.upper
        else:
            distance, bound = ZERO, None
        key = (distance, -band.points)
        if best is None or key < best[0]:
            best = (key, index, band.points - points, bound)
    return None if best is None else (best[1], best[2], best[3])


def score_criterion(criterion: CriterionSpec, value: Decimal | None) -> Contribution:
    if value is None:
        points = q2(criterion.missing_points)
        return Contribution(criterion.code, criterion.fact_key, None, points, criterion.max_points, None,
                            "missing_fact")
    for index, band in enumerate(criterion.bands):
        if band.contains(value):
            points = q2(band.points)
            explanation = "full" if points >= criterion.max_points else "band"
            better = None if explanation == "full" else _better_band(criterion, points, value)
            return Contribution(criterion.code, criterion.fact_key, value, points, criterion.max_points, index,
                                explanation, better)
    return Contribution(criterion.code, criterion.fact_key, value, ZERO, criterion.max_points, None, "no_band",
                        _better_band(criterion, ZERO, value))


def score(spec: RubricSpec, facts: Mapping[str, Decimal | None]) -> ScoreResult:
    contributions = tuple(score_criterion(c, _fact(facts, c.fact_key)) for c in spec.criteria)
    raw_total = q2(sum((c.points for c in contributions), ZERO))
    total, applied = raw_total, None
    for cap in spec.caps:
        if cap.applies(_fact(facts, cap.fact_key)) and cap.max_total < total:
            total, applied = q2(cap.max_total), cap
    grade = grade_for(total, good_from=spec.good_from, fair_from=spec.fair_from, average_from=spec.average_from)
    return ScoreResult(total, grade, contributions, raw_total, applied)


class Scorer:
    """``score`` for many subjects with one spec: each criterion's contribution (and its serialised form) is computed
    once per distinct fact value — most groups share their values (0 % overdue, 100 % collected…), which makes a
    national run several times faster. Same results as ``score``."""

    def __init__(self, spec: RubricSpec):
        self.spec = spec
        # Per criterion: fact value → (contribution, its dict, its JSON text).
        self._memo: list[dict[Decimal | None, tuple[Contribution, dict, str]]] = [{} for _c in spec.criteria]
        self._keys = [(criterion, criterion.fact_key, memo) for criterion, memo in zip(spec.criteria, self._memo,
                                                                                       strict=True)]

    def _contributions(self, facts: Mapping[str, Decimal | None]) -> list[tuple[Contribution, dict, str]]:
        found = []
        for criterion, key, memo in self._keys:
            value = facts.get(key)
            if value is not None and not isinstance(value, Decimal):
                value = _fact(facts, key)
            hit = memo.get(value)
            if hit is None:
                contribution = score_criterion(criterion, value)
                as_dict = contribution.as_dict()
                hit = memo[value] = (contribution, as_dict, json.dumps(as_dict))
            found.append(hit)
        return found

    def score(self, facts: Mapping[str, Decimal | None]) -> tuple[ScoreResult, list[dict]]:
        """The result and the contributions as ``Contribution.as_dict`` (shared dicts: do not mutate them)."""
        found = self._contributions(facts)
        return self._result(facts, [hit[0] for hit in found]), [hit[1] for hit in found]

    def score_encoded(self, facts: Mapping[str, Decimal | None]) -> tuple[ScoreResult, str]:
        """The result and the contributions as JSON text — ``json.dumps`` of the list ``score`` returns, built from
        each contribution's text encoded once (encoding the same dicts 166,000 times cost seconds nationally)."""
        found = self._contributions(facts)
        return self._result(facts, [hit[0] for hit in found]), "[" + ", ".join(hit[2] for hit in found) + "]"

    def _result(self, facts: Mapping[str, Decimal | None], contributions: list[Contribution]) -> ScoreResult:
        spec = self.spec
        raw_total = q2(sum((c.points for c in contributions), ZERO))
        total, applied = raw_total, None
        for cap in spec.caps:
            if cap.applies(_fact(facts, cap.fact_key)) and cap.max_total < total:
                total, applied = q2(cap.max_total), cap
        grade = grade_for(total, good_from=spec.good_from, fair_from=spec.fair_from, average_from=spec.average_from)
        return ScoreResult(total, grade, tuple(contributions), raw_total, applied)


def _fact(facts: Mapping[str, Decimal | None], key: str) -> Decimal | None:
    value = facts.get(key)
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


# --- validation --------------------------------------------------------------------------------------------------

def _lower_key(band: BandSpec):
    # −∞ first; at equal bounds an inclusive lower bound starts earlier than an exclusive one.
    return (band.lower is not None, band.lower if band.lower is not None else ZERO, not band.lower_inclusive)


def band_problems(criterion: CriterionSpec) -> list[tuple[str, dict]]:
    """Bands of one criterion must cover −∞…+∞ exactly once: sorted by lower bound, each band must start where the
    previous one ended, with exactly one of the two touching bounds inclusive."""
    problems: list[tuple[str, dict]] = []
    params = {"criterion": criterion.code}
    if not criterion.bands:
        return [("no_bands", params)]
    for band in criterion.bands:
        if band.points < 0 or band.points > criterion.max_points:
            problems.append(("band_points_out_of_range", {**params, "points": band.points,
                                                          "max": criterion.max_points}))
        closed = band.lower_inclusive and band.upper_inclusive
        if band.lower is not None and band.upper is not None and (
            band.lower > band.upper or (band.lower == band.upper and not closed)
        ):
            problems.append(("band_empty", {**params, "lower": band.lower, "upper": band.upper}))
    if problems:
        return problems
    ordered = sorted(criterion.bands, key=_lower_key)
    if ordered[0].lower is not None:
        problems.append(("band_gap", {**params, "at": "-∞"}))
    for previous, band in zip(ordered, ordered[1:], strict=False):
        if previous.upper is None:
            problems.append(("band_overlap", {**params, "at": band.lower}))
            continue
        if band.lower is None or band.lower < previous.upper:
            problems.append(("band_overlap", {**params, "at": band.lower if band.lower is not None else "-∞"}))
        elif band.lower > previous.upper:
            problems.append(("band_gap", {**params, "at": previous.upper}))
        elif previous.upper_inclusive and band.lower_inclusive:
            problems.append(("band_overlap", {**params, "at": band.lower}))
        elif not previous.upper_inclusive and not band.lower_inclusive:
            problems.append(("band_gap", {**params, "at": band.lower}))
    if ordered[-1].upper is not None:
        problems.append(("band_gap", {**params, "at": ordered[-1].upper}))
    # The best band must reach the maximum points: otherwise the criterion can never be full.
    if max(b.points for b in criterion.bands) != criterion.max_points:
        problems.append(("band_max_unreachable", {**params, "max": criterion.max_points}))
    return problems


def rubric_problems(spec: RubricSpec) -> list[tuple[str, dict]]:
    problems: list[tuple[str, dict]] = []
    if not spec.criteria:
        problems.append(("no_criteria", {}))
    total = sum((c.max_points for c in spec.criteria), ZERO)
    if total != spec.total_points:
        problems.append(("points_sum", {"sum": total, "total": spec.total_points}))
    codes = [c.code for c in spec.criteria]
    if len(set(codes)) != len(codes):
        problems.append(("duplicate_criterion", {}))
    if not (spec.total_points >= spec.good_from > spec.fair_from > spec.average_from > 0):
        problems.append(("thresholds_order", {"good": spec.good_from, "fair": spec.fair_from,
                                              "average": spec.average_from, "total": spec.total_points}))
    for criterion in spec.criteria:
        problems.extend(band_problems(criterion))
    return problems
