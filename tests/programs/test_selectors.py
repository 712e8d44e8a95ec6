"""Rates, overdue rates, limits and extension limits read from the loaded reference data (programs.md).

Every expected value is computed by hand from programs.md §1–§3.
"""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.programs.helpers import D, dec
from uythac.core.exceptions import DomainError
from uythac.programs.models import LimitKind
from uythac.programs.selectors import (
    RateSegment,
    extension_limit_months,
    extension_limit_on,
    limit_on,
    overdue_rate_on,
    overdue_rate_segments,
    rate_on,
    rate_segments,
    rate_timeline,
)

pytestmark = pytest.mark.django_db

HANOI = "01"  # in the 22 provinces of Decision 2654/QĐ-TTg
KHANH_HOA = "56"  # in the 4 provinces of Decision 2731/QĐ-TTg (Resolution 380/NQ-CP)
HCMC = "79"  # in neither


# --- Decision 2553/QĐ-TTg: the cut of 01/12/2025 ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("program", "category", "before", "after"),
    [
        ("01", None, "6.6", "6.24"),
        ("02", None, "6.6", "6.24"),
        ("04", None, "6.6", "6.24"),
        ("26", None, "6.6", "6.24"),
        ("19", None, "7.92", "7.488"),
        ("03", None, "7.92", "7.488"),
        ("10", None, "9.0", "7.8"),
        ("15", None, "9.0", "7.8"),
        ("09", None, "8.25", "7.8"),
        ("06", None, "9.0", "8.4"),
        ("04", "HALF_RATE", "3.3", "3.12"),
        ("25", "PRODUCTION_LAND", "3.3", "3.12"),
        ("25", "OCCUPATION_CHANGE", "3.3", "3.12"),
        ("25", "VALUE_CHAIN", "3.3", "3.12"),
        ("03", "PRIORITY", "3.96", "3.744"),
    ],
)
def test_rate_cut_of_2553_applies_from_01_12_2025(program, category, before, after):
    assert rate_on(program, D(2025, 11, 30), category=category).annual_rate == dec(before)
    assert rate_on(program, D(2025, 12, 1), category=category).annual_rate == dec(after)


def test_poor_household_rate_monthly_source_and_confidence():
    old = rate_on("01", D(2025, 11, 30))
    new = rate_on("01", D(2025, 12, 1))
    assert (old.annual_rate, old.monthly_rate) == (dec("6.6"), dec("0.55"))
    assert (new.annual_rate, new.monthly_rate) == (dec("6.24"), dec("0.52"))
    assert new.base_rate == dec("6.24") and new.override is None
    assert "2553/QĐ-TTg" in new.sources[0]
    # The old rate's start is not documented (data horizon 01/01/2019): provisional; the new one is H.
    assert old.provisional is True
    assert new.provisional is False


def test_near_poor_monthly_rate():
    assert rate_on("19", D(2025, 11, 30)).monthly_rate == dec("0.66")
    assert rate_on("19", D(2025, 12, 1)).monthly_rate == dec("0.624")


def test_rates_outside_decision_2553():
    assert rate_on("07", D(2025, 12, 1)).annual_rate == dec("3")
    assert rate_on("25", D(2025, 12, 1), category="RESIDENTIAL_LAND").annual_rate == dec("3")
    assert rate_on("12", D(2020, 6, 1)).annual_rate == dec("4.8")
    assert rate_on("12", D(2024, 8, 1)).annual_rate == dec("6.6")


def test_category_without_own_rate_falls_back_to_the_program_rate():
    assert rate_on("03", D(2025, 12, 1), category="WORKER").annual_rate == dec("7.488")
    assert rate_on("02", D(2025, 12, 1), category="ORPHAN").annual_rate == dec("6.24")


