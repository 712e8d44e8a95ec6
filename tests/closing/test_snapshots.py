"""Steps 2 and 4 — loan snapshots at the period end and their aggregates: totals equal the loans, the ledger, and the
loans engine's interest; distinct counts count a household once."""

import pytest

from tests.closing.support import D, ledger, loan_of, loan_snapshot_totals, snapshot_of
from tests.support_lending import open_savings
from uythac.closing.models import (
    ALL_ORGANIZATIONS,
    CommuneSnapshot,
    GroupSnapshot,
    LoanSnapshot,
    OfficeSnapshot,
    ProvinceSnapshot,
    UnitProgramSnapshot,
    UnitSnapshot,
)
from uythac.closing.runner import close_month
from uythac.closing.scope import COUNTRY, CloseScope
from uythac.closing.steps.aggregates import Aggregates
from uythac.closing.steps.base import CloseContext
from uythac.core.periods import Period
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.selectors import balance
from uythac.loans.models import Loan
from uythac.loans.selectors import accrual_window_start, interest_due
from uythac.loans.services import loan_collect_interest, loan_repay_principal

pytestmark = pytest.mark.django_db
END = D(2026, 9, 30)


@pytest.fixture
def month(cw):
    """Five loans and three savings accounts, closed for September 2026."""
    loans = {
        # 20M from 12/03/2026, 5M due 12/09/2026 of which 2M repaid: 3M goes overdue at the period end.
        "a1": loan_of(cw, cw.household_a, cw.group_a, on=D(2026, 3, 12), amount=20_000_000, term=24, frequency=6),
        # The same household's second loan, disbursed during the period.
        "a2": loan_of(cw, cw.household_a, cw.group_a, on=D(2026, 9, 15), amount=10_000_000),
        "b": loan_of(cw, cw.household_b, cw.group_b, on=D(2025, 3, 15), amount=30_000_000),
        "women": loan_of(cw, cw.household_a_women, cw.group_a_women, on=D(2026, 6, 12), amount=15_000_000),
        "province_79": loan_of(cw, cw.household_c, cw.group_c, on=D(2026, 5, 5), amount=5_000_000),
    }
    loan_repay_principal(actor=cw.admin, loan=loans["a1"], amount=2_000_000, on=D(2026, 9, 12))
    loan_repay_principal(actor=cw.admin, loan=loans["b"], amount=5_000_000, on=D(2026, 9, 15))
    loan_collect_interest(actor=cw.admin, loan=loans["b"], amount=200_000, on=D(2026, 9, 15))
    open_savings(cw, cw.household_a, on=D(2026, 9, 5), deposit=1_000_000, actor=cw.admin)
    open_savings(cw, cw.household_b, on=D(2025, 3, 10), deposit=500_000, actor=cw.admin)
    open_savings(cw, cw.household_a_women, on=D(2026, 9, 5), actor=cw.admin)
    close_month(period="2026-09", close_ledger=False)
    loans = {key: Loan.objects.get(pk=loan.pk) for key, loan in loans.items()}
    # What the loans engine computes for the days it has not posted yet (the close posts none).
    unposted = {key: interest_due(loan, accrual_window_start(loan), END) for key, loan in loans.items()}
    return cw, loans, unposted


def test_interest_arrears_by_hand_across_a_repayment_and_the_transfer(month):
    _world, loans, _unposted = month
    a1, a2 = snapshot_of("2026-09", loans["a1"]), snapshot_of("2026-09", loans["a2"])
    # a1 in-term: (20M × 184 days + 18M × 18 days + 15M × 1 day) × 6.24 % / 365 = 250,785,600 / 365 = 687,083.8;
    # overdue: 3M × 1 day × 130 % × 6.24 % / 365 = 243,360 / 365 = 666.7.
    assert (a1.principal_current, a1.principal_overdue) == (15_000_000, 3_000_000)
    assert (a1.interest_arrears_in_term, a1.interest_arrears_overdue, a1.interest_arrears_grace) == (687_084, 667, 0)
    # a2: 10M × 16 days × 6.24 % / 365 = 27,353.4.
    assert (a2.interest_arrears_in_term, a2.disbursed_in_period) == (27_353, 10_000_000)


