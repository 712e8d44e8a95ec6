"""Dashboard selectors on the hand-built snapshots of ``dashboard_data`` (every figure computed by hand)."""

from decimal import Decimal

import pytest
from django.http import Http404

from tests.reports.dashboard_data import AUG, SEP, M, build_snapshots
from uythac.core.exceptions import DomainError
from uythac.reports.dashboard import (
    available_periods,
    children,
    commune_table,
    kpis,
    node_figures,
    organization_rows,
    overdue_band,
    ratio,
    resolve_period,
    sort_rows,
    total,
    trend,
    trend_periods,
)
from uythac.reports.dashboard_nodes import dashboard_node, home_node, node_from_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    build_snapshots(world)
    return world


def figures_of(node, periods=(AUG, SEP)):
    return node_figures(node, periods)


def test_ratio_and_bands():
    assert ratio(3 * M, 68 * M) == Decimal("4.412")  # 4.41176… ROUND_HALF_UP
    assert ratio(1, 8, 2) == Decimal("12.50")
    assert ratio(1, 0) is None and ratio(5, None) is None
    assert ratio(1, 2000) == Decimal("0.050")
    assert [overdue_band(o, 100_000) for o in (0, 1, 499, 500, 1999, 2000)] == [
        "zero", "low", "low", "mid", "mid", "high"]
    assert overdue_band(5, 0) == "zero"


def test_periods(data):
    node = dashboard_node(data.admin, "province", "01")
    assert available_periods(node) == [SEP, AUG]
    assert available_periods(dashboard_node(data.admin, "province", "79")) == [SEP]
    assert resolve_period(node, "", [SEP, AUG]) == SEP
    assert resolve_period(node, " 2026-08 ", [SEP, AUG]) == AUG
    with pytest.raises(DomainError, match="08/2025"):
        resolve_period(node, "2025-08", [SEP, AUG])
    with pytest.raises(DomainError, match="YYYY-MM"):
        resolve_period(node, "08/2026", [SEP, AUG])
    assert trend_periods("2026-09", 3) == ["2026-07", "2026-08", "2026-09"]
    assert len(trend_periods("2026-09")) == 24 and trend_periods("2026-09")[0] == "2024-10"


def test_province_kpis_with_change_against_the_previous_month(data):
    node = dashboard_node(data.branch_staff, "province", "01")
    figures = figures_of(node)
    cards = {kpi.key: kpi for kpi in kpis(total(figures, SEP), total(figures, AUG))}
    assert (cards["outstanding"].value, cards["outstanding"].previous, cards["outstanding"].change) == (
        68 * M, 85 * M, -17 * M)
    assert (cards["principal_overdue"].value, cards["principal_overdue"].change) == (3 * M, 2 * M)
    # 3/68 = 4.412 %, 1/85 = 1.176 %
    assert (cards["overdue_ratio"].value, cards["overdue_ratio"].previous, cards["overdue_ratio"].change) == (
        Decimal("4.412"), Decimal("1.176"), Decimal("3.236"))
    assert cards["overdue_ratio"].trend == "bad"
    assert (cards["inactive_3m_loans"].value, cards["inactive_3m_loans"].change, cards["inactive_3m_loans"].trend) == (
        1, -1, "good")
    assert (cards["inactive_3m_amount"].value, cards["inactive_3m_amount"].change) == (5 * M, -5 * M)
    assert (cards["savings_balance"].value, cards["savings_balance"].change, cards["savings_balance"].trend) == (
        2_200_000, 700_000, "good")
    assert (cards["borrowing_households"].value, cards["groups_with_balance"].value) == (4, 3)
    assert cards["outstanding"].trend == ""  # neither good nor bad news by itself
    first_month = {kpi.key: kpi for kpi in kpis(total(figures, AUG), None)}
    assert first_month["outstanding"].change is None and first_month["outstanding"].trend == ""


