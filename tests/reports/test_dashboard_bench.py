"""``uythac bench reports`` machinery on the hand-built snapshots: every page answers 200, figures are JSON-ready,
and the users it creates are rolled back."""

import json

import pytest

from tests.reports.dashboard_data import build_snapshots
from uythac.accounts.models import User
from uythac.core.exceptions import DomainError
from uythac.core.periods import Period
from uythac.reports.bench import bench_dashboards, dashboard_urls, percentile

pytestmark = pytest.mark.django_db


def test_percentile_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile([7.0], 0.95)) == (10.0, 19.0, 7.0)


def test_bench_pages(world):
    build_snapshots(world)
    urls = dashboard_urls(world.province)
    assert urls["office"] == "/dashboards/office/000101/" and urls["unit"] == "/dashboards/unit/11-C-00070/"
    assert urls["group"] == "/dashboards/group/0000001/" and urls["commune"] == "/dashboards/commune/00070/"
    users = User.objects.count()
    result = bench_dashboards(province_code="01", runs=2, warmup=1)
    assert User.objects.count() == users
    # Every dashboard and report page answered 200 (the bench refuses otherwise) and was timed.
    reports = {"report_entrustment", "report_bc0437", "report_bc0438", "report_inactive", "report_overdue",
               "report_due_next_month", "report_frozen_expiring"}
    assert set(result["pages"]) == {"home", "province", "province_sorted", "office", "commune", "unit", "group",
                                    "compare_province", "compare_commune", "admin_home"} | reports
    period = urls["report_bc0437"].rsplit("=", 1)[1]
    assert urls["report_bc0437"] == f"/reports/monthly/bc0437/?scope=01&period={period}"
    assert urls["report_entrustment"].startswith(f"/reports/entrustment/?period={Period.parse(period).last_day}")
    page = result["pages"]["province"]
    assert page["p50_ms"] <= page["p95_ms"] <= page["max_ms"] and page["queries"] > 0
    json.dumps(result)


def test_bench_refuses_a_province_without_close(world):
    with pytest.raises(DomainError, match="chưa có tháng nào được khóa sổ"):
        bench_dashboards(province_code="79", runs=1)
    with pytest.raises(DomainError, match="Không có tỉnh mã 99"):
        bench_dashboards(province_code="99", runs=1)
