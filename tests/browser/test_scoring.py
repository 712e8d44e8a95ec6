"""The explanation page in a phone-sized Chromium: the group page's score panel → the explanation with the action
that wins points back → the what-if form (a plain GET form) → the rubric with its provisional bands.
Screenshot in test-artifacts/scoring-explanation.png."""

from tests.browser.conftest import BROWSER, login, screenshot
from tests.scoring.support import group_snapshot
from uythac.closing.scope import scope_parse
from uythac.scoring.models import Rubric
from uythac.scoring.services import scores_compute

pytestmark = BROWSER


def test_group_explanation_and_whatif(page, live_server, live_world):
    w = live_world
    assert Rubric.objects.exists()  # reloaded with the reference data after the transactional flush
    group_snapshot(w, w.group_b, principal_overdue=60_000_000, principal_current=940_000_000,
                   interest_arrears_in_term=6_000_000, inactive_3m_loans=1)
    scores_compute(actor=w.admin, period="2025-06", scope=scope_parse("01"))
    login(page, live_server, w.pgd_staff.username)

    page.goto(f"{live_server.url}/groups/{w.group_b.code}/")
    panel = page.locator("#score-panel")
    assert "50" in panel.inner_text() and "Trung bình" in panel.inner_text()
    page.click("#score-panel >> text=Giải thích, mô phỏng, diễn biến 12 tháng")
    page.wait_for_url(f"**/scores/{w.group_b.code}/")
    table = page.inner_text("table.score-explanation")
    assert "Thu hồi 10.000.000 đ nợ quá hạn (tỷ lệ về 5%): +6 điểm" in table
    assert page.locator("svg.sparkline polyline").count() == 1

    page.fill("input[name=overdue_ratio]", "0,5")
    page.fill("input[name=interest_collection_ratio]", "100")
    page.click("form.whatif button[type=submit]")
    page.wait_for_url("**overdue_ratio=0%2C5**")
    assert "Kết quả mô phỏng: 96 điểm" in page.inner_text(".whatif-result")
    assert "Tốt" in page.inner_text(".whatif-result")
    screenshot(page, "scoring-explanation")

    page.click(".score-headline a[href^='/rubrics/']")
    assert "tạm tính" in page.inner_text("h1")
