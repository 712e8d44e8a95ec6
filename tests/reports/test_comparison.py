"""Comparison of two closed periods on the hand-built snapshots of ``dashboard_data``: changes, growth, movers and
the refusals."""

from decimal import Decimal

import pytest

from tests.reports.dashboard_data import AUG, SEP, M, build_snapshots
from uythac.closing.models import ProvinceSnapshot
from uythac.core.exceptions import DomainError
from uythac.reports.comparison import compare, growth
from uythac.reports.dashboard import available_periods
from uythac.reports.dashboard_nodes import dashboard_node

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    build_snapshots(world)
    return world


def run(user, kind, code, before=AUG, after=SEP):
    node = dashboard_node(user, kind, code)
    return compare(node, before, after, available_periods(node))


def test_growth():
    assert growth(85 * M, 68 * M) == Decimal("-20.00")
    assert growth(3, 4) == Decimal("33.33")
    assert growth(3, 5) == Decimal("66.67")  # ROUND_HALF_UP
    assert growth(0, 5) is None


def test_lines_of_a_province(data):
    comparison = run(data.branch_staff, "province", "01")
    lines = {line.key: line for line in comparison.lines}
    assert (comparison.before_label, comparison.after_label, comparison.mover_level) == ("08/2026", "09/2026",
                                                                                         "commune")
    assert (lines["outstanding"].before, lines["outstanding"].after, lines["outstanding"].change,
            lines["outstanding"].growth) == (85 * M, 68 * M, -17 * M, Decimal("-20.00"))
    assert (lines["principal_overdue"].change, lines["principal_overdue"].growth, lines["principal_overdue"].trend) == (
        2 * M, Decimal("200.00"), "bad")
    assert (lines["overdue_ratio"].before, lines["overdue_ratio"].after) == (Decimal("1.176"), Decimal("4.412"))
    assert (lines["inactive_3m_loans"].change, lines["inactive_3m_loans"].growth, lines["inactive_3m_loans"].trend) == (
        -1, Decimal("-50.00"), "good")
    assert (lines["savings_balance"].before, lines["savings_balance"].after, lines["savings_balance"].growth) == (
        1_500_000, 2_200_000, Decimal("46.67"))
    assert (lines["borrowing_households"].before, lines["borrowing_households"].after) == (5, 4)


def test_movers_among_the_communes(data):
    movers = {m.key: m for m in run(data.admin, "province", "01").movers}
    # Both communes lent less: no improvement in outstanding, B (−15M) worsened more than A (−2M).
    assert movers["outstanding"].improved == []
    assert [(m.code, m.change) for m in movers["outstanding"].worsened] == [("00004", -15 * M), ("00070", -2 * M)]
    assert [(m.code, m.change) for m in movers["principal_overdue"].improved] == [("00004", -1 * M)]
    assert [(m.code, m.before, m.after, m.growth) for m in movers["principal_overdue"].worsened] == [
        ("00070", 0, 3 * M, None)]
    assert [(m.code, m.change) for m in movers["inactive_3m_loans"].improved] == [("00004", -2)]
    assert [(m.code, m.change) for m in movers["inactive_3m_loans"].worsened] == [("00070", 1)]
    # A: 1.0M → 1.7M; B unchanged (not a mover).
    assert [(m.code, m.change, m.growth) for m in movers["savings_balance"].improved] == [
        ("00070", 700_000, Decimal("70.00"))]
    assert movers["savings_balance"].worsened == []


def test_movers_among_groups_and_households(data):
    comparison = run(data.admin, "commune", "00070")
    assert comparison.mover_level == "group"
    movers = {m.key: m for m in comparison.movers}
    assert [(m.code, m.change) for m in movers["outstanding"].worsened] == [("0000001", -2 * M)]
    assert [(m.code, m.change) for m in movers["savings_balance"].improved] == [
        ("0000001", 500_000), ("0000002", 200_000)]
    households = run(data.group_leader, "group", "0000001")
    assert households.mover_level == "household"
    overdue = {m.key: m for m in households.movers}["principal_overdue"]
    assert [(m.code, m.change) for m in overdue.worsened] == [(data.household_a.customer_code, 3 * M)]


def test_association_officer_compares_their_organization(data):
    lines = {line.key: line for line in run(data.province_association, "province", "01").lines}
    assert (lines["outstanding"].before, lines["outstanding"].after) == (70 * M, 53 * M)


def test_defaults_and_refusals(data):
    node = dashboard_node(data.admin, "province", "01")
    periods = available_periods(node)
    default = compare(node, None, None, periods)
    assert (default.before, default.after) == (AUG, SEP)  # no September 2025: the close before the newest
    with pytest.raises(DomainError, match=r"Kỳ so sánh \(09/2026\) phải trước kỳ báo cáo \(08/2026\)"):
        compare(node, SEP, AUG, periods)
    with pytest.raises(DomainError, match=r"phải trước"):
        compare(node, SEP, SEP, periods)
    with pytest.raises(DomainError, match="01/2026"):
        compare(node, "2026-01", SEP, periods)
    with pytest.raises(DomainError, match="YYYY-MM"):
        compare(node, AUG, "sep", periods)
    other = dashboard_node(data.admin, "province", "79")
    with pytest.raises(DomainError, match="chưa có kỳ nào để so sánh"):
        compare(other, None, None, available_periods(other))
    ProvinceSnapshot.objects.all().delete()
    with pytest.raises(DomainError, match="Chưa có kỳ nào được khóa sổ"):
        compare(node, None, None, available_periods(node))


def test_same_month_a_year_before_is_the_default(data):
    ProvinceSnapshot.objects.create(period="2025-09", organization_code="", province=data.province, outstanding=1)
    node = dashboard_node(data.admin, "province", "01")
    comparison = compare(node, None, None, available_periods(node))
    assert (comparison.before, comparison.after) == ("2025-09", SEP)
