"""727 targets and their coverage, on hand-built loans, groups and inspection rows (exact, hand-computed counts)."""

from decimal import Decimal

import pytest

from tests.inspections.support import D, inspect_group, inspect_loan, loan
from uythac.closing.runner import close_month
from uythac.closing.scope import scope_parse
from uythac.groups.models import SavingsGroup
from uythac.inspections.selectors import CoverageRow, coverage, coverage_ratio, inspection_targets

pytestmark = pytest.mark.django_db

POST, INACTIVE, GROUP = "POST_DISBURSEMENT", "INACTIVE_3M", "ANNUAL_GROUP"


def _row(rows, key, kind):
    return next(r for r in rows if (r.key, r.kind) == (key, kind))


def _counts(row: CoverageRow):
    return (row.targets, row.covered, row.late, row.missing, row.pending, row.ratio)


@pytest.fixture
def post(iw):
    """Four loans in August 2026. Deadlines (disbursed + 30 days): 04/09, 19/09, 30/09 (September) and 09/09 for
    the loan of province 79. Loan 1 is checked on 20/08 (entered 22/08); loan 2 only on 25/09, after its deadline;
    loan 3 not at all; the province-79 loan is checked in time."""
    loans = {
        "a": loan(iw, iw.household_a, iw.group_a, D(2026, 8, 5)),
        "a_women": loan(iw, iw.household_a_women, iw.group_a_women, D(2026, 8, 20)),
        "b": loan(iw, iw.household_b, iw.group_b, D(2026, 8, 31)),
        "c": loan(iw, iw.household_c, iw.group_c, D(2026, 8, 10)),
    }
    inspect_loan(loans["a"], on=D(2026, 8, 20), entered=D(2026, 8, 22))
    inspect_loan(loans["a_women"], on=D(2026, 9, 25))
    inspect_loan(loans["c"], on=D(2026, 8, 15))
    return iw, loans


def test_post_disbursement_targets_are_the_loans_whose_deadline_falls_in_the_period(post):
    iw, loans = post
    targets = inspection_targets(scope_parse("01"), "2026-09", kinds=[POST])[POST]
    by_loan = {t.loan_number: (t.target_status, t.target_deadline) for t in targets}
    assert by_loan == {
        loans["a"].loan_number: ("COVERED", D(2026, 9, 4)),
        loans["a_women"].loan_number: ("LATE", D(2026, 9, 19)),
        # Nothing entered by 05/10 (the default "as of": period end + 5 days of entry grace): missing.
        loans["b"].loan_number: ("MISSING", D(2026, 9, 30)),
    }
    # Seen on 30/09, loan 3 could still be checked and entered until 05/10: pending.
    early = inspection_targets(scope_parse("01"), "2026-09", kinds=[POST], as_of=D(2026, 9, 30))[POST]
    assert early.get(pk=loans["b"].pk).target_status == "PENDING"
    assert inspection_targets(scope_parse("01"), "2026-08", kinds=[POST])[POST].count() == 0


def test_coverage_by_unit_organization_and_total(post):
    iw, _loans = post
    later = D(2026, 10, 10)  # loan 3's entry deadline (05/10) has passed: missing
    by_unit = coverage(scope_parse("01"), "2026-09", by="unit", as_of=later)
    assert _counts(_row(by_unit, iw.unit_a["11"].code, POST)) == (1, 1, 0, 0, 0, Decimal("100.00"))
    assert _counts(_row(by_unit, iw.unit_a["12"].code, POST)) == (1, 0, 1, 0, 0, Decimal("0.00"))
    assert _counts(_row(by_unit, iw.unit_b["11"].code, POST)) == (1, 0, 0, 1, 0, Decimal("0.00"))
    by_org = coverage(scope_parse("01"), "2026-09", by="organization", as_of=later)
    assert _counts(_row(by_org, "11", POST)) == (2, 1, 0, 1, 0, Decimal("50.00"))
    total = coverage(scope_parse("01"), "2026-09", by="total", as_of=D(2026, 9, 30))
    # As of the period end loan 3 is still pending.
    assert _counts(_row(total, "", POST)) == (3, 1, 1, 0, 1, Decimal("33.33"))
    assert _counts(_row(coverage(scope_parse("01"), "2026-09", by="total"), "", POST)) == (
        3, 1, 1, 1, 0, Decimal("33.33"))
    assert all(row.provisional for row in total)
    country = coverage(None, "2026-09", by="total", as_of=later)
    assert _counts(_row(country, "", POST)) == (4, 2, 1, 1, 0, Decimal("50.00"))


def test_a_check_in_time_but_entered_after_the_entry_deadline_is_late(iw):
    one = loan(iw, iw.household_a, iw.group_a, D(2026, 8, 5))  # deadline 04/09, entry deadline 09/09
    inspect_loan(one, on=D(2026, 9, 1), entered=D(2026, 9, 10))
    rows = coverage(scope_parse("01"), "2026-09", by="total")
    assert _counts(_row(rows, "", POST)) == (1, 0, 1, 0, 0, Decimal("0.00"))
    # Seen on 09/09, before the late entry, the loan was still pending (its entry deadline had not passed).
    rows = coverage(scope_parse("01"), "2026-09", by="total", as_of=D(2026, 9, 8))
    assert _counts(_row(rows, "", POST)) == (1, 0, 0, 0, 1, Decimal("0.00"))


