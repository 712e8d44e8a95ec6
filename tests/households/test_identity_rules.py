"""Pure identity rules: CCCD structure (property-based), ethnicities."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uythac.core.exceptions import DomainError
from uythac.core.identifiers import CCCD_PROVINCE_CODES, cccd_century_digit, check_cccd
from uythac.households.ethnicities import ETHNIC_GROUPS, ETHNICITY_CHOICES, ethnicity_official_name
from uythac.households.validation import clean_national_id

PROVINCES = sorted(CCCD_PROVINCE_CODES)


@st.composite
def citizens(draw):
    """A person born 1900–2099 with a CCCD built by the rule: province, century/gender digit, year, serial."""
    birth_date = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
    gender = draw(st.sampled_from(["M", "F"]))
    province = draw(st.sampled_from(PROVINCES))
    serial = draw(st.integers(min_value=0, max_value=999_999))
    number = f"{province}{cccd_century_digit(birth_date, gender == 'F')}{birth_date.year % 100:02d}{serial:06d}"
    return number, birth_date, gender


@given(citizens())
def test_any_well_formed_cccd_passes(citizen):
    number, birth_date, gender = citizen
    assert check_cccd(number, birth_date=birth_date, female=gender == "F") is None
    assert clean_national_id(number, birth_date=birth_date, gender=gender) == number


@given(citizens(), st.sampled_from("0123456789"))
def test_an_inconsistent_fourth_digit_fails(citizen, digit):
    number, birth_date, gender = citizen
    if digit == number[3]:
        return
    wrong = number[:3] + digit + number[4:]
    assert check_cccd(wrong, birth_date=birth_date, female=gender == "F") == "gender_century_mismatch"
    with pytest.raises(DomainError) as info:
        clean_national_id(wrong, birth_date=birth_date, gender=gender)
    assert info.value.message_dict == {
        "national_id": ["Chữ số thứ 4 của CCCD không khớp với giới tính và năm sinh."]
    }


@given(citizens(), st.integers(min_value=0, max_value=99))
def test_other_birth_year_digits_fail(citizen, year_digits):
    number, birth_date, gender = citizen
    if year_digits == birth_date.year % 100:
        return
    wrong = f"{number[:4]}{year_digits:02d}{number[6:]}"
    with pytest.raises(DomainError) as info:
        clean_national_id(wrong, birth_date=birth_date, gender=gender)
    assert info.value.message_dict == {
        "national_id": [
            f"Chữ số thứ 5 và 6 của CCCD ({year_digits:02d}) không khớp với năm sinh {birth_date.year}."
        ]
    }


def test_century_digit_table():
    assert [cccd_century_digit(dt.date(y, 1, 1), f) for y in (1950, 2005) for f in (False, True)] == [
        "0", "1", "2", "3"
    ]


def test_cccd_without_birth_date_checks_only_the_structure():
    assert clean_national_id("001180000123", birth_date=None, gender="M") == "001180000123"
    assert clean_national_id("", birth_date=None, gender="M") == ""


def test_the_list_has_the_54_ethnic_groups_once_each():
    assert len(ETHNIC_GROUPS) == 54
    assert len(set(ETHNIC_GROUPS)) == 54
    assert ETHNIC_GROUPS[0] == "Kinh" and ETHNIC_GROUPS[-1] == "Rơ Măm"
    assert ETHNICITY_CHOICES[4] == ("Khmer", "Khmer")
    assert all(ethnicity_official_name(name) == name for name in ETHNIC_GROUPS)


@pytest.mark.parametrize(
    "typed, official",
    [
        ("kinh", "Kinh"),
        ("Việt", "Kinh"),
        ("Khơ-me", "Khmer"),
        ("H'Mông", "Mông"),
        ("HMông", "Mông"),
        ("Ê-đê", "Ê Đê"),
        ("ede", "Ê Đê"),
        ("Ra-glai", "Raglay"),
        ("Gia-rai", "Gia Rai"),
        ("Bru-Vân Kiều", "Bru Vân Kiều"),
        ("  thái ", "Thái"),
        ("Tày", "Tày"),
        ("Cơ-ho", "Cơ Ho"),
    ],
)
def test_common_spellings_map_to_the_official_name(typed, official):
    assert ethnicity_official_name(typed) == official


@pytest.mark.parametrize("typed", ["", "Klingon", "Kinhh", "Thai Lan"])
def test_unknown_ethnicity_is_none(typed):
    assert ethnicity_official_name(typed) is None