def test_each_snapshot_equals_the_ledger_and_the_engine(month):
    _world, loans, unposted = month
    for key, loan in loans.items():
        row = snapshot_of("2026-09", loan)
        assert (row.principal_current, row.principal_overdue, row.principal_frozen) == (
            ledger(A.LOAN_CURRENT, loan, END), ledger(A.LOAN_OVERDUE, loan, END), ledger(A.LOAN_FROZEN, loan, END))
        assert (row.principal_current, row.principal_overdue) == (loan.principal_current, loan.principal_overdue)
        expected = (loan.interest_arrears_in_term + unposted[key].in_term,
                    loan.interest_arrears_overdue + unposted[key].overdue,
                    loan.interest_arrears_grace + unposted[key].grace)
        assert (row.interest_arrears_in_term, row.interest_arrears_overdue, row.interest_arrears_grace) == expected
    totals = loan_snapshot_totals("2026-09")
    assert (totals["current"], totals["overdue"], totals["frozen"]) == (
        ledger(A.LOAN_CURRENT, as_of=END), ledger(A.LOAN_OVERDUE, as_of=END), ledger(A.LOAN_FROZEN, as_of=END))
    posted = ledger(A.INTEREST_RECEIVABLE, as_of=END)
    assert totals["in_term"] + totals["interest_overdue"] + totals["grace"] == posted + sum(
        due.total for due in unposted.values())


def test_the_month_flows_of_a_loan(month):
    _world, loans, _unposted = month
    b = snapshot_of("2026-09", loans["b"])
    assert (b.principal_collected, b.interest_collected, b.last_transaction_on) == (5_000_000, 200_000, D(2026, 9, 15))
    a1 = snapshot_of("2026-09", loans["a1"])
    assert (a1.principal_collected, a1.overdue_transferred, a1.disbursed_in_period) == (2_000_000, 3_000_000, 0)
    assert (a1.organization_code, a1.program_code, a1.status) == ("11", "01", "OPEN")


def test_province_totals_by_organization_and_overall(month):
    world, loans, _unposted = month
    rows = {row.organization_code: row for row in ProvinceSnapshot.objects.filter(period="2026-09",
                                                                                  province=world.province)}
    assert sorted(rows) == ["", "11", "12"]
    total = rows[ALL_ORGANIZATIONS]
    assert (total.outstanding, total.principal_current, total.principal_overdue) == (
        15_000_000 + 3_000_000 + 10_000_000 + 25_000_000 + 15_000_000, 65_000_000, 3_000_000)
    # household_a has two loans: counted once; three groups; one loan overdue.
    assert (total.loans_with_balance, total.borrowing_households, total.groups_with_balance, total.overdue_loans) == (
        4, 3, 3, 1)
    assert (total.disbursed_count, total.disbursed_amount, total.principal_collected, total.interest_collected,
            total.overdue_transferred) == (1, 10_000_000, 7_000_000, 200_000, 3_000_000)
    assert (total.savings_balance, total.savings_members, total.savings_deposited) == (1_500_000, 2, 1_000_000)
    farmers, women = rows["11"], rows["12"]
    assert (farmers.outstanding, farmers.borrowing_households, farmers.groups_with_balance) == (53_000_000, 2, 2)
    assert (women.outstanding, women.borrowing_households, women.savings_members) == (15_000_000, 1, 0)
    assert farmers.outstanding + women.outstanding == total.outstanding
    other = ProvinceSnapshot.objects.get(period="2026-09", province__code="79", organization_code=ALL_ORGANIZATIONS)
    assert (other.outstanding, other.borrowing_households) == (5_000_000, 1)
    all_provinces = sum(ProvinceSnapshot.objects.filter(period="2026-09", organization_code="").values_list(
        "outstanding", flat=True))
    assert all_provinces == sum(row.outstanding for row in LoanSnapshot.objects.filter(period="2026-09"))


