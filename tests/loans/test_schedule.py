"""Installment schedules and their changes: build, 08/TD adjustment, extension, transfer to overdue (no database)."""

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from uythac.core.periods import add_months
from uythac.loans.schedule import (
    Installment,
    ScheduleError,
    adjust_installment,
    build_schedule,
    contract_maturity,
    extend_maturity,
    extension_limit_months,
    is_per_installment_regime,
    overdue_amount,
    principal_falling_due,
    principal_total,
)

D = dt.date
HALF = Fraction(1, 2)
LIMITS = {"short_term_max_months": 12, "short_term_limit_months": 12, "long_term_fraction": HALF}


def dues(schedule):
    return [(item.number, item.due_on, item.principal) for item in schedule]


# --- Building -------------------------------------------------------------------------------------------------------


def test_yearly_schedule_without_grace():
    # 20,000,000 over 60 months, yearly: 5 installments of 20,000,000 / 5 = 4,000,000 on the session day (10)
    schedule = build_schedule(
        principal=20_000_000, disbursed_on=D(2025, 3, 10), term_months=60, frequency_months=12, session_day=10
    )
    assert dues(schedule) == [
        (1, D(2026, 3, 10), 4_000_000),
        (2, D(2027, 3, 10), 4_000_000),
        (3, D(2028, 3, 10), 4_000_000),
        (4, D(2029, 3, 10), 4_000_000),
        (5, D(2030, 3, 10), 4_000_000),
    ]
    assert contract_maturity(D(2025, 3, 10), 60) == D(2030, 3, 10)
    assert all(not item.is_rescheduled for item in schedule)


def test_schedule_with_grace_and_maturity_clamp():
    # Housing phase 2 shape: 15 years (180 months), 5-year grace (60), then yearly: months 72, 84, … 180 → 10
    # installments of 25,000,000 / 10 = 2,500,000. Session day 20, but maturity is 15/01/2035 → the last is due then.
    schedule = build_schedule(
        principal=25_000_000,
        disbursed_on=D(2020, 1, 15),
        term_months=180,
        grace_months=60,
        frequency_months=12,
        session_day=20,
    )
    assert len(schedule) == 10
    assert schedule[0].due_on == D(2026, 1, 20)  # first principal in year 6
    assert schedule[8].due_on == D(2034, 1, 20)
    assert schedule[-1].due_on == D(2035, 1, 15)  # not after maturity 15/01/2035
    assert {item.principal for item in schedule} == {2_500_000}


def test_grace_with_six_monthly_installments():
    # term 36, grace 12, every 6 months: months 18, 24, 30, 36 → 12,000,000 / 4 = 3,000,000 each, session day 5
    schedule = build_schedule(
        principal=12_000_000,
        disbursed_on=D(2025, 4, 5),
        term_months=36,
        grace_months=12,
        frequency_months=6,
        session_day=5,
    )
    assert dues(schedule) == [
        (1, D(2026, 10, 5), 3_000_000),
        (2, D(2027, 4, 5), 3_000_000),
        (3, D(2027, 10, 5), 3_000_000),
        (4, D(2028, 4, 5), 3_000_000),
    ]


def test_term_not_a_multiple_of_the_frequency_and_rounding_down():
    # 30 months, yearly: months 12, 24 and a short last one at 30; 10,000,000 / 3 = 3,333,333 → 3,300,000,
    # the last carries 10,000,000 − 2 × 3,300,000 = 3,400,000
    schedule = build_schedule(
        principal=10_000_000, disbursed_on=D(2025, 6, 5), term_months=30, frequency_months=12, session_day=5
    )
    assert dues(schedule) == [
        (1, D(2026, 6, 5), 3_300_000),
        (2, D(2027, 6, 5), 3_300_000),
        (3, D(2027, 12, 5), 3_400_000),
    ]


def test_session_day_31_clamps_to_month_end():
    # maturity = 31/01/2025 + 3 months = 30/04/2025
    schedule = build_schedule(
        principal=3_000_000, disbursed_on=D(2025, 1, 31), term_months=3, frequency_months=1, session_day=31
    )
    assert [item.due_on for item in schedule] == [D(2025, 2, 28), D(2025, 3, 31), D(2025, 4, 30)]
    assert [item.principal for item in schedule] == [1_000_000] * 3