def test_no_rate_configured_is_refused_in_vietnamese():
    # Social housing from 01/12/2025: "whether it follows the 6.24% cut is not known" (programs.md §1) → absent.
    with pytest.raises(DomainError) as error:
        rate_on("12", D(2025, 12, 1))
    assert error.value.text() == (
        "Chưa cấu hình lãi suất cho chương trình 12 (Cho vay nhà ở xã hội) vào ngày 01/12/2025."
    )
    with pytest.raises(DomainError, match="vào ngày 31/12/2018"):
        rate_on("01", D(2018, 12, 31))
    with pytest.raises(DomainError, match="Cho vay hộ đồng bào dân tộc thiểu số nghèo"):
        rate_on("17", D(2025, 12, 1))
    with pytest.raises(DomainError, match="vào ngày 01/12/2025"):
        rate_segments("12", D(2025, 11, 15), D(2025, 12, 15))


def test_unknown_program_category_and_province_are_refused():
    with pytest.raises(DomainError) as error:
        rate_on("55", D(2025, 12, 1))
    assert error.value.text() == "Không có chương trình tín dụng mã «55»."
    with pytest.raises(DomainError) as error:
        rate_on("01", D(2025, 12, 1), category="HALF_RATE")
    assert error.value.text() == "Chương trình 01 không có đối tượng thụ hưởng «HALF_RATE»."
    with pytest.raises(DomainError, match="Không có tỉnh/thành phố mã «00»"):
        rate_on("01", D(2025, 12, 1), province="00")


# --- area overrides: the storm relief of 01/10–31/12/2025 (programs.md §1.2) ----------------------------------

def test_storm_override_in_a_storm_hit_province():
    """programs.md §1.2: −2 points from 01/10/2025 to 31/12/2025 on outstanding loans (2654/QĐ-TTg). How the cut
    combines with the base-rate cut of 01/12/2025 is "Not known" there, so the combination rule is data on the
    override: the loaded rule (RATE_IN_FORCE, confidence L) takes 2 points off the base rate in force each day —
    6.6 − 2 = 4.6 until 30/11/2025, then 6.24 − 2 = 4.24 until 31/12/2025."""
    october = rate_on("01", D(2025, 10, 15), province=HANOI)
    assert (october.base_rate, october.annual_rate) == (dec("6.6"), dec("4.6"))
    assert october.override.legal_basis.startswith("QĐ 2654/QĐ-TTg")
    assert october.provisional is True  # area mapping M, combination rule L
    assert rate_on("01", D(2025, 11, 30), province=HANOI).annual_rate == dec("4.6")
    december = rate_on("01", D(2025, 12, 1), province=HANOI)
    assert (december.base_rate, december.annual_rate) == (dec("6.24"), dec("4.24"))
    assert december.override.combination == "RATE_IN_FORCE"
    assert rate_on("01", D(2025, 12, 31), province=HANOI).annual_rate == dec("4.24")
    assert rate_on("01", D(2026, 1, 1), province=HANOI).annual_rate == dec("6.24")
    assert rate_on("01", D(2025, 9, 30), province=HANOI).annual_rate == dec("6.6")


def test_storm_override_other_programs_and_provinces():
    assert rate_on("19", D(2025, 12, 10), province=HANOI).annual_rate == dec("5.488")
    assert rate_on("07", D(2025, 10, 1), province=HANOI).annual_rate == dec("1")
    assert rate_on("04", D(2025, 10, 1), province=KHANH_HOA, category="HALF_RATE").annual_rate == dec("1.3")
    assert rate_on("01", D(2025, 10, 15), province=KHANH_HOA).override.legal_basis.startswith("NQ 380/NQ-CP")
    # A province outside both lists, and a call without a province, keep the base rate.
    assert rate_on("01", D(2025, 10, 15), province=HCMC).annual_rate == dec("6.6")
    assert rate_on("01", D(2025, 10, 15)).annual_rate == dec("6.6")


def test_rate_segments_split_at_the_cut():
    assert rate_segments("01", D(2025, 11, 15), D(2025, 12, 15)) == [
        RateSegment(D(2025, 11, 15), D(2025, 11, 30), dec("6.6")),
        RateSegment(D(2025, 12, 1), D(2025, 12, 15), dec("6.24")),
    ]
    assert rate_segments("01", D(2025, 11, 15), D(2025, 12, 15), province=HANOI) == [
        (D(2025, 11, 15), D(2025, 11, 30), dec("4.6")),
        (D(2025, 12, 1), D(2025, 12, 15), dec("4.24")),
    ]