def test_group_unit_commune_and_office_rows(month):
    world, _loans, _unposted = month
    group_a = GroupSnapshot.objects.get(period="2026-09", group=world.group_a)
    assert (group_a.organization_code, group_a.outstanding, group_a.loans_with_balance, group_a.borrowing_households,
            group_a.savings_balance, group_a.commune_id, group_a.office_id) == (
        "11", 28_000_000, 2, 1, 1_000_000, world.commune_a.pk, world.office.pk)
    unit = UnitSnapshot.objects.get(period="2026-09", association_unit=world.unit_a["12"])
    assert (unit.organization_code, unit.outstanding, unit.savings_members) == ("12", 15_000_000, 0)
    commune_a = {row.organization_code: row.outstanding
                 for row in CommuneSnapshot.objects.filter(period="2026-09", commune=world.commune_a)}
    assert commune_a == {"": 43_000_000, "11": 28_000_000, "12": 15_000_000}
    office = OfficeSnapshot.objects.get(period="2026-09", office=world.office, organization_code=ALL_ORGANIZATIONS)
    assert (office.outstanding, office.borrowing_households, office.groups_with_balance) == (68_000_000, 3, 3)
    assert office.savings_balance == balance(A.SAVINGS_105, subledger_type="savings", normal=True)


def test_a_household_borrowing_through_two_groups_counts_once_in_every_entity_above_them(month):
    world, loans, _unposted = month
    # household_a borrows through group_a (Farmers) and — relabelled here — through group_a_women (Women): its facts
    # lie in two places, so the aggregates count it through the per-household table, not the per-place counts.
    LoanSnapshot.objects.filter(period="2026-09", loan=loans["women"]).update(household=world.household_a)
    Aggregates().run(CloseContext(period=Period.parse("2026-09"), scope=CloseScope(COUNTRY)))
    rows = {row.organization_code: row for row in ProvinceSnapshot.objects.filter(period="2026-09",
                                                                                  province=world.province)}
    assert (rows[ALL_ORGANIZATIONS].borrowing_households, rows["11"].borrowing_households,
            rows["12"].borrowing_households) == (2, 2, 1)  # household_a and household_b; was (3, 2, 1)
    assert rows[ALL_ORGANIZATIONS].savings_members == 2  # household_a (group_a) and household_b
    assert (rows[ALL_ORGANIZATIONS].loans_with_balance, rows[ALL_ORGANIZATIONS].outstanding) == (4, 68_000_000)
    women = GroupSnapshot.objects.get(period="2026-09", group=world.group_a_women)
    assert (women.borrowing_households, women.outstanding) == (1, 15_000_000)
    commune_a = {row.organization_code: row.borrowing_households
                 for row in CommuneSnapshot.objects.filter(period="2026-09", commune=world.commune_a)}
    assert commune_a == {"": 1, "11": 1, "12": 1}
    office = OfficeSnapshot.objects.get(period="2026-09", office=world.office, organization_code=ALL_ORGANIZATIONS)
    assert office.borrowing_households == 2


def test_a_redo_rebuilds_the_same_rows_without_doubling(month):
    world, _loans, _unposted = month
    before = {
        model.__name__: sorted(model.objects.filter(period="2026-09").values_list("organization_code", "outstanding",
                                                                                   "savings_balance"))
        for model in (GroupSnapshot, UnitSnapshot, CommuneSnapshot, OfficeSnapshot, ProvinceSnapshot)
    }
    loans_before = loan_snapshot_totals("2026-09")
    close_month(period="2026-09", close_ledger=False, redo=True)
    assert loan_snapshot_totals("2026-09") == loans_before
    assert LoanSnapshot.objects.filter(period="2026-09").count() == 5
    for model in (GroupSnapshot, UnitSnapshot, CommuneSnapshot, OfficeSnapshot, ProvinceSnapshot):
        assert sorted(model.objects.filter(period="2026-09").values_list(
            "organization_code", "outstanding", "savings_balance")) == before[model.__name__]