def test_session_day_defaults_to_the_disbursement_day_and_unit_is_a_parameter():
    schedule = build_schedule(
        principal=1_000_000, disbursed_on=D(2025, 7, 17), term_months=3, frequency_months=1, rounding_unit=1_000
    )
    # 1,000,000 / 3 = 333,333 → 333,000 twice, 334,000 last
    assert dues(schedule) == [(1, D(2025, 8, 17), 333_000), (2, D(2025, 9, 17), 333_000), (3, D(2025, 10, 17), 334_000)]


def test_explicit_due_dates():
    schedule = build_schedule(
        principal=5_000_000,
        disbursed_on=D(2025, 1, 10),
        term_months=24,
        grace_months=6,
        due_dates=[D(2025, 12, 10), D(2027, 1, 10)],
    )
    assert dues(schedule) == [(1, D(2025, 12, 10), 2_500_000), (2, D(2027, 1, 10), 2_500_000)]
    assert principal_total(schedule) == 5_000_000
    assert principal_falling_due(schedule, D(2025, 12, 1), D(2025, 12, 31)) == 2_500_000
    assert principal_falling_due(schedule, D(2026, 1, 1), D(2026, 12, 31)) == 0


BASE = {"principal": 5_000_000, "disbursed_on": D(2025, 1, 10), "term_months": 24, "frequency_months": 12}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"principal": 0}, "principal_not_positive"),
        ({"principal": 1.5}, "principal_invalid"),
        ({"term_months": 0}, "term_not_positive"),
        ({"grace_months": -1}, "grace_negative"),
        ({"grace_months": 24}, "grace_not_before_term"),
        ({"frequency_months": 0}, "frequency_not_positive"),
        ({"frequency_months": None}, "frequency_or_due_dates"),
        ({"due_dates": [D(2026, 1, 10)]}, "frequency_or_due_dates"),
        ({"session_day": 32}, "session_day_invalid"),
        ({"rounding_unit": 0}, "rounding_unit_not_positive"),
        ({"principal": 300_000, "term_months": 6, "frequency_months": 1}, "installment_below_rounding_unit"),
        ({"frequency_months": None, "due_dates": []}, "due_dates_empty"),
        ({"frequency_months": None, "due_dates": [D(2026, 1, 10), D(2026, 1, 10)]}, "due_dates_not_increasing"),
        ({"frequency_months": None, "due_dates": [D(2025, 1, 10)]}, "due_date_not_after_disbursement"),
        ({"frequency_months": None, "due_dates": [D(2027, 1, 11)]}, "due_date_after_maturity"),
        ({"frequency_months": None, "grace_months": 6, "due_dates": [D(2025, 7, 9)]}, "due_date_within_grace"),
    ],
)
def test_build_schedule_refuses(changes, code):
    with pytest.raises(ScheduleError) as exc:
        build_schedule(**{**BASE, **changes})
    assert exc.value.code == code


@given(
    disbursed_on=st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)),
    term=st.integers(min_value=1, max_value=240),
    grace_share=st.floats(min_value=0, max_value=0.99),
    frequency=st.integers(min_value=1, max_value=24),
    session_day=st.integers(min_value=1, max_value=31),
    unit=st.sampled_from([1_000, 100_000]),
    extra=st.integers(min_value=0, max_value=10**9),
)
def test_schedule_properties(disbursed_on, term, grace_share, frequency, session_day, unit, extra):
    grace = int(term * grace_share)
    count = len(range(grace + frequency, term, frequency)) + 1
    principal = unit * count + extra
    schedule = build_schedule(
        principal=principal,
        disbursed_on=disbursed_on,
        term_months=term,
        grace_months=grace,
        frequency_months=frequency,
        session_day=session_day,
        rounding_unit=unit,
    )
    maturity = contract_maturity(disbursed_on, term)
    assert len(schedule) == count
    assert sum(item.principal for item in schedule) == principal
    assert [item.number for item in schedule] == list(range(1, count + 1))
    assert all(earlier.due_on < later.due_on for earlier, later in zip(schedule, schedule[1:], strict=False))
    assert schedule[0].due_on > add_months(disbursed_on, grace)
    assert schedule[-1].due_on <= maturity
    assert all(item.principal > 0 for item in schedule)
    assert all(item.principal % unit == 0 for item in schedule[:-1])


