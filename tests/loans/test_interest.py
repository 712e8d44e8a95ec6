"""Interest on the daily balance, overdue interest and interest arrears (no database).

Hand computations use the default ACT_365 (balance × annual rate × days / 365) unless a test says otherwise; each
total is rounded ONCE, half-up to the đồng.
"""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uythac.loans.interest import (
    DEFAULT_DAY_COUNT,
    DayCount,
    InterestBuckets,
    InterestError,
    RateSegment,
    accrue_interest,
    accrue_overdue_interest,
    allocate_interest_collection,
    basis_days,
    interest_arrears,
    scale_rates,
)

D = dt.date
# Poor-household rate (program 01): 6.6 %/yr until 30/11/2025, 6.24 %/yr from 01/12/2025 (2553/QĐ-TTg).
POOR_RATES = [(D(2020, 1, 1), D(2025, 11, 30), Decimal("6.6")), (D(2025, 12, 1), None, Decimal("6.24"))]


def test_default_day_count_is_act_365():
    assert DEFAULT_DAY_COUNT is DayCount.ACT_365


def test_interest_across_the_rate_cut_of_01_12_2025():
    breakdown = accrue_interest(
        balances={D(2025, 10, 10): 20_000_000}, rates=POOR_RATES, start=D(2025, 11, 15), end=D(2025, 12, 14)
    )
    # 15/11–30/11: 16 days × 20,000,000 × 6.6 %  = 1,320,000/yr × 16/365 = 21,120,000/365 = 57,863.0137
    # 01/12–14/12: 14 days × 20,000,000 × 6.24 % = 1,248,000/yr × 14/365 = 17,472,000/365 = 47,868.4932
    # total 38,592,000/365 = 105,731.5068 → 105,732 (rounding each line first would give 57,863 + 47,868 = 105,731)
    assert [(line.start, line.end, line.days, line.annual_rate) for line in breakdown.lines] == [
        (D(2025, 11, 15), D(2025, 11, 30), 16, Decimal("6.6")),
        (D(2025, 12, 1), D(2025, 12, 14), 14, Decimal("6.24")),
    ]
    assert breakdown.exact_total == Fraction(38_592_000, 365)
    assert breakdown.lines[0].interest.quantize(Decimal("0.0001")) == Decimal("57863.0137")
    assert breakdown.lines[1].interest.quantize(Decimal("0.0001")) == Decimal("47868.4932")
    assert breakdown.total == 105_732


def test_rate_cut_with_monthly_rate_30():
    breakdown = accrue_interest(
        balances={D(2025, 10, 10): 20_000_000},
        rates=POOR_RATES,
        start=D(2025, 11, 15),
        end=D(2025, 12, 14),
        day_count=DayCount.MONTHLY_RATE_30,
    )
    # 0.55 %/month × 16/30 and 0.52 %/month × 14/30: (1,320,000 × 16 + 1,248,000 × 14) / 360 = 38,592,000/360
    assert breakdown.exact_total == 107_200
    assert breakdown.total == 107_200


@pytest.mark.parametrize(
    ("day_count", "expected"),
    [
        (DayCount.ACT_365, 105_995),  # 1,248,000 × 31/365 = 105,994.52
        (DayCount.ACT_360, 107_467),  # 1,248,000 × 31/360 = 107,466.67
        (DayCount.MONTHLY_RATE_30, 104_000),  # whole month = 0.52 %/month × 20,000,000
    ],
)
def test_whole_month_by_day_count(day_count, expected):
    breakdown = accrue_interest(
        balances={D(2025, 11, 1): 20_000_000},
        rates=POOR_RATES,
        start=D(2025, 12, 1),
        end=D(2025, 12, 31),
        day_count=day_count,
    )
    assert breakdown.total == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 2, 1), D(2025, 2, 28), 30),  # February is a whole 30-day month
        (D(2024, 2, 1), D(2024, 2, 29), 30),
        (D(2025, 2, 28), D(2025, 2, 28), 3),  # its last day completes it
        (D(2025, 12, 31), D(2025, 12, 31), 0),  # day 31 counts nothing
        (D(2025, 12, 16), D(2025, 12, 31), 15),
        (D(2025, 1, 1), D(2025, 12, 31), 360),
        (D(2025, 11, 15), D(2025, 12, 14), 30),
    ],
)
def test_basis_days_monthly_rate_30(start, end, expected):
    assert basis_days(start, end, DayCount.MONTHLY_RATE_30) == expected