def test_rate_segments_across_the_whole_storm_period():
    assert rate_segments("01", D(2025, 9, 15), D(2026, 1, 15), province=KHANH_HOA) == [
        (D(2025, 9, 15), D(2025, 9, 30), dec("6.6")),
        (D(2025, 10, 1), D(2025, 11, 30), dec("4.6")),
        (D(2025, 12, 1), D(2025, 12, 31), dec("4.24")),
        (D(2026, 1, 1), D(2026, 1, 15), dec("6.24")),
    ]
    # One day, and a period with no change: one segment.
    assert rate_segments("01", D(2025, 12, 1), D(2025, 12, 1)) == [(D(2025, 12, 1), D(2025, 12, 1), dec("6.24"))]
    assert rate_segments("01", D(2026, 1, 1), D(2026, 12, 31)) == [(D(2026, 1, 1), D(2026, 12, 31), dec("6.24"))]
    with pytest.raises(DomainError, match="Ngày kết thúc"):
        rate_segments("01", D(2025, 12, 2), D(2025, 12, 1))


DAYS = st.dates(min_value=D(2019, 1, 1), max_value=D(2027, 12, 31))


@settings(max_examples=60, deadline=None)
@given(first=DAYS, second=DAYS, province=st.sampled_from([None, HANOI, KHANH_HOA, HCMC]),
       program=st.sampled_from(["01", "03", "07", "19"]))
def test_segments_cover_the_period_and_match_the_daily_rate(first, second, province, program):
    start, end = min(first, second), max(first, second)
    timeline = rate_timeline(program, province=province)
    segments = timeline.segments(start, end)
    assert segments[0].start == start and segments[-1].end == end
    for before, after in zip(segments, segments[1:], strict=False):
        assert after.start == before.end + dt.timedelta(days=1)
        assert after.annual_rate != before.annual_rate
    for segment in segments:
        for day in (segment.start, segment.end, segment.start + (segment.end - segment.start) / 2):
            assert timeline.quote(day).annual_rate == segment.annual_rate


# --- overdue rate -------------------------------------------------------------------------------------------------

def test_overdue_rate_is_130_percent_of_the_contract_rate():
    assert overdue_rate_on("01", D(2025, 12, 1)).annual_rate == dec("8.112")  # 6.24 × 1.3
    assert overdue_rate_on("01", D(2025, 11, 30)).annual_rate == dec("8.58")  # 6.6 × 1.3
    assert overdue_rate_on("07", D(2025, 12, 1)).annual_rate == dec("3.9")  # housing 3 % → 3.9 % (programs.md §1)
    assert overdue_rate_on("19", D(2025, 12, 1)).annual_rate == dec("9.7344")  # 7.488 × 1.3
    quote = overdue_rate_on("01", D(2025, 12, 1))
    assert quote.rule.multiplier_percent == dec("130") and quote.contract.annual_rate == dec("6.24")
    assert quote.monthly_rate == dec("0.676")


def test_overdue_rate_of_covid_wage_loans_is_fixed():
    quote = overdue_rate_on("99", D(2021, 6, 1), category="COVID_WAGE")
    assert quote.annual_rate == dec("12") and quote.contract is None


def test_overdue_rate_in_a_storm_province_follows_the_rule_base():
    # The loaded rule applies 130 % to the rate the loan bears that day (override included; noted as L).
    assert overdue_rate_on("01", D(2025, 10, 15), province=HANOI).annual_rate == dec("5.98")  # 4.6 × 1.3
    assert overdue_rate_segments("01", D(2025, 11, 15), D(2025, 12, 15)) == [
        (D(2025, 11, 15), D(2025, 11, 30), dec("8.58")),
        (D(2025, 12, 1), D(2025, 12, 15), dec("8.112")),
    ]


