import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uythac.core.identifiers import check_cccd, normalize_phone
from uythac.synthetic import names, people
from uythac.synthetic.plan import apportion, group_sizes


@given(
    groups=st.integers(1, 400),
    small_share=st.floats(0, 1),
    fill=st.floats(0, 1),
    seed=st.integers(0, 10**6),
)
def test_group_sizes_hit_every_target_exactly(groups, small_share, fill, seed):
    small = round(groups * small_share)
    lowest = small * 5 + (groups - small) * 20
    highest = small * 19 + (groups - small) * 60
    households = lowest + round((highest - lowest) * fill)
    sizes = group_sizes(random.Random(seed), groups=groups, households=households, small_groups=small,
                        minimum=5, maximum=60)
    assert len(sizes) == groups
    assert sum(sizes) == households
    assert sum(size < 20 for size in sizes) == small
    assert all(5 <= size <= 60 for size in sizes)


def test_group_sizes_refuse_impossible_targets():
    with pytest.raises(ValueError, match="cannot fill"):
        group_sizes(random.Random(1), groups=10, households=49, small_groups=10, minimum=5, maximum=60)
    with pytest.raises(ValueError, match="cannot fill"):
        group_sizes(random.Random(1), groups=10, households=601, small_groups=0, minimum=5, maximum=60)
    with pytest.raises(ValueError, match="inconsistent"):
        group_sizes(random.Random(1), groups=3, households=60, small_groups=4, minimum=5, maximum=60)


@given(total=st.integers(0, 10_000), weights=st.lists(st.floats(0.01, 10), min_size=1, max_size=60))
def test_apportion_keeps_the_total(total, weights):
    shares = apportion(total, weights)
    assert sum(shares) == total
    assert all(share >= 0 for share in shares)


def test_apportion_is_proportional():
    assert apportion(10, [1, 1, 2]) == [3, 2, 5]
    assert apportion(0, [1, 2]) == [0, 0]


@pytest.mark.parametrize(
    ("born", "issued", "expires"),
    [
        (dt.date(2000, 5, 10), dt.date(2021, 3, 1), dt.date(2025, 5, 10)),  # before 23: valid to 25
        (dt.date(2000, 5, 10), dt.date(2023, 6, 1), dt.date(2040, 5, 10)),  # within 2 years of 25: valid to 40
        (dt.date(1980, 2, 29), dt.date(2003, 1, 20), dt.date(2005, 2, 28)),  # 29 February → 28 February
        (dt.date(1965, 1, 1), dt.date(2021, 1, 20), dt.date(2025, 1, 1)),  # before 58: valid to 60
        (dt.date(1962, 1, 1), dt.date(2021, 1, 20), None),  # at 59: never expires
    ],
)
def test_cccd_expiry_follows_the_renewal_ages(born, issued, expires):
    assert people.cccd_expiry(born=born, issued=issued) == expires


@given(seed=st.integers(0, 10**6), female=st.booleans(), year=st.integers(1935, 2007))
def test_generated_cccd_matches_birth_and_gender(seed, female, year):
    rng = random.Random(seed)
    born = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    number = people.cccd_number(rng, province_code="024", born=born, female=female)
    assert check_cccd(number, birth_date=born, female=female) is None
    issued, expires = people.cccd_dates(rng, born=born, as_of=dt.date(2026, 11, 22))
    assert people.add_years(born, 14) <= issued <= dt.date(2026, 11, 22)
    assert expires is None or expires > issued


@pytest.mark.parametrize("prefix", people.MOBILE_PREFIXES)
def test_every_mobile_prefix_is_valid_for_any_subscriber_number(prefix):
    for digit in "0123456789":
        for tail in ("000000", "555555", "999999"):
            assert normalize_phone(f"{prefix}{digit}{tail}") == f"{prefix}{digit}{tail}"


@given(seed=st.integers(0, 10**6), female=st.booleans(), year=st.integers(1940, 2007),
       ethnicity=st.sampled_from(sorted(names.NAMING_STYLES)))
def test_names_match_gender(seed, female, year, ethnicity):
    name = names.person_name(random.Random(seed), ethnicity=ethnicity, female=female, birth_year=year)
    words = name.split()
    assert 3 <= len(words) <= 4
    assert words[1] != ("Văn" if female else "Thị")


@pytest.mark.parametrize("style", ["ward", "lowland", "upland"])
def test_village_names_are_distinct_within_a_commune(style):
    villages = names.village_names(random.Random(3), 60, style=style)
    assert len(villages) == 60
    assert len({village.name for village in villages}) == 60
    expected_kinds = {"ward": {"TDP"}, "lowland": {"THON"}, "upland": {"THON", "BAN"}}[style]
    assert {village.kind for village in villages} == expected_kinds
