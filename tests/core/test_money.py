"""Integer VND helpers: exact conversion, the one rounding rule, the installment split (no database)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uythac.core.money import (
    ROUNDING_RULE,
    MoneyError,
    require_positive_vnd,
    round_vnd,
    split_evenly,
    to_vnd,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(20_000_000, 20_000_000), ("20000000", 20_000_000), (" 5000 ", 5000), (Decimal("1000.000"), 1000), (0, 0)],
)
def test_to_vnd_accepts_whole_dong(value, expected):
    assert to_vnd(value) == expected
    assert type(to_vnd(value)) is int


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (1.0, "not_integer_vnd"),
        (True, "not_integer_vnd"),
        ("abc", "not_integer_vnd"),
        (Decimal("NaN"), "not_integer_vnd"),
        (Decimal("1.5"), "not_whole_dong"),
        ("0.01", "not_whole_dong"),
        (None, "not_integer_vnd"),
    ],
)
def test_to_vnd_refuses(value, code):
    with pytest.raises(MoneyError) as exc:
        to_vnd(value)
    assert exc.value.code == code


def test_require_positive_vnd():
    assert require_positive_vnd("1") == 1
    for bad in (0, -5, "0"):
        with pytest.raises(MoneyError) as exc:
            require_positive_vnd(bad)
        assert exc.value.code == "amount_not_positive"


def test_rounding_rule_is_named():
    assert ROUNDING_RULE == "HALF_UP_DONG"
    assert "PROVISIONAL" in round_vnd.__doc__


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("105731.5068"), 105_732),
        (Decimal("105731.5"), 105_732),  # an exact half goes up
        (Decimal("105731.4999"), 105_731),
        (Decimal("0.5"), 1),
        (Decimal("-0.5"), -1),  # away from zero
        (Decimal("-2.4"), -2),
        (Fraction(7_718_400, 73), 105_732),  # 38,592,000 / 365 = 105,731.506…
        (Fraction(1, 2), 1),
        (Fraction(-3, 2), -2),
        (Fraction(49_999, 100_000), 0),
        (42, 42),
    ],
)
def test_round_vnd_half_up(amount, expected):
    assert round_vnd(amount) == expected


@pytest.mark.parametrize("bad", [0.5, True, Decimal("Infinity"), "1"])
def test_round_vnd_refuses_inexact(bad):
    with pytest.raises(MoneyError) as exc:
        round_vnd(bad)
    assert exc.value.code == "not_exact_amount"


@pytest.mark.parametrize(
    ("total", "parts", "unit", "expected"),
    [
        (10_000_000, 3, 100_000, [3_300_000, 3_300_000, 3_400_000]),
        (20_000_000, 5, 100_000, [4_000_000] * 5),
        (25_000_000, 6, 100_000, [4_100_000] * 5 + [4_500_000]),  # 25,000,000/6 = 4,166,666 → 4,100,000
        (7_777_777, 1, 100_000, [7_777_777]),
        (250_000, 3, 100_000, [0, 0, 250_000]),  # below the unit: only the last carries money
        (1_000_000, 3, 1, [333_333, 333_333, 333_334]),
        (0, 2, 100_000, [0, 0]),
    ],
)
def test_split_evenly_table(total, parts, unit, expected):
    assert split_evenly(total, parts, unit=unit) == expected


@pytest.mark.parametrize(
    ("total", "parts", "unit", "code"),
    [
        (-1, 2, 100_000, "amount_negative"),
        (1000, 0, 100_000, "parts_not_positive"),
        (1000, 2, 0, "unit_not_positive"),
        (1000.0, 2, 100_000, "not_integer_vnd"),
    ],
)
def test_split_evenly_refuses(total, parts, unit, code):
    with pytest.raises(MoneyError) as exc:
        split_evenly(total, parts, unit=unit)
    assert exc.value.code == code


@given(
    total=st.integers(min_value=0, max_value=10**12),
    parts=st.integers(min_value=1, max_value=240),
    unit=st.sampled_from([1, 1_000, 10_000, 100_000, 1_000_000]),
)
def test_split_evenly_properties(total, parts, unit):
    result = split_evenly(total, parts, unit=unit)
    assert len(result) == parts
    assert sum(result) == total
    assert all(part >= 0 for part in result)
    assert all(part % unit == 0 for part in result[:-1])
    assert len(set(result[:-1])) <= 1
    assert result[-1] >= result[0]
    # rounding DOWN: the regular part never exceeds the exact share, and is within one unit of it
    assert result[0] * parts <= total
    assert total - result[0] * parts < unit * parts


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False))
def test_round_vnd_is_within_half_a_dong(amount):
    rounded = round_vnd(amount)
    assert abs(Decimal(rounded) - amount) <= Decimal("0.5")
    assert round_vnd(Fraction(amount)) == rounded
