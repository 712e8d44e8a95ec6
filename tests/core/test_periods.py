"""Calendar rules: periods, month arithmetic with clamping, the KHĐ cut-off, working days, session dates."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uythac.core.periods import (
    Period,
    PeriodError,
    add_months,
    add_working_days,
    inactive_cutoff,
    is_inactive_3m,
    is_working_day,
    months_between,
    same_day_months_earlier,
    session_date,
)

D = dt.date
dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31))


# --- Period -----------------------------------------------------------------------------------------------------


def test_period_parse_and_bounds():
    period = Period.parse("2025-12")
    assert period == Period(2025, 12)
    assert str(period) == "2025-12"
    assert period.first_day == D(2025, 12, 1)
    assert period.last_day == D(2025, 12, 31)
    assert period.days == 31
    assert period.next() == Period(2026, 1)
    assert period.previous() == Period(2025, 11)
    assert Period(2026, 1).previous() == Period(2025, 12)
    assert Period(2024, 2).last_day == D(2024, 2, 29)
    assert Period(2025, 2).last_day == D(2025, 2, 28)
    assert period.add(-13) == Period(2024, 11)
    assert Period(2025, 11).months_until(Period(2026, 2)) == 3
    assert Period(2026, 2).months_until(Period(2025, 11)) == -3
    assert Period.of(D(2020, 12, 31)) == Period(2020, 12)
    assert Period(2019, 12) < Period(2020, 1)


def test_period_contains():
    period = Period(2026, 2)
    assert period.contains(D(2026, 2, 1))
    assert period.contains(D(2026, 2, 28))
    assert not period.contains(D(2026, 3, 1))
    assert not period.contains(D(2025, 2, 15))


@pytest.mark.parametrize("text", ["2025-13", "2025-00", "2025-1", "25-12", "2025/12", "", None, "2025-12-01"])
def test_period_parse_refuses(text):
    with pytest.raises(PeriodError) as exc:
        Period.parse(text)
    assert exc.value.code in {"period_format", "period_invalid"}


def test_period_refuses_bad_month():
    with pytest.raises(PeriodError) as exc:
        Period(2025, 13)
    assert exc.value.code == "period_invalid"


# --- Month arithmetic ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 5, 31), -3, D(2025, 2, 28)),  # no 31/02: clamp to the month end
        (D(2024, 5, 31), -3, D(2024, 2, 29)),  # leap year
        (D(2025, 9, 30), -3, D(2025, 6, 30)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2026, 1, 15), -1, D(2025, 12, 15)),
        (D(2025, 3, 10), 60, D(2030, 3, 10)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 6, 5), 0, D(2025, 6, 5)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 3, 15), D(2025, 9, 15), 6),
        (D(2025, 3, 15), D(2025, 9, 14), 5),
        (D(2025, 1, 31), D(2025, 2, 28), 1),
        (D(2025, 1, 31), D(2025, 3, 30), 1),
        (D(2025, 1, 31), D(2025, 3, 31), 2),
        (D(2025, 9, 15), D(2025, 3, 15), -6),
        (D(2025, 3, 15), D(2025, 3, 15), 0),
    ],
)
def test_months_between(start, end, expected):
    assert months_between(start, end) == expected


@given(day=dates, months=st.integers(min_value=-240, max_value=240))
def test_add_months_clamps_and_inverts(day, months):
    result = add_months(day, months)
    assert Period.of(day).add(months) == Period.of(result)
    assert result.day == day.day or result == Period.of(result).last_day
    if months >= 0:
        assert months_between(day, result) == months


@given(start=dates, end=dates)
def test_months_between_is_the_largest_fitting_count(start, end):
    if end < start:
        start, end = end, start
    k = months_between(start, end)
    assert k >= 0
    assert add_months(start, k) <= end
    assert add_months(start, k + 1) > end


# --- KHĐ: inactive 3 months (scoring-and-inspection.md §4) ----------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "cutoff"),
    [
        (D(2025, 9, 30), D(2025, 6, 30)),  # the documented example
        (D(2025, 5, 31), D(2025, 2, 28)),  # 31/02 does not exist: clamp (assumption L)
        (D(2024, 5, 31), D(2024, 2, 29)),  # leap year
        (D(2025, 5, 30), D(2025, 2, 28)),
        (D(2025, 5, 28), D(2025, 2, 28)),
        (D(2025, 12, 31), D(2025, 9, 30)),
        (D(2026, 1, 15), D(2025, 10, 15)),
    ],
)
def test_inactive_cutoff(as_of, cutoff):
    assert inactive_cutoff(as_of) == cutoff
    assert same_day_months_earlier(as_of, 3) == cutoff


@pytest.mark.parametrize(
    ("last_transaction", "as_of", "inactive"),
    [
        (D(2025, 6, 30), D(2025, 9, 30), False),  # on the cut-off day: counts as activity
        (D(2025, 6, 29), D(2025, 9, 30), True),  # strictly before: inactive
        (D(2025, 7, 1), D(2025, 9, 30), False),
        (D(2025, 2, 28), D(2025, 5, 31), False),  # clamped cut-off 28/02/2025
        (D(2025, 2, 27), D(2025, 5, 31), True),
        (D(2024, 2, 29), D(2024, 5, 31), False),  # clamped cut-off 29/02/2024
        (D(2024, 2, 28), D(2024, 5, 31), True),
        (D(2025, 10, 1), D(2025, 9, 30), False),  # activity after the data date is still activity
    ],
)
def test_is_inactive_3m_edge_dates(last_transaction, as_of, inactive):
    assert is_inactive_3m(last_transaction, as_of) is inactive


def test_is_inactive_3m_refuses_missing_date():
    with pytest.raises(PeriodError) as exc:
        is_inactive_3m(None, D(2025, 9, 30))
    assert exc.value.code == "last_transaction_missing"


def test_same_day_months_earlier_refuses_negative():
    with pytest.raises(PeriodError) as exc:
        same_day_months_earlier(D(2025, 9, 30), -1)
    assert exc.value.code == "months_negative"


@given(last=dates, as_of=dates)
def test_is_inactive_matches_the_cutoff(last, as_of):
    cutoff = inactive_cutoff(as_of)
    assert cutoff <= as_of
    assert Period.of(as_of).add(-3) == Period.of(cutoff)
    assert is_inactive_3m(last, as_of) == (last < cutoff)


# --- Working days and sessions -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "n", "holidays", "expected"),
    [
        (D(2025, 12, 5), 3, frozenset(), D(2025, 12, 10)),  # Friday + 3 working days = Wednesday
        (D(2025, 12, 8), 3, frozenset(), D(2025, 12, 11)),  # Monday → Thursday
        (D(2025, 12, 6), 1, frozenset(), D(2025, 12, 8)),  # from a Saturday → Monday
        (D(2025, 12, 5), 0, frozenset(), D(2025, 12, 5)),
        # Thu 28/08/2025 + 3, National Day holidays Mon 01/09 and Tue 02/09: Fri 29/08, Wed 03/09, Thu 04/09
        (D(2025, 8, 28), 3, frozenset({D(2025, 9, 1), D(2025, 9, 2)}), D(2025, 9, 4)),
        (D(2026, 3, 20), -5, frozenset(), D(2026, 3, 13)),  # 08/TD: ≥5 working days before a Friday installment
        (D(2026, 3, 16), -3, frozenset(), D(2026, 3, 11)),  # 3 working days before a Monday
    ],
)
def test_add_working_days(day, n, holidays, expected):
    assert add_working_days(day, n, holidays) == expected


def test_is_working_day():
    assert is_working_day(D(2025, 12, 5))
    assert not is_working_day(D(2025, 12, 6))
    assert not is_working_day(D(2025, 12, 7))
    assert not is_working_day(D(2025, 9, 2), {D(2025, 9, 2)})


@given(day=dates, n=st.integers(min_value=1, max_value=40))
def test_add_working_days_lands_on_a_working_day(day, n):
    result = add_working_days(day, n)
    assert is_working_day(result)
    assert result > day
    business_days = sum(is_working_day(day + dt.timedelta(days=i)) for i in range(1, (result - day).days + 1))
    assert business_days == n
    assert add_working_days(result, -n) <= day


@pytest.mark.parametrize(
    ("period", "day", "expected"),
    [
        (Period(2026, 4), 31, D(2026, 4, 30)),
        (Period(2026, 2), 30, D(2026, 2, 28)),
        (Period(2028, 2), 30, D(2028, 2, 29)),
        (Period(2026, 3), 20, D(2026, 3, 20)),
        (Period(2026, 1), 1, D(2026, 1, 1)),
    ],
)
def test_session_date_clamps(period, day, expected):
    assert session_date(period, day) == expected


@pytest.mark.parametrize("day", [0, 32, -1, True, "5"])
def test_session_date_refuses(day):
    with pytest.raises(PeriodError) as exc:
        session_date(Period(2026, 1), day)
    assert exc.value.code == "session_day_invalid"
