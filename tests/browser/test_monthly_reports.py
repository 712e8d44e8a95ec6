"""The monthly report pages in Chromium, at phone and desktop width: index → BC0437 → BC0438, the wide tables scroll
inside their box (the page itself does not scroll sideways). Screenshots in test-artifacts/monthly-*.png."""

from tests.browser.conftest import BROWSER, login, screenshot
from tests.closing.support import ensure_closing_reference_data
from tests.loans.support import make_poor
from tests.reports.monthly.conftest import build_monthly

pytestmark = BROWSER


def test_branch_officer_opens_the_monthly_reports(page, live_server, live_world):
    w = live_world
    ensure_closing_reference_data()
    for household in (w.household_a, w.household_b, w.household_a_women, w.household_c):
        make_poor(household, 2026)
    build_monthly(w)
    login(page, live_server, w.branch_staff.username)
    page.goto(f"{live_server.url}/reports/monthly/")
    page.click("text=BC0437")
    page.wait_for_url("**/reports/monthly/bc0437/?scope=01&period=2026-10")
    assert "THÔNG TIN TỔ TK&VV DO TỈNH 01" in page.inner_text("h2")
    assert page.locator("table.report-table tbody tr").count() == 4  # three groups and the total
    # The wide table scrolls in its box: the page is no wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    screenshot(page, "monthly-bc0437-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "monthly-bc0437-desktop")
    page.goto(f"{live_server.url}/reports/monthly/bc0438/?scope=01&period=2026-10")
    assert page.locator("table.report-table").count() == 3
    screenshot(page, "monthly-bc0438-desktop")
    page.goto(f"{live_server.url}/reports/monthly/due-next-month/?scope=01&period=2026-10")
    assert "Cộng tổ 0000003 (1 kỳ hạn)" in page.inner_text("table.report-table")
    screenshot(page, "monthly-due-desktop")