def test_breakdown_by_organization(data):
    node = dashboard_node(data.admin, "province", "01")
    rows = {row.code: row for row in organization_rows(node, figures_of(node), SEP)}
    assert list(rows) == ["11", "12", "13", "14", ""]
    assert (rows["11"].values["outstanding"], rows["11"].share, rows["11"].overdue_ratio) == (
        53 * M, Decimal("77.94"), Decimal("5.660"))
    assert (rows["12"].values["outstanding"], rows["12"].share, rows["12"].overdue_ratio) == (
        15 * M, Decimal("22.06"), Decimal("0.000"))
    assert (rows["13"].values["outstanding"], rows["13"].share, rows["13"].overdue_ratio) == (0, Decimal("0.00"), None)
    assert (rows[""].values["outstanding"], rows[""].share) == (68 * M, Decimal("100.00"))
    group = dashboard_node(data.admin, "group", "0000001")
    assert organization_rows(group, figures_of(group), SEP) == []


def test_association_officer_sees_their_organization_only(data):
    node = dashboard_node(data.province_association, "province", "01")
    assert node.organization == "11"
    figures = figures_of(node)
    assert total(figures, SEP)["outstanding"] == 53 * M and total(figures, AUG)["outstanding"] == 70 * M
    assert [row.code for row in organization_rows(node, figures, SEP)] == ["11"]
    offices = children(node, SEP, AUG)
    assert [(row.code, row.values["outstanding"], row.outstanding_change) for row in offices] == [
        ("000101", 53 * M, -17 * M)]
    commune = dashboard_node(data.commune_association, "commune", data.commune_a.code)
    assert total(figures_of(commune), SEP)["outstanding"] == 28 * M
    assert [row.code for row in children(commune, SEP, AUG)] == [data.unit_a["11"].code]


def test_children_at_every_level(data):
    admin = data.admin
    provinces = children(home_node(admin), SEP, AUG)
    assert [(row.code, row.values["outstanding"], row.outstanding_change) for row in provinces] == [
        ("01", 68 * M, -17 * M), ("79", 5 * M, None)]
    office = dashboard_node(admin, "office", "000101")
    communes = children(office, SEP, AUG)
    assert [(row.code, row.values["outstanding"], row.overdue_ratio, row.band, row.outstanding_change)
            for row in communes] == [
        ("00004", 25 * M, Decimal("0.000"), "zero", -15 * M),
        ("00070", 43 * M, Decimal("6.977"), "high", -2 * M),
    ]
    units = children(dashboard_node(admin, "commune", "00070"), SEP, AUG)
    assert [(row.kind, row.code, row.values["outstanding"]) for row in units] == [
        ("unit", "11-C-00070", 28 * M), ("unit", "12-C-00070", 15 * M)]
    groups = children(dashboard_node(admin, "unit", "11-C-00070"), SEP, AUG)
    assert [(row.kind, row.code, row.name, row.values["savings_balance"]) for row in groups] == [
        ("group", "0000001", "Tổ HND thôn 1", 1_500_000)]
    households = children(dashboard_node(admin, "group", "0000001"), SEP, AUG)
    by_code = {row.code: row for row in households}
    head = by_code[data.household_a.customer_code]
    assert (head.kind, head.values["outstanding"], head.values["principal_overdue"], head.values["inactive_3m_loans"],
            head.values["inactive_3m_amount"], head.values["loans_with_balance"], head.outstanding_change) == (
        "household", 23 * M, 3 * M, 1, 5 * M, 2, -2 * M)
    member = by_code[data.group_a.test_members[0].customer_code]
    assert (member.values["outstanding"], member.outstanding_change, member.band) == (5 * M, 0, "zero")