# --- 08/TD adjustment -----------------------------------------------------------------------------------------------


@pytest.fixture
def yearly():
    return build_schedule(
        principal=20_000_000, disbursed_on=D(2025, 3, 10), term_months=60, frequency_months=12, session_day=10
    )


def test_adjust_installment_to_a_later_date(yearly):
    moved = adjust_installment(yearly, 2, D(2027, 9, 10), D(2030, 3, 10))
    assert moved[1] == Installment(2, D(2027, 9, 10), 4_000_000, original_due_on=D(2027, 3, 10))
    assert moved[1].is_rescheduled
    assert moved[0] == yearly[0] and moved[2:] == yearly[2:]
    assert yearly[1].due_on == D(2027, 3, 10)  # the input is immutable and unchanged
    # a second adjustment, up to (and including) the next installment's date; the contract date is kept
    again = adjust_installment(moved, 2, D(2028, 3, 10), D(2030, 3, 10))
    assert again[1].due_on == D(2028, 3, 10)
    assert again[1].contract_due_on == D(2027, 3, 10)
    assert principal_total(again) == 20_000_000


@pytest.mark.parametrize(
    ("number", "new_due_on", "as_of", "code"),
    [
        (2, D(2028, 3, 11), None, "adjustment_after_next_installment"),  # next installment is 10/03/2028
        (2, D(2027, 3, 10), None, "adjustment_not_later"),
        (2, D(2027, 1, 10), None, "adjustment_not_later"),
        (5, D(2030, 3, 11), None, "adjustment_after_maturity"),  # final maturity unchanged
        (2, D(2027, 6, 10), D(2027, 3, 11), "adjustment_too_late"),
        (6, D(2031, 1, 1), None, "installment_not_found"),
        (0, D(2026, 6, 1), None, "installment_not_found"),
    ],
)
def test_adjust_installment_refused(yearly, number, new_due_on, as_of, code):
    with pytest.raises(ScheduleError) as exc:
        adjust_installment(yearly, number, new_due_on, D(2030, 3, 10), as_of=as_of)
    assert exc.value.code == code


def test_adjust_installment_on_the_due_date_itself_is_in_time(yearly):
    moved = adjust_installment(yearly, 1, D(2026, 6, 10), D(2030, 3, 10), as_of=D(2026, 3, 10))
    assert moved[0].due_on == D(2026, 6, 10)


# --- Extension --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("term", "limit"), [(6, 12), (12, 12), (13, 6), (15, 7), (36, 18), (48, 24), (120, 60)])
def test_extension_limit_months(term, limit):
    # ≤ 12 months for short-term loans (term ≤ 12); ≤ ½ of the term otherwise, rounded down (48 → 24, 15 → 7)
    assert extension_limit_months(term, **LIMITS) == limit


def test_short_term_extension_up_to_twelve_months():
    schedule = build_schedule(
        principal=10_000_000, disbursed_on=D(2025, 3, 10), term_months=12, frequency_months=12, session_day=10
    )
    limit = extension_limit_months(12, **LIMITS)
    result = extend_maturity(schedule, D(2026, 3, 10), 12, max_extension_months=limit)
    assert result.maturity == D(2027, 3, 10)
    assert (result.months_extended, result.months_remaining) == (12, 0)
    assert result.installments[-1] == Installment(1, D(2027, 3, 10), 10_000_000, original_due_on=D(2026, 3, 10))
    with pytest.raises(ScheduleError) as exc:
        extend_maturity(schedule, D(2026, 3, 10), 13, max_extension_months=limit)
    assert exc.value.code == "extension_exceeds_limit"