def test_balance_change_mid_month():
    # 5,000,000 repaid on 16/12/2025: end-of-day balance, so 16/12 already accrues on 15,000,000
    breakdown = accrue_interest(
        balances={D(2025, 11, 1): 20_000_000, D(2025, 12, 16): 15_000_000},
        rates=POOR_RATES,
        start=D(2025, 12, 1),
        end=D(2025, 12, 31),
    )
    # 01–15/12: 20,000,000 × 6.24 % × 15/365 = 18,720,000/365 = 51,287.67
    # 16–31/12: 15,000,000 × 6.24 % × 16/365 = 14,976,000/365 = 41,030.14
    # total 33,696,000/365 = 92,317.81 → 92,318
    assert [(line.start, line.end, line.balance) for line in breakdown.lines] == [
        (D(2025, 12, 1), D(2025, 12, 15), 20_000_000),
        (D(2025, 12, 16), D(2025, 12, 31), 15_000_000),
    ]
    assert breakdown.exact_total == Fraction(33_696_000, 365)
    assert breakdown.total == 92_318
    # The same month with 30-day months: (1,248,000 × 15 + 936,000 × 15) / 360 = 32,760,000/360 = 91,000
    monthly = accrue_interest(
        balances={D(2025, 11, 1): 20_000_000, D(2025, 12, 16): 15_000_000},
        rates=POOR_RATES,
        start=D(2025, 12, 1),
        end=D(2025, 12, 31),
        day_count=DayCount.MONTHLY_RATE_30,
    )
    assert monthly.total == 91_000


def test_balance_segments_equal_balance_changes():
    segments = [(D(2025, 11, 1), D(2025, 12, 15), 20_000_000), (D(2025, 12, 16), None, 15_000_000)]
    changes = {D(2025, 11, 1): 20_000_000, D(2025, 12, 16): 15_000_000}
    kwargs = {"rates": POOR_RATES, "start": D(2025, 12, 1), "end": D(2025, 12, 31)}
    assert accrue_interest(balances=segments, **kwargs) == accrue_interest(balances=changes, **kwargs)


def test_disbursement_inside_the_period_and_full_repayment():
    # disbursed 10/12 (accrues from that day), repaid in full 20/12 (no interest that day): 10 days
    breakdown = accrue_interest(
        balances={D(2025, 12, 10): 10_000_000, D(2025, 12, 20): 0},
        rates=POOR_RATES,
        start=D(2025, 12, 1),
        end=D(2025, 12, 31),
    )
    # 10,000,000 × 6.24 % × 10/365 = 6,240,000/365 = 17,095.89 → 17,096
    assert [(line.start, line.end) for line in breakdown.lines] == [(D(2025, 12, 10), D(2025, 12, 19))]
    assert breakdown.total == 17_096


def test_days_without_balance_split_the_lines():
    # 10,000,000 from 01/12 to 09/12, nothing from 10/12 to 19/12, 10,000,000 again from 20/12: 9 + 12 = 21 days
    breakdown = accrue_interest(
        balances={D(2025, 12, 1): 10_000_000, D(2025, 12, 10): 0, D(2025, 12, 20): 10_000_000},
        rates=POOR_RATES,
        start=D(2025, 12, 1),
        end=D(2025, 12, 31),
    )
    assert [(line.start, line.end, line.days) for line in breakdown.lines] == [
        (D(2025, 12, 1), D(2025, 12, 9), 9),
        (D(2025, 12, 20), D(2025, 12, 31), 12),
    ]
    # 624,000 × 21/365 = 13,104,000/365 = 35,901.37 → 35,901
    assert breakdown.total == 35_901


def test_frozen_interval_accrues_nothing():
    # frozen (khoanh) from 11/12/2025: only 01–10/12 accrue: 10,000,000 × 6.24 % × 10/365 = 17,095.89 → 17,096
    breakdown = accrue_interest(
        balances={D(2025, 1, 1): 10_000_000},
        rates=POOR_RATES,
        start=D(2025, 12, 1),
        end=D(2025, 12, 31),
        frozen=[(D(2025, 12, 11), None)],
    )
    assert [(line.start, line.end, line.frozen, line.interest) for line in breakdown.lines] == [
        (D(2025, 12, 1), D(2025, 12, 10), False, breakdown.lines[0].interest),
        (D(2025, 12, 11), D(2025, 12, 31), True, Decimal(0)),
    ]
    assert breakdown.total == 17_096
    # a freeze needs no rate: a loan frozen for the whole period with no rate data accrues 0
    none = accrue_interest(
        balances={D(2025, 1, 1): 10_000_000},
        rates=[],
        start=D(2026, 1, 1),
        end=D(2026, 1, 31),
        frozen=[(D(2025, 6, 1), D(2028, 5, 31))],
    )
    assert none.total == 0 and none.lines[0].frozen