def test_commune_table_sorted_by_overdue_ratio_and_sorting(data):
    node = dashboard_node(data.admin, "province", "01")
    assert [row.code for row in commune_table(node, SEP)] == ["00070", "00004"]
    assert commune_table(dashboard_node(data.admin, "office", "000101"), SEP) == []
    rows = children(dashboard_node(data.admin, "office", "000101"), SEP, AUG)
    assert [row.code for row in sort_rows(rows, "-ratio")[0]] == ["00070", "00004"]
    assert [row.code for row in sort_rows(rows, "outstanding")[0]] == ["00004", "00070"]
    assert [row.code for row in sort_rows(rows, "change")[0]] == ["00004", "00070"]
    assert sort_rows(rows, "drop table")[1] == "code"


def test_trend_series(data):
    node = dashboard_node(data.admin, "office", "000101")
    window = trend_periods(SEP, 3)
    series = trend(node_figures(node, window), window)
    assert series.labels == ["07/2026", "08/2026", "09/2026"]
    assert series.outstanding_millions == [None, Decimal("85.0"), Decimal("68.0")]
    assert series.overdue_ratio == [None, Decimal("1.176"), Decimal("4.412")]
    assert series.inactive_loans == [None, 2, 1]
    assert series.savings_millions == [None, Decimal("1.5"), Decimal("2.2")]


def test_unit_and_group_totals_sum_their_rows(data):
    figures = figures_of(dashboard_node(data.admin, "unit", "11-C-00070"))
    assert total(figures, SEP)["outstanding"] == 28 * M
    figures = figures_of(dashboard_node(data.group_leader, "group", "0000001"))
    assert (total(figures, SEP)["principal_overdue"], total(figures, AUG)["savings_balance"]) == (3 * M, 1 * M)


@pytest.mark.parametrize(("persona", "kind", "code", "visible"), [
    ("branch_staff", "province", "01", True),
    ("pgd_staff", "province", "01", False),  # a PGD does not see the whole province's figures
    ("pgd_staff", "office", "000101", True),
    ("credit_officer", "office", "000101", False),  # in charge of commune A only
    ("credit_officer", "commune", "00070", True),
    ("credit_officer", "commune", "00004", False),
    ("province_association", "office", "000101", True),
    ("commune_association", "commune", "00070", True),
    ("commune_association", "unit", "12-C-00070", False),  # another organization's unit
    ("commune_association", "unit", "11-C-00070", True),
    ("commune_viewer", "commune", "00070", True),
    ("group_leader", "group", "0000001", True),
    ("group_leader", "unit", "11-C-00070", False),
    ("group_leader", "commune", "00070", False),
    ("group_leader", "group", "0000003", False),
    ("branch_staff", "province", "79", False),
    ("branch_staff", "unit", "11-P-01", False),  # provincial units have no month-end rows of their own
    ("admin", "group", "7777777", False),
    ("admin", "nothing", "01", False),
])
def test_who_sees_which_node(data, persona, kind, code, visible):
    user = getattr(data, persona)
    if visible:
        assert dashboard_node(user, kind, code).code.lstrip("0") == code.lstrip("0")
    else:
        with pytest.raises(Http404):
            dashboard_node(user, kind, code)


def test_home_nodes_and_trails(data):
    expected = {
        "admin": ("country", ""), "branch_staff": ("province", "01"), "pgd_staff": ("office", "000101"),
        "credit_officer": ("communes", ""), "province_association": ("province", "01"),
        "commune_association": ("commune", "00070"), "group_leader": ("group", "0000001"),
        "commune_viewer": ("commune", "00070"),
    }
    for persona, (kind, code) in expected.items():
        node = home_node(getattr(data, persona))
        assert (node.kind, node.code) == (kind, code), persona
    officer = home_node(data.credit_officer)
    assert [row.code for row in children(officer, SEP, AUG)] == ["00070"]
    trail = dashboard_node(data.pgd_staff, "group", "0000001").trail
    assert [(c.kind, c.code, c.linked) for c in trail] == [
        ("province", "01", False), ("office", "000101", True), ("commune", "00070", True),
        ("unit", "11-C-00070", True)]
    assert node_from_key(data.admin, "office:000101").kind == "office"
    with pytest.raises(Http404):
        node_from_key(data.admin, "country:")