def test_extensions_add_up_against_the_limit():
    schedule = build_schedule(
        principal=10_000_000, disbursed_on=D(2025, 3, 10), term_months=12, frequency_months=12, session_day=10
    )
    first = extend_maturity(schedule, D(2026, 3, 10), 6, max_extension_months=12)
    assert (first.maturity, first.months_remaining) == (D(2026, 9, 10), 6)
    second = extend_maturity(
        first.installments, D(2026, 3, 10), 6, max_extension_months=12, current_maturity=first.maturity
    )
    assert (second.maturity, second.months_extended, second.months_remaining) == (D(2027, 3, 10), 12, 0)
    assert second.installments[-1].contract_due_on == D(2026, 3, 10)
    with pytest.raises(ScheduleError) as exc:
        extend_maturity(
            second.installments, D(2026, 3, 10), 1, max_extension_months=12, current_maturity=second.maturity
        )
    assert exc.value.code == "extension_exceeds_limit"


def test_long_term_extension_up_to_half_the_term():
    # 48-month loan → at most 24 months (programs.md §3 example)
    schedule = build_schedule(
        principal=40_000_000, disbursed_on=D(2024, 5, 20), term_months=48, frequency_months=12, session_day=20
    )
    limit = extension_limit_months(48, **LIMITS)
    result = extend_maturity(schedule, D(2028, 5, 20), 24, max_extension_months=limit)
    assert result.maturity == D(2030, 5, 20)
    assert [item.due_on for item in result.installments[:-1]] == [D(2025, 5, 20), D(2026, 5, 20), D(2027, 5, 20)]
    with pytest.raises(ScheduleError) as exc:
        extend_maturity(schedule, D(2028, 5, 20), 25, max_extension_months=limit)
    assert exc.value.code == "extension_exceeds_limit"


def test_extension_counts_from_the_contract_maturity_at_month_ends():
    schedule = (Installment(1, D(2027, 1, 31), 1_000_000),)
    first = extend_maturity(schedule, D(2027, 1, 31), 1, max_extension_months=12)
    assert first.maturity == D(2027, 2, 28)
    second = extend_maturity(
        first.installments, D(2027, 1, 31), 1, max_extension_months=12, current_maturity=first.maturity
    )
    assert second.maturity == D(2027, 3, 31)  # 31/01 + 2 months, not 28/02 + 1 month
    assert second.months_extended == 2


@pytest.mark.parametrize(
    ("months", "limit", "current", "code"),
    [
        (0, 12, None, "extension_months_not_positive"),
        (1, -1, None, "extension_limit_invalid"),
        (1, 12, D(2026, 1, 1), "current_maturity_before_contract"),
    ],
)
def test_extension_refused(months, limit, current, code):
    schedule = (Installment(1, D(2026, 3, 10), 1_000_000),)
    with pytest.raises(ScheduleError) as exc:
        extend_maturity(schedule, D(2026, 3, 10), months, max_extension_months=limit, current_maturity=current)
    assert exc.value.code == code


# --- Transfer to overdue ------------------------------------------------------------------------------------------


def quarterly(disbursed_on):
    # 12,000,000 over 12 months, every 3 months → 4 × 3,000,000 on the session day 20
    return build_schedule(
        principal=12_000_000, disbursed_on=disbursed_on, term_months=12, frequency_months=3, session_day=20
    )


CUTOVER = D(2026, 3, 1)


def test_regime_follows_the_disbursement_date():
    assert not is_per_installment_regime(D(2026, 2, 28), cutover=CUTOVER)
    assert is_per_installment_regime(D(2026, 3, 1), cutover=CUTOVER)


@pytest.mark.parametrize(
    ("paid", "as_of", "expected"),
    [
        ({}, D(2026, 6, 20), 0),  # due today: not yet overdue
        ({}, D(2026, 6, 21), 3_000_000),  # day after the due date: installment 1 goes overdue on its own
        ({D(2026, 6, 20): 1_000_000}, D(2026, 6, 21), 2_000_000),  # partly paid
        ({D(2026, 6, 20): 3_000_000}, D(2026, 6, 21), 0),
        ({D(2026, 6, 20): 3_000_000}, D(2026, 9, 21), 3_000_000),  # installment 2 unpaid
        ({D(2026, 6, 21): 1_000_000}, D(2026, 6, 30), 2_000_000),  # paid after transfer reduces the overdue
        ({D(2026, 7, 1): 3_000_000}, D(2026, 6, 30), 3_000_000),  # a later payment does not count yet
        ({D(2026, 6, 1): 7_000_000}, D(2026, 12, 21), 2_000_000),  # early repayment covers 1–2, 9,000,000 due
        ({}, D(2027, 3, 21), 12_000_000),  # after final maturity: all of it
    ],
)
def test_overdue_per_installment_regime(paid, as_of, expected):
    schedule = quarterly(D(2026, 3, 20))  # due 20/06, 20/09, 20/12/2026, 20/03/2027
    assert overdue_amount(schedule, paid, as_of, per_installment_regime=True) == expected


