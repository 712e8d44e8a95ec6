"""Step 3 — món vay 3 tháng không hoạt động (KHĐ): a balance, and the last transaction STRICTLY BEFORE the same
calendar day three months before the data date, clamped to the month's end; frozen and student loans excluded."""

import pytest

from tests.closing.support import D, freeze, loan_of, make_student_loan, snapshot_of
from uythac.closing.models import ALL_ORGANIZATIONS, ProvinceSnapshot
from uythac.closing.runner import close_month
from uythac.closing.scope import scope_parse
from uythac.closing.steps import CloseContext
from uythac.closing.steps.snapshots import InactiveFlag
from uythac.core.models import RuleValue
from uythac.core.periods import Period
from uythac.loans.services import loan_collect_interest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("period", "disbursed_on", "cutoff"),
    [
        ("2026-09", D(2026, 3, 12), D(2026, 6, 30)),  # 30/09 → 30/06
        ("2026-05", D(2025, 10, 12), D(2026, 2, 28)),  # 31/05 → 28/02 (2026 is not a leap year)
        ("2024-05", D(2023, 10, 12), D(2024, 2, 29)),  # 31/05 → 29/02 (2024 is)
    ],
)
def test_a_transaction_on_the_cutoff_day_is_activity_the_day_before_is_not(cw, period, disbursed_on, cutoff):
    on_cutoff = loan_of(cw, cw.household_a, cw.group_a, on=disbursed_on, amount=10_000_000)
    day_before = loan_of(cw, cw.household_b, cw.group_b, on=disbursed_on, amount=10_000_000)
    loan_collect_interest(actor=cw.admin, loan=on_cutoff, amount=10_000, on=cutoff)
    loan_collect_interest(actor=cw.admin, loan=day_before, amount=10_000, on=cutoff.replace(day=cutoff.day - 1))
    report = close_month(period=period, close_ledger=False)
    assert next(s for s in report.steps if s.step == "inactive_3m").rows == 1
    active, inactive = snapshot_of(period, on_cutoff), snapshot_of(period, day_before)
    assert (active.last_transaction_on, active.is_inactive_3m) == (cutoff, False)
    assert (inactive.last_transaction_on, inactive.is_inactive_3m) == (cutoff.replace(day=cutoff.day - 1), True)
    total = ProvinceSnapshot.objects.get(period=period, province=cw.province, organization_code=ALL_ORGANIZATIONS)
    assert (total.inactive_3m_loans, total.inactive_3m_amount) == (1, 10_000_000)


def test_frozen_and_student_loans_are_never_inactive(cw):
    plain = loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 3, 12), amount=10_000_000)
    frozen = loan_of(cw, cw.household_b, cw.group_b, on=D(2025, 3, 15), amount=10_000_000)
    student = loan_of(cw, cw.household_a_women, cw.group_a_women, on=D(2025, 3, 12), amount=10_000_000)
    freeze(frozen, D(2025, 6, 1))
    make_student_loan(student)
    close_month(period="2026-09", close_ledger=False)
    # All three last moved at their disbursement in March 2025, long before the cut-off of 30/06/2026.
    assert [snapshot_of("2026-09", loan).is_inactive_3m for loan in (plain, frozen, student)] == [True, False, False]
    assert (snapshot_of("2026-09", frozen).principal_frozen, snapshot_of("2026-09", student).program_code) == (
        10_000_000, "02")


def test_a_transaction_after_the_period_end_does_not_count(cw):
    loan = loan_of(cw, cw.household_a, cw.group_a, on=D(2026, 3, 12), amount=10_000_000)
    loan_collect_interest(actor=cw.admin, loan=loan, amount=10_000, on=D(2026, 10, 5))
    close_month(period="2026-09", close_ledger=False)
    snapshot = snapshot_of("2026-09", loan)
    # The latest transaction up to 30/09 is the disbursement (12/03/2026): before the cut-off 30/06.
    assert (snapshot.last_transaction_on, snapshot.is_inactive_3m) == (D(2026, 3, 12), True)


def test_a_redo_of_the_flag_alone_gives_the_same_rows(cw):
    loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 3, 12), amount=10_000_000)
    close_month(period="2026-09", close_ledger=False)
    flagged = sorted(ProvinceSnapshot.objects.filter(period="2026-09").values_list(
        "organization_code", "inactive_3m_loans"))
    report = close_month(period="2026-09", close_ledger=False, redo=True)
    assert next(s for s in report.steps if s.step == "inactive_3m").rows == 1
    assert sorted(ProvinceSnapshot.objects.filter(period="2026-09").values_list(
        "organization_code", "inactive_3m_loans")) == flagged == [("", 1), ("11", 1)]


def test_the_flag_step_alone_re_evaluates_rows_written_under_another_rule(cw):
    """The snapshot step writes the flag with each row; re-running the flag step after the dated rule changed (here:
    frozen loans no longer excluded) updates only the rows whose flag differs and counts the loans flagged."""
    plain = loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 3, 12), amount=10_000_000)
    frozen = loan_of(cw, cw.household_b, cw.group_b, on=D(2025, 3, 15), amount=10_000_000)
    freeze(frozen, D(2025, 6, 1))
    close_month(period="2026-09", close_ledger=False)
    assert [snapshot_of("2026-09", loan).is_inactive_3m for loan in (plain, frozen)] == [True, False]
    rule = RuleValue.objects.get(key="closing.inactive_3m", effective_to__isnull=True)
    rule.value = {**rule.value, "exclude_frozen": False}
    rule.save()
    ctx = CloseContext(period=Period.parse("2026-09"), scope=scope_parse(None), actor=None, run_id=None)
    assert InactiveFlag().run(ctx) == 2
    assert [snapshot_of("2026-09", loan).is_inactive_3m for loan in (plain, frozen)] == [True, True]