# --- limits and extension --------------------------------------------------------------------------------------

def test_limits_in_force_by_date():
    assert limit_on("02", LimitKind.MAX_AMOUNT_PER_MONTH, D(2022, 5, 18)) is None  # not known before 19/05/2022
    assert limit_on("02", LimitKind.MAX_AMOUNT_PER_MONTH, D(2022, 5, 19)).value == 4_000_000
    assert limit_on("06", LimitKind.MAX_AMOUNT_PER_WORK, D(2024, 9, 1)).value == 10_000_000
    assert limit_on("06", LimitKind.MAX_AMOUNT_PER_WORK, D(2024, 9, 2)).value == 25_000_000
    assert limit_on("01", LimitKind.MAX_AMOUNT_PER_HOUSEHOLD, D(2025, 12, 1)).value == 100_000_000
    assert limit_on("07", LimitKind.MAX_TERM_MONTHS, D(2025, 1, 1), category="PHASE_2").value == 180
    assert limit_on("07", LimitKind.GRACE_MONTHS, D(2025, 1, 1), category="PHASE_1").value == 60
    production_land = limit_on("25", LimitKind.MAX_AMOUNT_PER_LOAN, D(2025, 12, 31), category="PRODUCTION_LAND")
    assert production_land.value == 77_500_000
    assert limit_on("25", LimitKind.MAX_AMOUNT_PER_LOAN, D(2026, 1, 1), category="PRODUCTION_LAND") is None
    assert limit_on("09", LimitKind.ROLLOVER, D(2025, 1, 1)).value == "NOT_ALLOWED"
    assert limit_on("10", LimitKind.ROLLOVER, D(2025, 1, 1)).value == "SHORT_TERM_ONLY"
    assert limit_on("15", LimitKind.MAX_AMOUNT_PER_BORROWER, D(2025, 1, 1)) is None  # not known
    assert limit_on("26", LimitKind.MAX_AMOUNT_PER_BORROWER, D(2025, 1, 1)) is None  # "100M reported; cap not known"


def test_installment_regime_by_disbursement_date_and_program_fallback():
    assert limit_on(None, LimitKind.INSTALLMENT_REGIME, D(2026, 2, 28)).value == "ROLL_INTO_NEXT"
    assert limit_on("01", LimitKind.INSTALLMENT_REGIME, D(2026, 3, 1)).value == "AUTO_OVERDUE"
    assert limit_on("01", LimitKind.SHORT_TERM_MAX_MONTHS, D(2025, 1, 1)).program is None


def test_extension_limits():
    on = D(2025, 12, 1)
    assert extension_limit_months("01", 48, on) == 24  # ½ of the term (programs.md §3 example)
    assert extension_limit_months("01", 12, on) == 12  # short-term: ≤ 12 months
    assert extension_limit_months("01", 6, on) == 12
    assert extension_limit_months("01", 13, on) == 6  # ½ × 13 = 6.5, rounded down
    assert extension_limit_months("01", 120, on) == 60
    assert extension_limit_months("02", 100, on, repayment_months=51) == 25  # students: ½ of the repayment period
    assert extension_limit_months("12", 300, on) == 24  # social housing example (Staff quiz, L)
    limit = extension_limit_on("01", 48, on)
    assert [row.kind for row in limit.rows] == ["SHORT_TERM_MAX_MONTHS", "EXTENSION_MAX_PERCENT_OF_TERM"]
    assert limit.provisional is True


def test_extension_refusals():
    with pytest.raises(DomainError, match="cần nhập thời hạn trả nợ"):
        extension_limit_months("02", 100, D(2025, 12, 1))
    with pytest.raises(DomainError, match="Thời hạn cho vay phải lớn hơn 0"):
        extension_limit_months("01", 0, D(2025, 12, 1))
    with pytest.raises(DomainError, match="Chưa cấu hình quy định «Cho vay ngắn hạn: đến» cho ngày 31/12/2018"):
        extension_limit_months("01", 48, D(2018, 12, 31))
