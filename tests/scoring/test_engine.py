"""The pure engine: every band edge of the provisional group rubric, the 85/70/50 boundaries, properties."""

from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uythac.scoring import engine
from uythac.scoring.engine import BandSpec, CapSpec, CriterionSpec, RubricSpec

# The shared machine can be slow: generation time is not what these properties check.
LOADED = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
T = dict(good_from=D(85), fair_from=D(70), average_from=D(50))


def higher(code, max_points, bands):
    """HIGHER criterion: bands [lower, upper)."""
    return CriterionSpec(code, code, D(max_points), code,
                         bands=tuple(BandSpec(D(p), None if lo is None else D(lo), None if hi is None else D(hi))
                                     for lo, hi, p in bands))


def lower(code, max_points, bands):
    """LOWER criterion: bands (lower, upper]."""
    return CriterionSpec(code, code, D(max_points), code, direction=engine.LOWER_BETTER,
                         bands=tuple(BandSpec(D(p), None if lo is None else D(lo), None if hi is None else D(hi),
                                              lower_inclusive=False, upper_inclusive=True) for lo, hi, p in bands))


OVERDUE = lower("overdue_ratio", 30, [(None, 1, 30), (1, 2, 25), (2, 3, 18), (3, 5, 10), (5, 10, 4), (10, None, 0)])
SESSION = higher("session", 20, [(100, None, 20), (95, 100, 16), (90, 95, 12), (80, 90, 8), (None, 80, 0)])
GROWTH = higher("growth", 10, [(0, None, 10), (-5, 0, 5), (None, -5, 0)])
REST = higher("rest", 40, [(1, None, 40), (None, 1, 0)])
SPEC = RubricSpec("GROUP", 1, D(100), criteria=(SESSION, OVERDUE, GROWTH, REST), **T)


@pytest.mark.parametrize("value, points", [
    ("0", 30), ("1", 30), ("1.00", 30), ("1.01", 25), ("2", 25), ("2.01", 18), ("3", 18), ("3.01", 10), ("5", 10),
    ("5.01", 4), ("10", 4), ("10.01", 0), ("250", 0),
])
def test_overdue_band_edges_upper_inclusive(value, points):
    assert engine.score_criterion(OVERDUE, D(value)).points == D(points)


@pytest.mark.parametrize("value, points", [
    ("100", 20), ("120", 20), ("99.99", 16), ("95", 16), ("94.99", 12), ("90", 12), ("89.99", 8), ("80", 8),
    ("79.99", 0), ("0", 0),
])
def test_session_band_edges_lower_inclusive(value, points):
    assert engine.score_criterion(SESSION, D(value)).points == D(points)


@pytest.mark.parametrize("value, points", [("0", 10), ("0.01", 10), ("-0.01", 5), ("-5", 5), ("-5.01", 0)])
def test_growth_band_edges(value, points):
    assert engine.score_criterion(GROWTH, D(value)).points == D(points)


@pytest.mark.parametrize("total, grade", [
    ("100", "GOOD"), ("85", "GOOD"), ("84.99", "FAIR"), ("84.9", "FAIR"), ("70", "FAIR"), ("69.99", "AVERAGE"),
    ("50", "AVERAGE"), ("49.99", "WEAK"), ("49.9", "WEAK"), ("0", "WEAK"),
])
def test_grade_boundaries_lower_bound_inclusive(total, grade):
    assert engine.grade_for(D(total), **T) == grade


def test_score_total_contributions_and_better_band():
    result = engine.score(SPEC, {"session": D("96"), "overdue_ratio": D("2.5"), "growth": D("3"), "rest": D("1")})
    assert [c.points for c in result.contributions] == [D(16), D(18), D(10), D(40)]
    assert result.total == D(84) and result.grade == "FAIR"
    overdue = result.contributions[1]
    assert overdue.lost == D(12) and overdue.band == 2 and overdue.explanation == "band"
    # The next band up: overdue ≤ 2 % gives 25 points (+7).
    assert overdue.better_band == (1, D(7), D(2))
    session = result.contributions[0]
    assert session.better_band == (0, D(4), D(100))
    assert result.contributions[2].explanation == "full" and result.contributions[2].better_band is None


def test_missing_fact_scores_missing_points():
    result = engine.score(SPEC, {"session": D("100"), "overdue_ratio": None, "growth": D(0), "rest": D(5)})
    missing = result.contributions[1]
    assert missing.points == 0 and missing.explanation == "missing_fact" and missing.fact is None
    assert result.total == D(70) and result.grade == "FAIR"