def test_adjusted_installment_is_not_overdue_before_its_new_date():
    schedule = adjust_installment(quarterly(D(2026, 3, 20)), 1, D(2026, 8, 20), D(2027, 3, 20))
    assert overdue_amount(schedule, {}, D(2026, 6, 21), per_installment_regime=True) == 0
    assert overdue_amount(schedule, {}, D(2026, 8, 21), per_installment_regime=True) == 3_000_000


@pytest.mark.parametrize(
    ("paid", "as_of", "extended", "expected"),
    [
        ({}, D(2025, 9, 21), None, 0),  # unpaid installments roll into the next: no partial overdue
        ({}, D(2026, 3, 20), None, 0),  # maturity day itself
        ({}, D(2026, 3, 21), None, 12_000_000),  # the whole balance the day after final maturity
        ({D(2025, 6, 20): 3_000_000, D(2025, 12, 20): 4_000_000}, D(2026, 3, 21), None, 5_000_000),
        ({D(2025, 6, 20): 3_000_000}, D(2026, 3, 21), D(2026, 9, 20), 0),  # extended: not overdue yet
        ({D(2025, 6, 20): 3_000_000}, D(2026, 9, 21), D(2026, 9, 20), 9_000_000),  # extended maturity passed
        ({D(2026, 3, 20): 12_000_000}, D(2026, 3, 21), None, 0),  # repaid in full on maturity
    ],
)
def test_overdue_before_cutover_regime(paid, as_of, extended, expected):
    schedule = quarterly(D(2025, 3, 20))  # due 20/06, 20/09, 20/12/2025, 20/03/2026
    assert overdue_amount(schedule, paid, as_of, per_installment_regime=False, extended_maturity=extended) == expected


def test_overdue_refusals():
    schedule = quarterly(D(2026, 3, 20))
    for paid, code in [
        ({D(2026, 4, 1): 12_000_001}, "paid_exceeds_principal"),
        ({D(2026, 4, 1): -1}, "payment_invalid"),
    ]:
        with pytest.raises(ScheduleError) as exc:
            overdue_amount(schedule, paid, D(2026, 6, 1), per_installment_regime=True)
        assert exc.value.code == code
    with pytest.raises(ScheduleError) as exc:
        overdue_amount(schedule, {}, D(2026, 6, 1), per_installment_regime=True, extended_maturity=D(2027, 1, 1))
    assert exc.value.code == "extended_maturity_before_last_installment"
    with pytest.raises(ScheduleError) as exc:
        overdue_amount((), {}, D(2026, 6, 1), per_installment_regime=True)
    assert exc.value.code == "schedule_empty"


@given(
    payments=st.lists(
        st.tuples(st.dates(min_value=D(2026, 3, 20), max_value=D(2027, 6, 30)), st.integers(0, 2_000_000)),
        max_size=6,
    ),
    as_of=st.dates(min_value=D(2026, 3, 1), max_value=D(2027, 12, 31)),
)
def test_overdue_regimes_are_ordered(payments, as_of):
    paid: dict = {}
    for day, amount in payments:
        paid[day] = paid.get(day, 0) + amount
    assume(sum(paid.values()) <= 12_000_000)
    schedule = quarterly(D(2026, 3, 20))
    paid_so_far = sum(amount for day, amount in paid.items() if day <= as_of)
    old = overdue_amount(schedule, paid, as_of, per_installment_regime=False)
    new = overdue_amount(schedule, paid, as_of, per_installment_regime=True)
    # the old regime never moves more than the new one; neither exceeds what is left to repay
    assert 0 <= old <= new <= 12_000_000 - paid_so_far
    later = overdue_amount(schedule, {}, as_of + dt.timedelta(days=1), per_installment_regime=True)
    assert later >= overdue_amount(schedule, {}, as_of, per_installment_regime=True)
