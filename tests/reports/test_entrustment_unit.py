"""The entrustment report on a small hand-built province: three closes (06, 08 and 10/2026) of four loans and two
savings accounts; every figure below is computed by hand from the loans' terms."""

import datetime as dt
import stat
from decimal import Decimal

import pytest

from tests.reports import entrustment_fixtures
from tests.reports.entrustment_fixtures import COMPARE, PERIOD, D, M
from uythac.core.exceptions import DomainError
from uythac.reports.entrustment import ScopeOutOfReach, entrustment_report
from uythac.reports.render import write_atomically

pytestmark = pytest.mark.django_db
cw, closed = entrustment_fixtures.cw, entrustment_fixtures.closed


def test_table_a_by_organization_and_total(closed):
    report = entrustment_report(scope="01", period=PERIOD, compare=COMPARE)
    rows = {row.code: row for row in report.organizations}
    farmers, women, total = rows["11"], rows["12"], report.total
    assert (farmers.groups_with_balance, farmers.households_with_balance, farmers.outstanding, farmers.overdue) == (
        2, 2, 42 * M, 5 * M)
    assert farmers.overdue_ratio.value == Decimal("11.905")  # 5 ÷ 42 = 11.9047… %
    assert (women.groups_with_balance, women.outstanding, women.overdue, women.overdue_ratio.value) == (
        1, 15 * M, 0, Decimal("0.000"))
    assert rows["13"].outstanding == 0 and rows["13"].overdue_ratio is None
    assert (total.groups_with_balance, total.households_with_balance, total.outstanding, total.overdue) == (
        3, 3, 57 * M, 5 * M)
    assert total.overdue_ratio.value == Decimal("8.772")  # 5 ÷ 57
    assert (farmers.share_of_outstanding.value, women.share_of_outstanding.value) == (Decimal("73.68"),
                                                                                    Decimal("26.32"))
    assert total.average_households_per_group.value == 1 and total.average_outstanding_per_group == 19 * M


def test_changes_against_the_comparison(closed):
    report = entrustment_report(scope="01", period=PERIOD, compare=COMPARE)
    farmers = next(row for row in report.organizations if row.code == "11")
    change = farmers.change
    assert (change.groups_with_balance, change.households_with_balance, change.outstanding, change.overdue) == (
        1, 1, 12 * M, 5 * M)
    assert change.overdue_growth is None  # no overdue on 30/06/2026: no growth rate
    assert report.total.change.groups_with_balance == 1 and report.total.change.outstanding == 12 * M
    # 57M ÷ 3 groups − 45M ÷ 2 groups
    assert report.total.change.average_outstanding_per_group == 19 * M - 22_500_000


def test_flows_savings_groups_and_share(closed):
    report = entrustment_report(scope="01", period=PERIOD, compare=COMPARE)
    flows = report.flows
    assert (flows.disbursed_count, flows.disbursed_amount, flows.savings_deposited) == (1, 12 * M, 500_000)
    assert flows.periods_closed == ("2026-06", "2026-08", "2026-10") and not flows.complete
    savings = report.savings
    assert (savings.balance, savings.balance_change, savings.members_saving, savings.members) == (
        1_500_000, 500_000, 2, 16)
    assert savings.members_saving_share.value == Decimal("12.5")
    assert (savings.groups_with_savings, savings.groups_active, savings.groups_with_savings_share.value) == (
        2, 3, Decimal("67"))
    groups = report.groups
    assert groups.small_groups.values == {"11": 2, "12": 1, "13": 0, "14": 0, "": 3}
    assert groups.with_overdue.total == 1 and groups.above_2pct.values["11"] == 1
    assert groups.with_overdue.share.value == Decimal("33.33") and groups.with_overdue.change == 1
    assert report.entrusted_share.share.value == Decimal("100.0") and report.entrusted_share.direct == 0
    # The scoring app grades the groups at each close: its distribution is shown (3 groups, every one graded).
    grades = {row[0]: row for row in report.grades.rows}
    assert report.grades.available and grades[""][1] == 3 and sum(n for n, _pct in grades[""][2].values()) == 3
    assert sum(pct for _n, pct in grades[""][2].values()) in (Decimal("99.99"), Decimal("100.00"), Decimal("100.01"))
    assert set(grades) == {"", "11", "12"} and grades[""][3] is not None  # changes against 30/06/2026
    # No inspection recorded, no fees or training app: said so.
    assert not report.inspections.available and not report.fees.available and not report.training.available


def test_default_comparison_is_a_year_earlier_or_none(closed):
    report = entrustment_report(scope="01", period=PERIOD)
    assert report.compare is None and report.total.change is None and report.notes


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"scope": "02", "period": PERIOD}, "scope"),
    ({"scope": "01", "period": D(2026, 10, 30)}, "period"),
    ({"scope": "01", "period": D(2025, 12, 31)}, "period"),
    ({"scope": "01", "period": PERIOD, "compare": D(2026, 11, 30)}, "compare"),
    ({"scope": "01", "period": PERIOD, "compare": D(2026, 5, 31)}, "compare"),
])
def test_bad_input_is_refused_with_a_message(closed, kwargs, field):
    with pytest.raises(DomainError) as refused:
        entrustment_report(**kwargs)
    assert field in refused.value.message_dict and refused.value.message_dict[field][0]


def test_scope_out_of_the_users_reach(closed):
    with pytest.raises(ScopeOutOfReach):
        entrustment_report(scope="79", period=PERIOD, user=closed.branch_staff)
    with pytest.raises(ScopeOutOfReach):
        entrustment_report(scope="01", period=PERIOD, user=closed.group_leader)
    assert entrustment_report(scope="000101", period=PERIOD, user=closed.pgd_staff).total.outstanding == 57 * M
    mine = entrustment_report(scope="00070", period=PERIOD, user=closed.commune_association)
    assert [row.code for row in mine.organizations] == ["11"] and mine.total.outstanding == 30 * M


def test_dates_are_month_ends(closed):
    assert entrustment_report(scope="", period=PERIOD).period == dt.date(2026, 10, 31)


def test_a_written_report_is_readable_by_others_like_a_plain_file(tmp_path):
    path = write_atomically(tmp_path / "report.json", b"{}")
    assert (path.read_bytes(), stat.S_IMODE(path.stat().st_mode)) == (b"{}", 0o644)
    assert [entry.name for entry in tmp_path.iterdir()] == ["report.json"]