def _member_counts(period, group):
    row = GroupSnapshot.objects.get(period=period, group=group)
    return (row.borrowing_households, row.members_paid_interest_3m, row.members_with_interest_arrears,
            row.members_with_grace_arrears)


def test_bc0437_member_counts_over_the_closed_months_of_the_last_three(month):
    world, loans, _unposted = month
    # September: household_b paid 200.000 đ of interest; household_a paid none and owes interest on both loans.
    assert _member_counts("2026-09", world.group_b) == (1, 1, 1, 0)
    assert _member_counts("2026-09", world.group_a) == (1, 0, 1, 0)
    # October: household_a pays interest on its second loan only — the household paid (one member, counted once).
    loan_collect_interest(actor=world.admin, loan=Loan.objects.get(pk=loans["a2"].pk), amount=40_000,
                          on=D(2026, 10, 10))
    close_month(period="2026-10", close_ledger=False)
    assert _member_counts("2026-10", world.group_a)[:2] == (1, 1)
    assert _member_counts("2026-10", world.group_b)[:2] == (1, 1)  # September is within the last three months
    province = ProvinceSnapshot.objects.get(period="2026-10", province=world.province,
                                            organization_code=ALL_ORGANIZATIONS)
    assert province.members_paid_interest_3m == 2  # household_a, household_b; the Women's group's member paid none
    # The counts equal the loan snapshots they come from: households with a balance and arrears in term or overdue.
    owing = {row.household_id for row in LoanSnapshot.objects.filter(period="2026-10", province=world.province)
             if row.principal_current + row.principal_overdue + row.principal_frozen > 0
             and (row.interest_arrears_in_term > 0 or row.interest_arrears_overdue > 0)}
    assert province.members_with_interest_arrears == len(owing) == 3
    # December, November not closed: the window is October–December and September's payment has left it. (The
    # calendar cannot close December yet: its loan snapshots are October's, with no interest collected.)
    december = list(LoanSnapshot.objects.filter(period="2026-10"))
    for row in december:
        row.period, row.interest_collected = "2026-12", 0
    LoanSnapshot.objects.bulk_create(december)
    Aggregates().run(CloseContext(period=Period.parse("2026-12"), scope=CloseScope(COUNTRY)))
    assert _member_counts("2026-12", world.group_b)[:2] == (1, 0)
    assert _member_counts("2026-12", world.group_a)[:2] == (1, 1)


def test_bc0438_lines_per_unit_and_program_and_villages_with_a_balance(month):
    world, loans, _unposted = month
    lines = {(row.association_unit_id, row.program_code): row
             for row in UnitProgramSnapshot.objects.filter(period="2026-09")}
    program = loans["a1"].program.code
    farmers_a = lines[world.group_a.association_unit_id, program]
    # household_a's two loans (15M + 3M overdue, 10M): one customer, 28M, the 3M overdue; their arrears summed.
    a1, a2 = snapshot_of("2026-09", loans["a1"]), snapshot_of("2026-09", loans["a2"])
    assert (farmers_a.customers, farmers_a.principal_current, farmers_a.principal_overdue, farmers_a.principal_frozen,
            farmers_a.organization_code, farmers_a.office_id, farmers_a.commune_id) == (
        1, 25_000_000, 3_000_000, 0, "11", world.office.pk, world.commune_a.pk)
    assert farmers_a.interest_arrears == sum(
        row.interest_arrears_in_term + row.interest_arrears_overdue + row.interest_arrears_grace for row in (a1, a2))
    assert len(lines) == 4  # group_a's, group_b's, the Women's group's units, and province 79's
    assert sum(row.customers for row in lines.values()) == 4
    unit = UnitSnapshot.objects.get(period="2026-09", association_unit=world.group_a.association_unit_id)
    assert unit.villages_with_balance == 1  # household_a's village
    # A scoped re-close rebuilds the province's lines without doubling them or touching province 79's.
    close_month(period="2026-09", scope=world.province.code, close_ledger=False, redo=True)
    assert UnitProgramSnapshot.objects.filter(period="2026-09").count() == 4
