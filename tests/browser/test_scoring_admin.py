"""Trainings and rubric publishing in a desktop Chromium, with the same pages captured at phone width.

* A commune association officer opens the unit page → "Tập huấn" → records a training (first refused: 0 attendees)
  → sees how the criterion counts it. Screenshots: scoring-admin-trainings{,-phone}.png.
* The administrator creates version 2 of the group rubric from version 1 → edits it (a refusal on the form first)
  → publishes it; version 1 now ends the day before. Screenshots: scoring-admin-rubric-edit{,-phone}.png,
  scoring-admin-rubric-published.png.
"""

import datetime as dt

import pytest

from tests.browser.conftest import BROWSER, login, screenshot
from uythac.scoring.models import Criterion, Rubric, RubricStatus, Subject, TrainingRecord

pytestmark = BROWSER
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def both_widths(page, name: str) -> None:
    screenshot(page, name)
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_record_a_training(desktop, live_server, live_world):
    w, page = live_world, desktop
    unit = w.unit_a["11"]
    login(page, live_server, w.commune_association.username)
    page.goto(f"{live_server.url}/units/{unit.code}/")
    page.click(f"a[href='/trainings/?unit={unit.code}']")
    page.wait_for_url(f"**/trainings/?unit={unit.code}")
    assert "0 buổi" in page.inner_text("#training-counting")
    page.click("text=Ghi buổi tập huấn")
    page.wait_for_url("**/trainings/new/**")
    assert page.input_value("#id_unit") == unit.code
    held_on = dt.date.today() - dt.timedelta(days=3)
    page.fill("#id_held_on", f"{held_on:%d/%m/%Y}")
    page.fill("#id_topic", "Nghiệp vụ ủy thác và quy trình 727")
    page.fill("#id_attendees", "0")
    page.click("form.form button[type=submit]")
    assert "Số người dự phải là số nguyên dương." in page.inner_text(".fielderror")
    assert TrainingRecord.objects.count() == 0
    page.fill("#id_attendees", "12")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"**/trainings/?unit={unit.code}")
    assert "Đã ghi buổi tập huấn." in page.inner_text("ul.messages")
    counting = page.inner_text("#training-counting")
    assert "1 buổi" in counting and "5 / 5 điểm" in counting and "tạm tính" in counting
    row = page.inner_text("table.trainings tbody tr")
    assert f"{held_on:%d/%m/%Y}" in row and "12" in row and "được tính" in row
    both_widths(page, "scoring-admin-trainings")


def test_publish_a_rubric_version(desktop, live_server, live_world):
    w, page = live_world, desktop
    v1 = Rubric.objects.get(subject=Subject.GROUP, version=1)
    login(page, live_server, w.admin.username)
    page.goto(f"{live_server.url}/rubrics/{v1.pk}/")
    assert "Đang áp dụng từ 01/01/2019." in page.inner_text("#rubric-validity")
    page.click("text=Tạo phiên bản mới")
    page.fill("#id_effective_from", "01/07/2025")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/edit/")
    draft = Rubric.objects.get(subject=Subject.GROUP, version=2)
    assert "kết thúc ngày 30/06/2025" in page.inner_text("main")

    gdtx = Criterion.objects.get(rubric=draft, code="diem_gdtx")
    page.fill(f"#id_c{gdtx.pk}-max_points", "25")
    page.click("#rubric-publish")
    errors = page.inner_text("#rubric-errors")
    assert "Tổng điểm tối đa của các tiêu chí là 105, khác tổng điểm của bộ tiêu chí (100)." in errors
    assert Rubric.objects.get(pk=draft.pk).status == RubricStatus.DRAFT
    assert Rubric.objects.get(pk=v1.pk).effective_to is None
    both_widths(page, "scoring-admin-rubric-edit")

    page.fill(f"#id_c{gdtx.pk}-max_points", "20")
    page.fill("#id_r-average_from", "55")
    page.fill("#id_r-source_document", "Quyết định thử nghiệm 2025")
    page.click("#rubric-publish")
    page.wait_for_url(f"**/rubrics/{draft.pk}/")
    assert "Đã công bố phiên bản v2, áp dụng từ 01/07/2025." in page.inner_text("ul.messages")
    assert "Đang áp dụng từ 01/07/2025." in page.inner_text("#rubric-validity")
    assert "tạm tính" in page.inner_text("h1")
    screenshot(page, "scoring-admin-rubric-published")
    page.goto(f"{live_server.url}/rubrics/{v1.pk}/")
    assert "Áp dụng từ 01/01/2019 đến 30/06/2025." in page.inner_text("#rubric-validity")
    assert Rubric.objects.get(pk=draft.pk).average_from == 55
