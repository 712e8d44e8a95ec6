"""An entrusted loan from the 01/TD to the money in Chromium: the group leader records the application and the review
meeting on a phone; the credit officer records the commune confirmation, the complete dossier, the approval, the notice
04/TD and disburses at the office; the loan page then shows the schedule. Screenshots go to /tmp/loan_pages/."""

from pathlib import Path

from tests.browser.conftest import BROWSER
from tests.browser.test_navigation import login
from tests.loans.support import ensure_reference_data, make_poor
from tests.support_lending import ensure_lending_reference_data
from uythac.loans.models import ApplicationStatus, Loan, LoanApplication

pytestmark = BROWSER
SHOTS = Path("/tmp/loan_pages")


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fill_step(page, url, values: dict, shot_name: str):
    page.goto(url)
    for selector, value in values.items():
        page.fill(selector, value)
    shot(page, shot_name)
    page.click("form.form button[type=submit]")


def test_application_to_disbursement_at_the_office(page, live_server, live_world):
    w = live_world
    ensure_reference_data()
    ensure_lending_reference_data()
    make_poor(w.household_a, 2025)
    base = live_server.url

    # 1. The group leader, on a phone (390 px), records the 01/TD; a zero amount is refused on its field first.
    login(page, live_server, w.group_leader.username)
    page.goto(f"{base}/groups/0000001/")
    page.click("text=Lập giấy đề nghị vay vốn (01/TD)")
    page.fill("#id_household", w.household_a.customer_code)
    page.select_option("#id_program", "01")
    page.fill("#id_requested_amount", "0")
    page.fill("#id_term_months", "36")
    page.fill("#id_installment_frequency_months", "12")
    page.fill("#id_purpose", "Chăn nuôi bò sinh sản")
    page.fill("#id_submitted_on", "01/03/2025")
    page.click("form.form button[type=submit]")
    assert "Số tiền đề nghị vay phải lớn hơn 0." in page.inner_text(".field.has-error")
    assert LoanApplication.objects.count() == 0
    shot(page, "01-application-refused-phone")
    page.fill("#id_requested_amount", "30.000.000")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/applications/*/")
    application = LoanApplication.objects.get()
    shot(page, "02-application-phone")

    # 2. The review meeting (10C/TD, 03/TD) on the phone.
    page.goto(f"{base}/groups/0000001/review-meetings/new/")
    page.fill("#id_held_on", "02/03/2025")
    page.fill("#id_minutes_number", "10C/TD-01")
    page.fill("#id_request_list_number", "03/TD-01")
    page.fill("#id_attendee_count", "6")
    page.fill("#id_association_officer_name", "Đỗ Văn Xã")
    page.select_option(f"select[name=decision-{application.pk}]", "yes")
    page.fill(f"input[name=amount-{application.pk}]", "30.000.000")
    shot(page, "03-review-meeting-phone")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/groups/0000001/")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REVIEWED
    page.context.clear_cookies()

    # 3. The credit officer at the PGD (desktop width) takes the dossier to the money.
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, w.credit_officer.username)
    detail = f"{base}/applications/{application.pk}/"
    page.goto(detail)
    shot(page, "04-application-reviewed")
    fill_step(page, f"{detail}confirm/", {"#id_confirmed_on": "03/03/2025", "#id_reference": "XN-01",
                                          "#id_confirmed_by": "Chủ tịch UBND phường"}, "05-confirm")
    page.wait_for_url(detail)
    fill_step(page, f"{detail}complete/", {"#id_complete_on": "05/03/2025"}, "06-complete")
    page.wait_for_url(detail)
    assert "10/03/2025" in page.inner_text(".deadline")
    assert "Còn" in page.inner_text(".deadline") or "Trễ" in page.inner_text(".deadline")
    shot(page, "07-deadline")
    fill_step(page, f"{detail}approve/", {"#id_approved_on": "06/03/2025"}, "08-approve")
    page.wait_for_url(detail)
    assert "Đúng hạn" in page.inner_text(".deadline")
    fill_step(page, f"{detail}notice/", {"#id_number": "04/TD-07", "#id_notice_on": "07/03/2025",
                                         "#id_planned_disbursement_on": "12/03/2025"}, "09-notice")
    page.wait_for_url(detail)
    page.click("text=Xem thông báo 04/TD")
    assert "04/TD-07" in page.inner_text("article")
    shot(page, "10-notice-04td")
    fill_step(page, f"{detail}disburse/", {"#id_disbursed_on": "12/03/2025", "#id_loan_number": "6600000000007001"},
              "11-disburse")
    page.wait_for_url(f"{base}/loans/6600000000007001/")
    loan = Loan.objects.get(loan_number="6600000000007001")
    assert (loan.disbursed_amount, loan.principal_current) == (30_000_000, 30_000_000)
    assert "Đã giải ngân." in page.inner_text(".messages")
    assert "12/03/2026" in page.inner_text("table.schedule")
    shot(page, "12-loan-desktop")

    # 4. The same loan page on a phone, then the group page lists the loan.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    shot(page, "13-loan-phone")
    page.goto(f"{base}/groups/0000001/")
    assert "6600000000007001" in page.inner_text("#loans")
    shot(page, "14-group-loans-phone")