def test_overdue_interest_at_130_percent():
    # 5,000,000 overdue from 21/03/2026 to 31/03/2026 (11 days) at 130 % × 6.24 % = 8.112 %/yr:
    # 5,000,000 × 8.112 % × 11/365 = 405,600 × 11/365 = 4,461,600/365 = 12,223.56 → 12,224
    breakdown = accrue_overdue_interest(
        overdue_balances={D(2026, 3, 21): 5_000_000},
        rates=POOR_RATES,
        multiplier=Decimal("1.3"),
        start=D(2026, 3, 1),
        end=D(2026, 3, 31),
    )
    assert breakdown.lines[0].annual_rate == Decimal("8.112")
    assert breakdown.lines[0].days == 11
    assert breakdown.total == 12_224
    assert scale_rates([(D(2020, 1, 1), None, Decimal("3"))], Decimal("1.3"))[0].annual_rate == Decimal("3.9")


def test_rate_segments_accept_the_dataclass():
    rates = [RateSegment(D(2025, 1, 1), None, Decimal("7.488"))]
    # near-poor rate from 01/12/2025: 100,000,000 × 7.488 % × 1/365 = 7,488,000/365 = 20,515.07 → 20,515
    assert (
        accrue_interest(
            balances={D(2025, 1, 1): 100_000_000}, rates=rates, start=D(2025, 12, 1), end=D(2025, 12, 1)
        ).total
        == 20_515
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"start": D(2025, 12, 2), "end": D(2025, 12, 1)}, "period_reversed"),
        ({"rates": [(D(2025, 12, 5), None, Decimal("6.24"))]}, "rate_missing"),  # no rate on 01/12
        (
            {"rates": [(D(2025, 1, 1), D(2025, 12, 10), Decimal("6.6")), (D(2025, 12, 10), None, Decimal("6.24"))]},
            "rate_segments_overlap",
        ),
        ({"rates": [(D(2025, 1, 1), None, 6.24)]}, "rate_invalid"),
        ({"rates": [(D(2025, 1, 1), None, Decimal("-1"))]}, "rate_negative"),
        ({"rates": [(D(2025, 12, 5), D(2025, 12, 1), Decimal("6"))]}, "rate_segment_reversed"),
        ({"balances": {D(2025, 1, 1): -5}}, "balance_negative"),
        ({"balances": {D(2025, 1, 1): 5.0}}, "balance_invalid"),
        (
            {"balances": [(D(2025, 1, 1), D(2025, 12, 5), 1), (D(2025, 12, 5), None, 2)]},
            "balance_segments_overlap",
        ),
        ({"balances": [(D(2025, 12, 5), D(2025, 12, 1), 1)]}, "balance_segment_reversed"),
        ({"frozen": [(D(2025, 12, 5), D(2025, 12, 1))]}, "frozen_interval_reversed"),
        ({"day_count": "ACT_365"}, "day_count_invalid"),
    ],
)
def test_accrue_interest_refuses(kwargs, code):
    arguments = {
        "balances": {D(2025, 1, 1): 1_000_000},
        "rates": POOR_RATES,
        "start": D(2025, 12, 1),
        "end": D(2025, 12, 31),
        **kwargs,
    }
    with pytest.raises(InterestError) as exc:
        accrue_interest(**arguments)
    assert exc.value.code == code


# --- Properties ---------------------------------------------------------------------------------------------------

day_counts = st.sampled_from(list(DayCount))
starts = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31))
rates = st.decimals(min_value=0, max_value=20, places=3, allow_nan=False, allow_infinity=False)
balances = st.integers(min_value=0, max_value=10**10)


def history(start, offsets, amounts):
    return {start + dt.timedelta(days=offset): amount for offset, amount in zip(offsets, amounts, strict=False)}


@given(
    start=starts,
    length=st.integers(0, 120),
    cut=st.integers(0, 120),
    rate_a=rates,
    rate_b=rates,
    offsets=st.lists(st.integers(-30, 120), min_size=1, max_size=4),
    amounts=st.lists(balances, min_size=4, max_size=4),
    day_count=day_counts,
)
def test_interest_is_additive_over_adjacent_periods(start, length, cut, rate_a, rate_b, offsets, amounts, day_count):
    end = start + dt.timedelta(days=length)
    middle = start + dt.timedelta(days=min(cut, length))
    change = start + dt.timedelta(days=cut)
    rate_list = [(D(2000, 1, 1), change - dt.timedelta(days=1), rate_a), (change, None, rate_b)]
    history_ = history(start, offsets, amounts)
    whole = accrue_interest(balances=history_, rates=rate_list, start=start, end=end, day_count=day_count)
    left = accrue_interest(balances=history_, rates=rate_list, start=start, end=middle, day_count=day_count)
    if middle < end:
        right = accrue_interest(
            balances=history_, rates=rate_list, start=middle + dt.timedelta(days=1), end=end, day_count=day_count
        )
        assert whole.exact_total == left.exact_total + right.exact_total
        assert abs(whole.total - (left.total + right.total)) <= 1
    else:
        assert whole == left
    assert sum(line.days for line in whole.lines) <= length + 1
    assert whole.total >= 0


