"""Drill-down in a phone-sized Chromium: home dashboard → province → PGD → commune → unit → group → household, by
clicking the children tables; the charts are inline SVG (no network); the comparison page. Screenshots in
test-artifacts/ (dashboard-*.png) to look at."""

import re

from tests.browser.conftest import BROWSER, login, screenshot
from tests.reports.dashboard_data import build_snapshots

pytestmark = BROWSER


def test_branch_officer_drills_down_from_province_to_household(page, live_server, live_world):
    w = live_world
    build_snapshots(w)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    login(page, live_server, w.branch_staff.username)
    assert "Tổng quan" in page.inner_text("h1")
    assert page.inner_text('[data-kpi="outstanding"] .value') == "68.000.000 đ"
    assert page.locator("svg.chart").count() == 3
    assert page.locator("svg.chart circle").count() >= 2
    screenshot(page, "dashboard-home")

    page.click("text=mở trang riêng")
    page.wait_for_url("**/dashboards/province/01/")
    page.click("#dash-children a:text-is('000101')")
    page.wait_for_url("**/dashboards/office/000101/")
    assert "PGD Hoàn Kiếm" in page.inner_text("h1")
    screenshot(page, "dashboard-office")

    page.click("#dash-children th a:has-text('Tỷ lệ NQH')")
    page.wait_for_url(re.compile(r".*sort=ratio.*"))
    page.click("#dash-children th a:has-text('Tỷ lệ NQH')")
    page.wait_for_url(re.compile(r".*sort=-ratio.*"))
    first = page.locator("#dash-children tbody tr").first
    assert "band-high" in first.get_attribute("class")
    page.click(f"#dash-children a:text-is('{w.commune_a.code}')")
    page.wait_for_url(f"**/dashboards/commune/{w.commune_a.code}/")
    page.click(f"#dash-children a:text-is('{w.unit_a['11'].code}')")
    page.wait_for_url(f"**/dashboards/unit/{w.unit_a['11'].code}/")
    page.click(f"#dash-children a:text-is('{w.group_a.code}')")
    page.wait_for_url(f"**/dashboards/group/{w.group_a.code}/")
    assert w.group_a.name in page.inner_text("h1")
    crumbs = page.inner_text(".breadcrumbs")
    assert "PGD Hoàn Kiếm" in crumbs and w.commune_a.name in crumbs
    screenshot(page, "dashboard-group")

    page.select_option("#dash-period", "2026-08")
    page.click(".dash-period button[type=submit]")
    page.wait_for_url(re.compile(r".*period=2026-08.*"))
    assert page.inner_text('[data-kpi="outstanding"] .value') == "30.000.000 đ"

    page.click(f"#dash-children a:text-is('{w.household_a.customer_code}')")
    page.wait_for_url(f"**/households/{w.household_a.customer_code}/")
    assert w.household_a.name in page.inner_text("h1")

    page.goto(f"{live_server.url}/dashboards/compare/?scope=province:01")
    assert page.inner_text("#cmp-lines").count("đ") >= 4
    screenshot(page, "dashboard-compare")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, width  # nothing wider than the phone (tables scroll inside their wrapper)
    assert all(url.startswith(live_server.url) for url in requests), "no request may leave the server"
