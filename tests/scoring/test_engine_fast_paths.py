"""The national-size fast paths of the engine give exactly what the plain Decimal code gives: integer ratios
(``ratio_percent`` on ints), the memoised JSON of ``Scorer.score_encoded``."""

import json
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from tests.scoring.test_engine import LOADED, SPEC, facts_strategy
from uythac.scoring import engine


def _decimal_ratio(numerator, denominator):
    return engine.q2(D(numerator) * 100 / D(denominator))


def test_integer_ratios_by_hand():
    # 1 ÷ 8 = 12.5 % exactly; 1 ÷ 800 = 0.125 % → 0.13 (half up); −1 ÷ 800 → −0.13 (half away from zero).
    assert str(engine.ratio_percent(1, 8)) == "12.50"
    assert str(engine.ratio_percent(1, 800)) == "0.13"
    assert str(engine.ratio_percent(-1, 800)) == "-0.13"
    # A tiny loss rounds to a NEGATIVE zero, as Decimal does (the stored fact text is "-0.00").
    assert str(engine.ratio_percent(-5, 1_000_000)) == "-0.00" == str(_decimal_ratio(-5, 1_000_000))
    assert str(engine.ratio_percent(0, 7)) == "0.00"
    assert str(engine.ratio_percent(3_037_138_000, 3_037_138_000)) == "100.00"
    # National-size amounts: 2,126,000 đ overdue of 3,037,138,000 đ = 0.0700001… % → 0.07.
    assert str(engine.ratio_percent(2_126_000, 3_037_138_000)) == "0.07"
    assert engine.ratio_percent(5, 0) is None


@LOADED
@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(min_value=-(10**15), max_value=10**15))
def test_integer_ratio_equals_decimal_ratio(numerator, denominator):
    if denominator == 0:
        assert engine.ratio_percent(numerator, denominator) is None
        return
    fast = engine.ratio_percent(numerator, denominator)
    assert str(fast) == str(_decimal_ratio(numerator, denominator))


@LOADED
@given(st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=200))
def test_small_count_ratios_equal_decimal_ratios(numerator, denominator):
    assert str(engine.ratio_percent(numerator, denominator)) == str(_decimal_ratio(numerator, denominator))


@LOADED
@given(st.lists(facts_strategy, min_size=1, max_size=5))
def test_score_encoded_is_the_json_of_score(many):
    scorer, plain = engine.Scorer(SPEC), engine.Scorer(SPEC)
    for facts in many + many:
        result, text = scorer.score_encoded(facts)
        expected, dicts = plain.score(facts)
        assert result == expected == engine.score(SPEC, facts)
        assert text == json.dumps(dicts)
        assert json.loads(text) == [c.as_dict() for c in result.contributions]