@given(
    start=starts,
    length=st.integers(0, 90),
    balance=balances,
    extra=balances,
    rate=rates,
    extra_rate=rates,
    day_count=day_counts,
)
def test_interest_is_monotone_in_balance_and_rate(start, length, balance, extra, rate, extra_rate, day_count):
    end = start + dt.timedelta(days=length)

    def total(amount, annual):
        return accrue_interest(
            balances={start: amount}, rates=[(start, None, annual)], start=start, end=end, day_count=day_count
        ).total

    base = total(balance, rate)
    assert total(balance + extra, rate) >= base
    assert total(balance, rate + extra_rate) >= base


@given(start=starts, length=st.integers(0, 90), balance=balances, rate=rates, day_count=day_counts)
def test_interest_is_zero_when_frozen(start, length, balance, rate, day_count):
    end = start + dt.timedelta(days=length)
    breakdown = accrue_interest(
        balances={start - dt.timedelta(days=5): balance},
        rates=[(D(2000, 1, 1), None, rate)],
        start=start,
        end=end,
        frozen=[(start - dt.timedelta(days=1), end)],
        day_count=day_count,
    )
    assert breakdown.total == 0
    assert all(line.frozen and line.interest == 0 for line in breakdown.lines)


# --- Interest arrears (lãi tồn) --------------------------------------------------------------------------------------


def test_interest_arrears_kept_apart():
    due = InterestBuckets(in_term=104_000, overdue=12_224, grace=30_000)
    collected = InterestBuckets(in_term=100_000)
    arrears = interest_arrears(due, collected)
    # in-term 104,000 − 100,000 = 4,000; overdue 12,224 unpaid; grace 30,000 kept apart (AH)
    assert arrears == InterestBuckets(4_000, 12_224, 30_000)
    assert arrears.total == 46_224
    assert arrears.excluding_grace == 16_224
    assert arrears + InterestBuckets(1, 2, 3) == InterestBuckets(4_001, 12_226, 30_003)


def test_interest_arrears_refuses_over_collection():
    with pytest.raises(InterestError) as exc:
        interest_arrears(InterestBuckets(in_term=100), InterestBuckets(in_term=101))
    assert exc.value.code == "collected_exceeds_due"
    with pytest.raises(InterestError) as exc:
        InterestBuckets(in_term=-1)
    assert exc.value.code == "interest_amount_invalid"


@pytest.mark.parametrize(
    ("amount", "order", "applied", "rest"),
    [
        (120, None, InterestBuckets(70, 50, 0), 0),  # overdue 50 first, then 70 of in-term
        (200, None, InterestBuckets(100, 50, 30), 20),  # everything settled, 20 unapplied
        (0, None, InterestBuckets(0, 0, 0), 0),
        (120, ("grace", "in_term", "overdue"), InterestBuckets(90, 0, 30), 0),
    ],
)
def test_allocate_interest_collection(amount, order, applied, rest):
    arrears = InterestBuckets(in_term=100, overdue=50, grace=30)
    kwargs = {"order": order} if order else {}
    assert allocate_interest_collection(arrears, amount, **kwargs) == (applied, rest)
    assert interest_arrears(arrears, applied).total == arrears.total - (amount - rest)


def test_allocate_interest_collection_refuses():
    arrears = InterestBuckets(in_term=100)
    for amount, order, code in [
        (-1, ("overdue", "in_term", "grace"), "collection_invalid"),
        (10, ("overdue", "in_term"), "allocation_order_invalid"),
    ]:
        with pytest.raises(InterestError) as exc:
            allocate_interest_collection(arrears, amount, order=order)
        assert exc.value.code == code


@given(
    in_term=st.integers(0, 10**9),
    overdue=st.integers(0, 10**9),
    grace=st.integers(0, 10**9),
    amount=st.integers(0, 4 * 10**9),
)
def test_allocation_conserves_money(in_term, overdue, grace, amount):
    arrears = InterestBuckets(in_term, overdue, grace)
    applied, rest = allocate_interest_collection(arrears, amount)
    assert applied.total + rest == amount
    assert rest == max(0, amount - arrears.total)
    left = interest_arrears(arrears, applied)
    assert left.total == arrears.total - applied.total