def test_cap_lowers_total():
    capped = RubricSpec("GROUP", 1, D(100), criteria=SPEC.criteria,
                        caps=(CapSpec("overdue_ratio", D(20), D("69.99")),), **T)
    facts = {"session": D(100), "overdue_ratio": D(25), "growth": D(1), "rest": D(2)}
    result = engine.score(capped, facts)
    assert result.raw_total == D(70) and result.total == D("69.99") and result.grade == "AVERAGE"
    assert engine.score(capped, {**facts, "overdue_ratio": D(0)}).total == D(100)


def test_ratio_percent_rounds_half_up():
    assert engine.ratio_percent(1, 3) == D("33.33")
    assert engine.ratio_percent(2, 3) == D("66.67")
    assert engine.ratio_percent(1, 8) == D("12.50")
    assert engine.ratio_percent(1, 0) is None and engine.ratio_percent(1, 0, empty=D(100)) == D(100)


def test_valid_spec_has_no_problems():
    assert engine.rubric_problems(SPEC) == []


@pytest.mark.parametrize("spec, code", [
    (RubricSpec("GROUP", 1, D(90), criteria=SPEC.criteria, **T), "points_sum"),
    (RubricSpec("GROUP", 1, D(100), criteria=SPEC.criteria, good_from=D(70), fair_from=D(85), average_from=D(50)),
     "thresholds_order"),
    (RubricSpec("GROUP", 1, D(100), criteria=SPEC.criteria, good_from=D(101), fair_from=D(85), average_from=D(50)),
     "thresholds_order"),
    (RubricSpec("GROUP", 1, D(100), criteria=(higher("a", 60, [(0, None, 60), (None, 1, 0)]), REST), **T),
     "band_overlap"),
    (RubricSpec("GROUP", 1, D(100), criteria=(higher("a", 60, [(5, None, 60), (None, 1, 0)]), REST), **T),
     "band_gap"),
    (RubricSpec("GROUP", 1, D(100), criteria=(higher("a", 60, [(5, None, 60)]), REST), **T), "band_gap"),
    (RubricSpec("GROUP", 1, D(100), criteria=(higher("a", 60, [(5, None, 70), (None, 5, 0)]), REST), **T),
     "band_points_out_of_range"),
    (RubricSpec("GROUP", 1, D(100), criteria=(higher("a", 60, [(5, None, 50), (None, 5, 0)]), REST), **T),
     "band_max_unreachable"),
    (RubricSpec("GROUP", 1, D(100), criteria=(
        CriterionSpec("a", "a", D(60), "a", bands=(BandSpec(D(60), D(1), None, lower_inclusive=False),
                                                  BandSpec(D(0), None, D(1), upper_inclusive=False))), REST), **T),
     "band_gap"),
    (RubricSpec("GROUP", 1, D(100), criteria=(
        CriterionSpec("a", "a", D(60), "a", bands=(BandSpec(D(60), D(1), None),
                                                  BandSpec(D(0), None, D(1), upper_inclusive=True))), REST), **T),
     "band_overlap"),
])
def test_problems(spec, code):
    assert code in [c for c, _params in engine.rubric_problems(spec)]


facts_strategy = st.fixed_dictionaries({
    "session": st.decimals(min_value=0, max_value=120, places=2),
    "overdue_ratio": st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)),
    "growth": st.decimals(min_value=-100, max_value=100, places=2),
    "rest": st.decimals(min_value=0, max_value=5, places=2),
})


@LOADED
@given(facts_strategy)
def test_total_is_sum_of_contributions(facts):
    result = engine.score(SPEC, facts)
    assert result.total == sum(c.points for c in result.contributions)
    assert all(D(0) <= c.points <= c.max_points for c in result.contributions)
    assert result.grade == engine.grade_for(result.total, **T)


@LOADED
@given(st.decimals(min_value=0, max_value=100, places=2), st.decimals(min_value=0, max_value=100, places=2))
def test_grade_monotone_in_total(a, b):
    order = {g: i for i, g in enumerate(reversed(engine.GRADES))}  # WEAK 0 … GOOD 3
    low, high = sorted((a, b))
    assert order[engine.grade_for(low, **T)] <= order[engine.grade_for(high, **T)]


@LOADED
@given(st.decimals(min_value=0, max_value=50, places=2), st.decimals(min_value=0, max_value=50, places=2))
def test_lower_overdue_never_scores_less(a, b):
    low, high = sorted((a, b))
    assert engine.score_criterion(OVERDUE, low).points >= engine.score_criterion(OVERDUE, high).points


@LOADED
@given(st.lists(facts_strategy, min_size=1, max_size=5))
def test_memoising_scorer_equals_score(many):
    scorer = engine.Scorer(SPEC)
    for facts in many + many:
        result, dicts = scorer.score(facts)
        assert result == engine.score(SPEC, facts)
        assert dicts == [c.as_dict() for c in result.contributions]
