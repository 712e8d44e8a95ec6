"""Grade distribution (from the month-end scores) and inspection coverage (from the inspections app) of a node."""

from decimal import Decimal

import pytest
from django.utils import timezone

from tests.reports.dashboard_data import AUG, SEP, build_snapshots
from uythac.reports.dashboard_extras import grade_distribution, inspection_coverage
from uythac.reports.dashboard_nodes import dashboard_node, home_node
from uythac.scoring.models import Rubric, Score

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    build_snapshots(world)
    return world


def score(group, period, grade, total="90"):
    return Score.objects.create(
        subject="GROUP", subject_id=group.id, subject_key=group.code, period=period,
        organization_code=group.association_unit.organization.code, commune_id=group.commune_id,
        office_id=group.transaction_point.office_id, province_id=group.commune.province_id,
        association_unit_id=group.association_unit_id, rubric=Rubric.objects.filter(subject="GROUP").first(),
        total=Decimal(total), grade=grade, facts={}, contributions={}, computed_at=timezone.now(),
    )


def test_grade_distribution_per_node_and_change(data):
    score(data.group_a, SEP, "GOOD")
    score(data.group_a_women, SEP, "FAIR", "75")
    score(data.group_b, SEP, "GOOD")
    score(data.group_a, AUG, "FAIR", "72")
    score(data.group_c, SEP, "WEAK", "40")  # province 79
    province = dashboard_node(data.branch_staff, "province", "01")
    rows = [(g.grade, g.count, g.share, g.change) for g in grade_distribution(province, SEP, AUG)]
    assert rows == [("GOOD", 2, Decimal("66.67"), 2), ("FAIR", 1, Decimal("33.33"), 0),
                    ("AVERAGE", 0, Decimal("0.00"), 0), ("WEAK", 0, Decimal("0.00"), 0)]
    farmers = dashboard_node(data.province_association, "province", "01")
    assert [(g.grade, g.count) for g in grade_distribution(farmers, SEP, AUG)][:2] == [("GOOD", 2), ("FAIR", 0)]
    unit = dashboard_node(data.admin, "unit", data.unit_a["12"].code)
    assert [(g.grade, g.count, g.change) for g in grade_distribution(unit, SEP, None)][:2] == [
        ("GOOD", 0, None), ("FAIR", 1, None)]
    country = home_node(data.admin)
    assert sum(g.count for g in grade_distribution(country, SEP, AUG)) == 4
    assert grade_distribution(province, AUG, None)[1].count == 1
    assert grade_distribution(province, "2026-07", None) == []  # no score: no grade card


def test_grade_cards_on_the_page(client, data):
    score(data.group_a, SEP, "GOOD")
    client.force_login(data.commune_viewer)
    body = client.get("/dashboards/commune/00070/").content.decode()
    assert 'data-grade="GOOD"><div class="value">1</div><div class="label">Tốt · 100,00%</div>' in body


def test_inspection_coverage(data):
    # No inspection entered: every group founded 12 months before the period end is an annual target, and group
    # 0000001's loan inactive for 3 months in September (loan snapshot L9002) another one; none covered.
    province = inspection_coverage(dashboard_node(data.admin, "province", "01"), data.admin, SEP)
    assert (province.targets, province.covered, province.ratio, province.provisional) == (4, 0, Decimal("0.00"), True)
    commune = inspection_coverage(dashboard_node(data.admin, "commune", "00070"), data.admin, SEP)
    assert (commune.targets, commune.covered) == (3, 0)
    unit = inspection_coverage(dashboard_node(data.admin, "unit", "11-C-00070"), data.admin, SEP)
    assert unit.targets == 2
    farmers = inspection_coverage(dashboard_node(data.province_association, "province", "01"),
                                  data.province_association, SEP)
    assert farmers.targets == 3  # groups 0000001 and 0000003, loan L9002
    officer = inspection_coverage(home_node(data.credit_officer), data.credit_officer, SEP)
    assert officer.targets == 3
    assert inspection_coverage(dashboard_node(data.admin, "group", "0000001"), data.admin, SEP) is None


def test_coverage_card_only_when_asked(client, data):
    client.force_login(data.branch_staff)
    page = client.get("/dashboards/province/01/").content.decode()
    assert 'href="?period=2026-09&amp;coverage=1"' in page and "0/4" not in page
    asked = client.get("/dashboards/province/01/?period=2026-09&coverage=1").content.decode()
    assert '<div class="card kpi" data-kpi="inspection_coverage"><div class="value">0,00%</div>' in asked
    assert "0/4 đối tượng phải kiểm tra trong tháng" in asked
