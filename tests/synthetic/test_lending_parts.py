"""The pure parts of the lending generator agree with the engine they imitate (``uythac.loans.schedule``,
``uythac.loans.interest``, ``uythac.core.money``) and keep their own invariants."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uythac.core.money import split_evenly
from uythac.loans.interest import RateSegment, accrue_interest
from uythac.loans.schedule import build_schedule
from uythac.synthetic.steps.lending.accrual import Series, accrue, collection_days
from uythac.synthetic.steps.lending.cases import STEP, _solve
from uythac.synthetic.steps.lending.dates import due_dates, split_principal, transfer_day
from uythac.synthetic.steps.lending.model import Behaviour, GroupRef, LoanPlan, Member
from uythac.synthetic.steps.lending.params import scaled_rate
from uythac.synthetic.steps.lending.principal import DISBURSE, REPAY, TRANSFER, WRITE_OFF, build_timeline

D = dt.date


def ordinal(day: dt.date) -> int:
    return day.toordinal()


@given(
    disbursed=st.dates(D(2012, 1, 1), D(2027, 12, 31)),
    term=st.sampled_from([6, 12, 24, 36, 48, 60, 84, 120, 180]),
    grace=st.sampled_from([0, 12, 60]),
    frequency=st.sampled_from([3, 6, 12]),
    day=st.integers(1, 31),
)
def test_due_dates_are_those_of_the_engine(disbursed, term, grace, frequency, day):
    if grace >= term or frequency > term:
        return
    engine = build_schedule(principal=100_000_000, disbursed_on=disbursed, term_months=term, grace_months=grace,
                            frequency_months=frequency, session_day=day)
    assert due_dates(ordinal(disbursed), term, grace, frequency, day) == tuple(
        ordinal(item.due_on) for item in engine)


@given(total=st.integers(1_000_000, 10**10).map(lambda v: v // 1_000_000 * 1_000_000), parts=st.integers(1, 15))
def test_split_principal_is_split_evenly(total, parts):
    assert split_principal(total, parts, 100_000) == split_evenly(total, parts, unit=100_000)


def test_transfer_day_is_the_first_month_end_after_the_final_installment():
    assert transfer_day(ordinal(D(2020, 3, 15))) == ordinal(D(2020, 3, 31))
    assert transfer_day(ordinal(D(2020, 3, 31))) == ordinal(D(2020, 4, 30))
    assert transfer_day(ordinal(D(2020, 2, 28))) == ordinal(D(2020, 2, 29))
    assert transfer_day(ordinal(D(2019, 12, 31))) == ordinal(D(2020, 1, 31))


def test_collection_days_are_the_session_days_of_the_collection_months():
    days = collection_days(31, ordinal(D(2019, 1, 1)), ordinal(D(2020, 12, 31)), (3, 6, 9, 12))
    assert [dt.date.fromordinal(d) for d in days] == [
        D(2019, 3, 31), D(2019, 6, 30), D(2019, 9, 30), D(2019, 12, 31),
        D(2020, 3, 31), D(2020, 6, 30), D(2020, 9, 30), D(2020, 12, 31),
    ]
    assert collection_days(15, ordinal(D(2019, 1, 1)), ordinal(D(2019, 12, 10)), (12,)) == []


RATES = [Decimal("6.6"), Decimal("7.92"), Decimal("9"), Decimal("3"), Decimal("6.24"), Decimal("10.296")]


@st.composite
def balance_histories(draw):
    start = draw(st.dates(D(2019, 1, 1), D(2025, 6, 30)))
    length = draw(st.integers(1, 400))
    end = start + dt.timedelta(days=length - 1)
    changes = {}
    for account in ("current", "overdue"):
        days = draw(st.lists(st.integers(-60, length + 30), min_size=0, max_size=5, unique=True))
        changes[account] = {start + dt.timedelta(days=d): draw(st.integers(0, 80)) * 500_000 for d in sorted(days)}
    cut = draw(st.integers(1, length)) if length > 1 else None
    contract = draw(st.sampled_from(RATES))
    rates = [RateSegment(start - dt.timedelta(days=90), end + dt.timedelta(days=90), contract)]
    if cut is not None:
        later = draw(st.sampled_from(RATES))
        middle = start + dt.timedelta(days=cut)
        rates = [RateSegment(start - dt.timedelta(days=90), middle - dt.timedelta(days=1), contract),
                 RateSegment(middle, end + dt.timedelta(days=90), later)]
    grace_last = start + dt.timedelta(days=draw(st.integers(-30, length + 30)))
    return start, end, changes, rates, grace_last


def _scaled(segments):
    return [(s.start.toordinal(), s.end.toordinal(), scaled_rate(s.annual_rate)) for s in segments]


@settings(max_examples=300, deadline=None)
@given(history=balance_histories())
def test_accrual_is_the_engines_interest_by_bucket(history):
    start, end, changes, rates, grace_last = history
    overdue_rates = [RateSegment(s.start, s.end, s.annual_rate * Decimal("1.3")) for s in rates]
    series = Series(current=sorted((d.toordinal(), b) for d, b in changes["current"].items()),
                    overdue=sorted((d.toordinal(), b) for d, b in changes["overdue"].items()))
    found = accrue(series, start.toordinal(), end.toordinal(), (_scaled(rates), _scaled(overdue_rates)),
                   grace_last.toordinal())

    def engine(balances, segments, first, last):
        if last < first or not balances:
            return 0
        return accrue_interest(balances=balances, rates=segments, start=first, end=last).total

    grace = engine(changes["current"], rates, start, min(end, grace_last)) if grace_last >= start else 0
    in_term = engine(changes["current"], rates, max(start, grace_last + dt.timedelta(days=1)), end)
    overdue = engine(changes["overdue"], overdue_rates, start, end)
    assert found == (in_term, overdue, grace)


# --- principal timelines ---------------------------------------------------------------------------------------


def _loan(behaviour=Behaviour.ON_TIME, **fields) -> LoanPlan:
    group = GroupRef(index=0, kind="G", organization="11", code="2400001", commune_id=1, village_id=1, point_id=1,
                     point_code="TXN0000101", session_day=12, office_id=1, office_code="002401", unit_id=1,
                     established=ordinal(D(2005, 1, 1)))
    member = Member(household_id=1, customer_code="2401000001", group=group, kind="A", joined=ordinal(D(2010, 1, 1)),
                    status="POOR")
    values = {"program": "01", "category": None, "amount": 40_000_000, "disbursed": ordinal(D(2016, 3, 12)),
              "term": 60, "grace": 0, "frequency": 12, "role": "primary", "behaviour": behaviour}
    values.update(fields)
    return LoanPlan(member=member, **values)


def _replay(timeline):
    current = overdue = frozen = 0
    for _day, _code, d_current, d_overdue, d_frozen in timeline.events:
        current, overdue, frozen = current + d_current, overdue + d_overdue, frozen + d_frozen
        assert min(current, overdue, frozen) >= 0
    return current, overdue, frozen


END = ordinal(D(2020, 12, 31))


def test_on_time_loan_repays_each_installment_on_its_due_day():
    timeline = build_timeline(_loan(), END)
    assert [dt.date.fromordinal(d) for d in timeline.due_days] == [D(2017 + k, 3, 12) for k in range(5)]
    repayments = [(dt.date.fromordinal(day), -d_current) for day, code, d_current, *_ in timeline.events
                  if code == REPAY]
    assert repayments == [(D(2017 + k, 3, 12), 8_000_000) for k in range(4)]  # the fifth falls after the end
    assert timeline.zero_on is None
    assert timeline.outstanding_at(ordinal(D(2020, 12, 31))) == 8_000_000
    assert timeline.paid_by_installment == [8_000_000] * 4 + [0]


def test_a_prepayment_shortens_the_tail_of_the_schedule():
    loan = _loan(extra=[(ordinal(D(2018, 6, 12)), 10_000_000)])
    timeline = build_timeline(loan, END)
    assert timeline.outstanding_at(ordinal(D(2018, 6, 12))) == 40_000_000 - 16_000_000 - 10_000_000
    # Installments keep their amounts; the last ones shrink: 8 + 8 + 10 + 8 + 6 (the fourth pays what is left).
    assert timeline.outstanding_at(ordinal(D(2020, 3, 12))) == 0
    assert timeline.zero_on == ordinal(D(2020, 3, 12))
    assert timeline.paid_by_installment == [8_000_000] * 5


def test_delinquent_loan_goes_overdue_at_the_month_end_after_its_final_installment():
    loan = _loan(Behaviour.DELINQUENT, disbursed=ordinal(D(2014, 5, 12)), fixed=True)
    loan.before_maturity = [(ordinal(D(2015, 5, 12)), 8_000_000), (ordinal(D(2016, 5, 12)), 3_000_000)]
    loan.after_transfer = [(ordinal(D(2019, 10, 12)), 1_500_000)]
    loan.write_off_on = ordinal(D(2020, 6, 22))
    timeline = build_timeline(loan, END)
    codes = [(dt.date.fromordinal(day), code) for day, code, *_ in timeline.events]
    assert codes == [(D(2014, 5, 12), DISBURSE), (D(2015, 5, 12), REPAY), (D(2016, 5, 12), REPAY),
                     (D(2019, 5, 31), TRANSFER), (D(2019, 10, 12), REPAY), (D(2020, 6, 22), WRITE_OFF)]
    assert timeline.balance_at(ordinal(D(2019, 5, 30))) == (29_000_000, 0, 0)
    assert timeline.balance_at(ordinal(D(2019, 12, 31))) == (0, 27_500_000, 0)
    assert _replay(timeline) == (0, 0, 0)
    assert sum(timeline.transferred) == 29_000_000
    # Transferred from the installments not paid when it happened: the rest of the second, then the later ones.
    assert timeline.transferred == [0, 5_000_000, 8_000_000, 8_000_000, 8_000_000]


def test_late_installment_with_a_term_adjustment_moves_its_due_day():
    loan = _loan(Behaviour.LATE, late_number=2, late_months=2, adjusted=True)
    timeline = build_timeline(loan, END)
    assert timeline.adjusted_number == 2
    assert dt.date.fromordinal(timeline.due_days[1]) == D(2018, 5, 12)
    assert dt.date.fromordinal(timeline.original_days[1]) == D(2018, 3, 12)
    assert timeline.outstanding_at(ordinal(D(2018, 4, 30))) == 32_000_000
    assert timeline.outstanding_at(ordinal(D(2018, 5, 12))) == 24_000_000


def test_extension_moves_the_last_installment_to_the_extended_maturity():
    loan = _loan(Behaviour.EXTENDED, disbursed=ordinal(D(2015, 2, 12)), extension_months=12)
    timeline = build_timeline(loan, END)
    assert dt.date.fromordinal(timeline.extended_to) == D(2021, 2, 12)
    assert timeline.outstanding_at(END) == 8_000_000  # not yet due: no transfer to overdue


@given(seed=st.integers(0, 10**6))
def test_timelines_never_go_negative_and_account_for_every_vnd(seed):
    rng = random.Random(seed)
    behaviour = rng.choice([Behaviour.ON_TIME, Behaviour.PREPAY, Behaviour.LATE, Behaviour.EXTENDED])
    loan = _loan(behaviour, amount=rng.randint(5, 100) * 1_000_000,
                 disbursed=ordinal(D(2014, 1, 12)) + rng.randint(0, 2400), term=rng.choice([24, 36, 60, 120]),
                 frequency=rng.choice([6, 12]), late_number=1, late_months=rng.randint(1, 3),
                 adjusted=rng.random() < 0.5, extension_months=rng.choice([6, 12]),
                 stop=ordinal(D(2019, 6, 12)),
                 extra=[(ordinal(D(2017, 1, 12)) + rng.randint(0, 900), rng.randint(1, 5) * 1_000_000)])
    timeline = build_timeline(loan, END)
    outstanding = sum(_replay(timeline))
    repaid = -sum(d_current + d_overdue + d_frozen for _d, code, d_current, d_overdue, d_frozen in timeline.events
                  if code == REPAY)
    assert outstanding == loan.amount - repaid == timeline.outstanding_at(END)
    assert sum(timeline.paid_by_installment) == repaid
    assert sum(timeline.installments) == loan.amount


# --- exact overdue amounts -------------------------------------------------------------------------------------


@given(bounds=st.lists(st.tuples(st.integers(1, 500), st.integers(0, 500)), min_size=1, max_size=30),
       fill=st.floats(0, 1), seed=st.integers(0, 10**6))
def test_solve_hits_the_target_within_each_range(bounds, fill, seed):
    items = [(index, lo * STEP, (lo + extra) * STEP) for index, (lo, extra) in enumerate(bounds)]
    low, high = sum(lo for _k, lo, _h in items), sum(hi for _k, _l, hi in items)
    target = low + round((high - low) * fill / STEP) * STEP
    values = _solve(items, target, random.Random(seed))
    assert sum(values.values()) == target
    assert all(lo <= values[key] <= hi and values[key] % STEP == 0 for key, lo, hi in items)


def test_solve_refuses_an_unreachable_target():
    with pytest.raises(ValueError, match="outside the feasible range"):
        _solve([("a", 10 * STEP, 20 * STEP)], 30 * STEP, random.Random(1))
