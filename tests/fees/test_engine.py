"""The fee engine: hand-computed examples for each multiplier band and both edges, rounding, split, properties."""

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uythac.fees import engine

BANDS = (engine.Band(D(0), D(2), D(100)), engine.Band(D(2), D(3), D(80)), engine.Band(D(3), D(4), D(50)),
         engine.Band(D(4), None, D(0)))
SHARES = (engine.Share("COMMUNE", D(84)), engine.Share("DISTRICT", D(9)), engine.Share("PROVINCE", D("4.5")),
          engine.Share("CENTRAL", D("2.5")))
NOXH = engine.ProgramRate("12", D("0.003"), D("0.005"))
RULES = engine.Rules(D("0.032"), D("11.5"), BANDS, SHARES, (NOXH,), D("0.125"))


# Unit: outstanding 1 000 000 000, base (loans with interest collected) 800 000 000 → 800e6 × 0.032 % = 256 000.
@pytest.mark.parametrize(("overdue", "multiplier", "fee"), [
    (0, 100, 256_000),
    (19_900_000, 100, 256_000),  # 1.99 %
    (20_000_000, 80, 204_800),  # 2 %: 256 000 × 80 %
    (29_900_000, 80, 204_800),  # 2.99 %
    (30_000_000, 50, 128_000),  # 3 %
    (39_900_000, 50, 128_000),  # 3.99 %
    (40_000_000, 0, 0),  # 4 %
    (150_000_000, 0, 0),  # 15 %
])
def test_unit_fee_for_each_band_and_edge(overdue, multiplier, fee):
    result = engine.unit_fee(RULES, engine.UnitFacts(1_000_000_000, overdue, 800_000_000))
    assert result.fee_before_multiplier == 256_000
    assert result.band.multiplier == multiplier
    assert result.fee_after_multiplier == fee == result.total


def test_ratio_just_below_an_edge_is_not_rounded_into_the_next_band():
    # 19 999 999 / 1 000 000 000 = 1.9999999 %: still < 2 %, shown 2.0000 after rounding to 4 places.
    result = engine.unit_fee(RULES, engine.UnitFacts(1_000_000_000, 19_999_999, 800_000_000))
    assert result.band.multiplier == 100
    assert engine.ratio_display(result.ratio) == D("2.0000")


def test_each_line_is_rounded_half_up():
    # 1 564 063 × 0.032 % = 500.50016 → 501; then 501 × 80 % = 400.8 → 401.
    result = engine.unit_fee(RULES, engine.UnitFacts(100_000_000, 2_000_000, 1_564_063))
    assert (result.fee_before_multiplier, result.fee_after_multiplier) == (501, 401)
    # 1 564 062 × 0.032 % = 500.49984 → 500.
    assert engine.percent_of(1_564_062, D("0.032")) == 500
    # Exactly half: 100 × 11.5 % = 11.5 → 12; 300 × 50 % of 1 = 0.5 → 1.
    assert engine.percent_of(100, D("11.5")) == 12
    assert engine.percent_of(1, D(50)) == 1


def test_split_between_levels_by_hand():
    # 256 000: district 9 % = 23 040, province 4.5 % = 11 520, central 2.5 % = 6 400, commune the rest 215 040.
    assert [amount for _s, amount in engine.split(256_000, SHARES)] == [215_040, 23_040, 11_520, 6_400]
    # 204 801: 18 432.09 → 18 432, 9 216.045 → 9 216, 5 120.025 → 5 120; commune 204 801 − 32 768 = 172 033.
    assert [amount for _s, amount in engine.split(204_801, SHARES)] == [172_033, 18_432, 9_216, 5_120]


def test_noxh_rates():
    # NOXH in-term outstanding 500 000 000: 0.003 % → 15 000 to the commune association (no multiplier);
    # 0.005 % → 25 000 commission to the group.
    result = engine.unit_fee(RULES, engine.UnitFacts(1_500_000_000, 60_000_000, 800_000_000, {"12": 500_000_000}))
    assert result.band.multiplier == 0  # 4 %: the ordinary fee is lost …
    assert result.exception_fee == 15_000 and result.total == 15_000  # … the NOXH line is not
    commission = engine.group_commission(RULES, 1_234_567, {"12": 500_000_000})
    # 1 234 567 × 11.5 % = 141 975.205 → 141 975; + 25 000.
    assert (commission.on_interest, commission.exception_commission, commission.total) == (141_975, 25_000, 166_975)


def test_cap_check_is_exact():
    # 0.125 % of 1 000 000 = 1 250: 1 250 is within, 1 251 is not.
    assert engine.within_cap(D("0.125"), 1_000_000, 1_000, 250)
    assert not engine.within_cap(D("0.125"), 1_000_000, 1_000, 251)
    assert engine.cap_amount(D("0.125"), 1_000_000) == 1_250


def test_no_outstanding_means_ratio_zero():
    assert engine.overdue_ratio(0, 0) == Fraction(0)


money = st.integers(min_value=0, max_value=10**13)
percent = st.decimals(min_value=0, max_value=100, places=4)


@given(total=money, a=percent, b=percent)
def test_split_shares_always_sum_to_the_fee(total, a, b):
    first = min(a, 100 - b) if a + b > 100 else a
    shares = (engine.Share("COMMUNE", 100 - first - b if first + b <= 100 else D(0)), engine.Share("DISTRICT", first),
              engine.Share("PROVINCE", b if first + b <= 100 else 100 - first))
    assert sum(s.share for s in shares) == 100
    parts = engine.split(total, shares)
    assert sum(amount for _s, amount in parts) == total
    assert all(amount >= 0 for _s, amount in parts)


@given(outstanding=st.integers(min_value=1, max_value=10**12), base_share=st.integers(0, 100),
       low=st.integers(0, 10**12), high=st.integers(0, 10**12))
def test_fee_is_non_increasing_in_the_overdue_ratio(outstanding, base_share, low, high):
    low, high = sorted((low % (outstanding + 1), high % (outstanding + 1)))
    base = outstanding * base_share // 100
    better = engine.unit_fee(RULES, engine.UnitFacts(outstanding, low, base))
    worse = engine.unit_fee(RULES, engine.UnitFacts(outstanding, high, base))
    assert worse.total <= better.total