def test_a_check_before_the_disbursement_does_not_cover_it(iw):
    one = loan(iw, iw.household_a, iw.group_a, D(2026, 8, 5))
    inspect_loan(one, on=D(2026, 8, 5))  # the day itself counts
    two = loan(iw, iw.household_b, iw.group_b, D(2026, 8, 6))
    from uythac.inspections.models import Inspection

    Inspection.objects.filter(loan=one).update(inspected_on=D(2026, 8, 4), entered_on=D(2026, 8, 4))
    inspect_loan(two, on=D(2026, 8, 6))
    rows = coverage(scope_parse("01"), "2026-09", by="commune", as_of=D(2026, 10, 31))
    assert _counts(_row(rows, iw.commune_a.code, POST)) == (1, 0, 0, 1, 0, Decimal("0.00"))
    assert _counts(_row(rows, iw.commune_b.code, POST)) == (1, 1, 0, 0, 0, Decimal("100.00"))


def test_inactive_loans_of_the_period_close_are_targets_of_that_period(iw):
    checked = loan(iw, iw.household_a, iw.group_a, D(2026, 3, 12))
    late = loan(iw, iw.household_b, iw.group_b, D(2026, 3, 12))
    close_month(period="2026-09", close_ledger=False)
    inspect_loan(checked, on=D(2026, 9, 15), entered=D(2026, 9, 16), reason="INACTIVE_3M")
    inspect_loan(checked, on=D(2026, 8, 31), reason="INACTIVE_3M")  # the month before: irrelevant here
    inspect_loan(late, on=D(2026, 10, 2), reason="INACTIVE_3M")
    scope = scope_parse("01")
    assert _counts(_row(coverage(scope, "2026-09", by="total", as_of=D(2026, 9, 30)), "", INACTIVE)) == (
        2, 1, 0, 0, 1, Decimal("50.00"))
    # By default (as of 05/10) the check of 02/10 is there, after the deadline: late.
    assert _counts(_row(coverage(scope, "2026-09", by="total"), "", INACTIVE)) == (2, 1, 1, 0, 0, Decimal("50.00"))
    rows = coverage(scope, "2026-09", by="commune", as_of=D(2026, 10, 10))
    assert _counts(_row(rows, iw.commune_a.code, INACTIVE)) == (1, 1, 0, 0, 0, Decimal("100.00"))
    assert _counts(_row(rows, iw.commune_b.code, INACTIVE)) == (1, 0, 1, 0, 0, Decimal("0.00"))
    # Not closed: no snapshot, no inactive targets.
    assert inspection_targets(scope, "2026-08", kinds=[INACTIVE])[INACTIVE].count() == 0


def test_groups_need_a_group_inspection_in_the_last_twelve_months(iw):
    # World groups were founded on 01/03/2015. Window for 2026-09: 01/10/2025 – 30/09/2026.
    inspect_group(iw.group_a, on=D(2025, 12, 1))
    inspect_group(iw.group_b, on=D(2025, 9, 30))  # one day too early
    inspect_group(iw.group_a_women, on=D(2026, 10, 3))  # after the period end: late
    young = SavingsGroup.objects.create(
        code="0000009", name="Tổ mới", commune=iw.commune_a, association_unit=iw.unit_a["11"],
        transaction_point=iw.point_a, established_on=D(2026, 1, 1),
    )
    closed = SavingsGroup.objects.create(
        code="0000008", name="Tổ đã giải thể", commune=iw.commune_a, association_unit=iw.unit_a["11"],
        transaction_point=iw.point_a, established_on=D(2015, 1, 1), status="DISSOLVED", closed_on=D(2026, 6, 30),
    )
    targets = inspection_targets(scope_parse("01"), "2026-09", kinds=[GROUP], as_of=D(2026, 10, 10))[GROUP]
    assert {g.code: g.target_status for g in targets} == {
        "0000001": "COVERED", "0000003": "MISSING", "0000002": "LATE",
    }
    assert young.code not in {g.code for g in targets} and closed.code not in {g.code for g in targets}
    rows = coverage(scope_parse("01"), "2026-09", by="organization", as_of=D(2026, 10, 10))
    assert _counts(_row(rows, "11", GROUP)) == (2, 1, 0, 1, 0, Decimal("50.00"))
    assert _counts(_row(rows, "12", GROUP)) == (1, 0, 1, 0, 0, Decimal("0.00"))
    # A loan inspection in the group does not count as the group's inspection.
    assert _counts(_row(coverage(scope_parse("79"), "2026-09", by="total"), "", GROUP))[:2] == (1, 0)


def test_a_commune_association_officer_sees_only_its_unit(post):
    iw, _loans = post
    rows = coverage(iw.commune_association, "2026-09", by="unit", as_of=D(2026, 10, 10))
    assert {r.key for r in rows} == {iw.unit_a["11"].code}
    assert _counts(_row(rows, iw.unit_a["11"].code, "")) == (2, 1, 0, 1, 0, Decimal("50.00"))
    assert _counts(_row(rows, iw.unit_a["11"].code, POST)) == (1, 1, 0, 0, 0, Decimal("100.00"))
    assert _counts(_row(rows, iw.unit_a["11"].code, GROUP)) == (1, 0, 0, 1, 0, Decimal("0.00"))


def test_ratio_rounding_is_half_up_to_two_places():
    assert coverage_ratio(1, 3) == Decimal("33.33")
    assert coverage_ratio(2, 3) == Decimal("66.67")
    assert coverage_ratio(1, 8) == Decimal("12.50")
    assert coverage_ratio(1, 200) == Decimal("0.50")
    assert coverage_ratio(1, 400) == Decimal("0.25")
    assert coverage_ratio(0, 0) is None
