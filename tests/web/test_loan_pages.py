"""Loan pages: list and detail (scoped), the application workflow 01/TD → review → commune confirmation → approval →
04/TD → disbursement at the office, the changes (08/TD, extension, 14/TD, moved away) and risk rounds. Each page
renders in scope, each form posts exactly one service call, a refusal shows the Vietnamese message on its field and
changes nothing, out of scope answers 404 and read-only roles 403."""

import pytest

from tests.loans.support import D, disbursed_loan, ensure_reference_data, make_poor, state
from tests.pages import text
from tests.support_loan_pages import out_of_scope_loan, out_of_scope_round
from uythac.core.guards import today
from uythac.loans.models import ApplicationStatus, Installment, Loan, LoanApplication, RiskCase, RiskRound
from uythac.loans.services import application_mark_complete, application_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def lw(world):
    ensure_reference_data()
    make_poor(world.household_a, 2025)
    return world


# --- list and detail ----------------------------------------------------------------------------------------------


def test_the_loan_list_is_scoped_searchable_and_filtered(client, lw):
    loan = disbursed_loan(lw)
    outside = out_of_scope_loan(lw)
    client.force_login(lw.credit_officer)
    page = text(client.get("/loans/"))
    assert loan.loan_number in page and outside.loan_number not in page
    assert "1 kết quả" in page and "30.000.000" in page
    assert loan.loan_number in text(client.get(f"/loans/?q={lw.household_a.customer_code}"))
    assert loan.loan_number not in text(client.get("/loans/?q=0999999999"))
    assert loan.loan_number in text(client.get("/loans/?program=01&status=OPEN&group=1&commune=70"))
    assert loan.loan_number not in text(client.get("/loans/?program=02"))
    assert loan.loan_number not in text(client.get("/loans/?overdue=on"))
    # Disbursed 12/03/2025 and never touched since: inactive 3 months on any later date (program 01 counts).
    inactive = text(client.get("/loans/?inactive=on"))
    assert loan.loan_number in inactive and "giao dịch gần nhất trước ngày" in inactive
    client.force_login(lw.group_leader)
    assert loan.loan_number in text(client.get("/loans/"))
    client.force_login(lw.admin)
    page = text(client.get("/loans/"))
    assert loan.loan_number in page and outside.loan_number in page


def test_the_loan_page_shows_balances_schedule_events_and_postings(client, lw):
    loan = disbursed_loan(lw)
    client.force_login(lw.commune_viewer)
    response = client.get(f"/loans/{loan.loan_number}/")
    assert response.status_code == 200
    page = text(response)
    assert f"Khế ước {loan.loan_number}" in page and "Đang vay" in page
    assert "Số dư khớp sổ cái" in page
    # 36 months, principal every 12 months: 3 × 10.000.000 đ due 12/03/2026, 12/03/2027, 12/03/2028.
    for due in ("12/03/2026", "12/03/2027", "12/03/2028"):
        assert due in page
    assert page.count("10.000.000 đ") >= 3
    assert "Giải ngân" in page and "12/03/2025" in page
    assert "Lãi suất áp dụng theo thời gian" in page and "6.6" in page.replace(",", ".")
    assert "Tổng hợp hạch toán trên sổ chi tiết món vay" in page and "30.000.000 đ" in page
    # Read-only viewer: no action buttons, 403 on any change.
    assert "Gia hạn nợ" not in page
    before = state()
    assert client.post(f"/loans/{loan.loan_number}/extend/", {"months": "6", "on": "01/04/2025"}).status_code == 403
    assert state() == before
    client.force_login(lw.credit_officer)
    page = text(client.get(f"/loans/{loan.loan_number}/"))
    assert "Gia hạn nợ" in page and "Điều chỉnh kỳ hạn (08/TD)" in page
    history = client.get(f"/loans/{loan.loan_number}/history/")
    assert history.status_code == 200 and "loan_disburse" in text(history)


def test_out_of_scope_loans_applications_and_rounds_answer_404(client, lw):
    outside = out_of_scope_loan(lw)
    risk_round = out_of_scope_round(lw)
    urls = [f"/loans/{outside.loan_number}/", f"/loans/{outside.loan_number}/extend/",
            f"/applications/{outside.application_id}/", f"/applications/{outside.application_id}/approve/",
            f"/risk-rounds/{risk_round.pk}/", f"/groups/{lw.group_c.code}/review-meetings/new/"]
    for persona in (lw.credit_officer, lw.pgd_staff, lw.commune_viewer, lw.group_leader, lw.branch_staff):
        client.force_login(persona)
        for url in urls:
            assert client.get(url).status_code == 404, (persona.username, url)
            assert client.post(url).status_code == 404, (persona.username, url)
    assert client.get("/loans/9999999999999999/").status_code == 404
    client.force_login(lw.admin)
    for url in urls[::2]:
        assert client.get(url).status_code == 200, url


# --- the application workflow -------------------------------------------------------------------------------------


def test_submitting_a_01td_from_the_form_and_its_refusals(client, lw):
    client.force_login(lw.group_leader)
    form = client.get("/applications/new/?group=0000001")
    assert form.status_code == 200 and 'value="0000001"' in text(form)
    assert 'id="id_office"' not in text(form)  # direct lending at the office is the bank's
    # The group's members are suggested for the customer code.
    assert f'<option value="{lw.household_a.customer_code}">{lw.household_a.name}</option>' in text(form)
    data = {"group": "0000001", "household": lw.household_a.customer_code, "program": "01",
            "requested_amount": "30.000.000", "term_months": "36", "installment_frequency_months": "12",
            "purpose": "Chăn nuôi bò sinh sản", "capital_source": "1", "submitted_on": "01/03/2025"}
    # A household of another group (0000003, Ba Đình) is not a member of 0000001: refused on the household field.
    before = state()
    refused = client.post("/applications/new/", {**data, "household": lw.household_b.customer_code})
    assert refused.status_code == 400
    assert "không thuộc phạm vi quản lý của bạn" in text(refused)
    assert state() == before
    # Eligibility on the 01/TD's date, shown on the field concerned: not on the current poor list; above the cap.
    not_poor = lw.group_a.test_members[3]
    refused = client.post("/applications/new/", {**data, "household": not_poor.customer_code})
    assert refused.status_code == 400
    page = text(refused)
    assert f"hộ {not_poor.name}: chưa có trong danh sách nào." in page
    assert 'class="field has-error"' in page.split('for="id_household"')[0][-80:]
    assert state() == before
    refused = client.post("/applications/new/", {**data, "requested_amount": "900.000.000"})
    assert refused.status_code == 400
    assert "Vượt mức cho vay tối đa 100.000.000 đồng/hộ của chương trình 01" in text(refused)
    assert 'class="field has-error"' in text(refused).split('for="id_requested_amount"')[0][-80:]
    assert state() == before
    refused = client.post("/applications/new/", {**data, "requested_amount": "0"})
    assert refused.status_code == 400
    assert "Số tiền đề nghị vay phải lớn hơn 0." in text(refused)
    assert 'class="field has-error"' in text(refused).split('for="id_requested_amount"')[0][-80:]
    assert state() == before
    response = client.post("/applications/new/", data)
    application = LoanApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/applications/{application.pk}/"
    assert (application.status, application.requested_amount, application.term_months, application.group_id) == (
        ApplicationStatus.SUBMITTED, 30_000_000, 36, lw.group_a.pk)
    # A second pending 01/TD of the same program for the household: the message names the program field.
    before = state()
    again = client.post("/applications/new/", data)
    assert again.status_code == 400
    assert f"đã có giấy đề nghị #{application.pk} chương trình 01 đang xử lý" in text(again)
    assert state() == before
    client.force_login(lw.credit_officer)
    assert 'id="id_office"' in text(client.get("/applications/new/"))
    # The commune viewer reads, never writes.
    client.force_login(lw.commune_viewer)
    assert client.get("/applications/new/").status_code == 403
    assert f"#{application.pk}" in text(client.get("/applications/"))


def _submitted(lw, household=None, amount=30_000_000):
    return application_submit(
        actor=lw.group_leader, household=household or lw.household_a, program="01", requested_amount=amount,
        term_months=36, installment_frequency_months=12, purpose="Chăn nuôi bò sinh sản", submitted_on=D(2025, 3, 1),
        group=lw.group_a,
    )


def test_the_whole_origination_through_the_pages(client, lw):
    application = _submitted(lw)
    key = application.pk
    # 1. The group's review meeting (10C/TD, 03/TD) by the group leader.
    client.force_login(lw.group_leader)
    review_url = "/groups/0000001/review-meetings/new/"
    page = text(client.get(review_url))
    assert f"#{key}" in page and "Danh sách hộ đề nghị vay vốn (03/TD)" in page
    meeting = {"held_on": "02/03/2025", "minutes_number": "10C/TD-01", "request_list_number": "03/TD-01",
               "attendee_count": "5", "association_present": "1", "village_head_present": "1",
               f"decision-{key}": "yes", f"amount-{key}": "40.000.000"}
    before = state()
    refused = client.post(review_url, meeting)
    assert refused.status_code == 400
    assert "lớn hơn số tiền đề nghị vay của giấy" in text(refused)
    assert state() == before
    refused = client.post(review_url, {**meeting, "held_on": "28/02/2025", f"amount-{key}": "25.000.000"})
    assert refused.status_code == 400 and "ngày họp bình xét" in text(refused).lower()
    assert state() == before
    response = client.post(review_url, {**meeting, f"amount-{key}": "25.000.000"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.agreed_amount) == (ApplicationStatus.REVIEWED, 25_000_000)
    # The leader cannot record the bank's steps.
    assert client.get(f"/applications/{key}/confirm/").status_code == 403
    # 2. Commune confirmation, recorded by the credit officer from the signed 03/TD.
    client.force_login(lw.credit_officer)
    page = text(client.get(f"/applications/{key}/"))
    assert "Ghi nhận UBND xã xác nhận (03/TD)" in page and "10C/TD-01" in page
    response = client.post(f"/applications/{key}/confirm/", {"confirmed_on": "03/03/2025", "reference": "XN-01",
                                                             "confirmed_by": "Chủ tịch UBND phường"})
    assert response.status_code == 302
    # 3. Complete dossier: the deadline is 3 working days later (Wed 05/03/2025 → Mon 10/03/2025).
    assert client.post(f"/applications/{key}/complete/", {"complete_on": "05/03/2025"}).status_code == 302
    application.refresh_from_db()
    assert application.approval_deadline == D(2025, 3, 10)
    # 4. Approval: above the agreed amount is refused on the field; then approved on time.
    before = state()
    refused = client.post(f"/applications/{key}/approve/", {"approved_on": "06/03/2025",
                                                            "approved_amount": "30.000.000"})
    assert refused.status_code == 400
    assert "Số tiền phê duyệt (30.000.000 đồng) lớn hơn số tiền tổ bình xét/đề nghị (25.000.000 đồng)." in text(
        refused)
    assert state() == before
    assert client.post(f"/applications/{key}/approve/", {"approved_on": "06/03/2025"}).status_code == 302
    application.refresh_from_db()
    assert (application.status, application.approved_amount) == (ApplicationStatus.APPROVED, 25_000_000)
    assert "Đúng hạn" in text(client.get(f"/applications/{key}/"))
    # 5. Notice 04/TD and its printable list.
    response = client.post(f"/applications/{key}/notice/", {
        "number": "04/TD-07", "notice_on": "07/03/2025", "planned_disbursement_on": "12/03/2025",
        "planned_disbursement_place": "Điểm GD Hoàn Kiếm"})
    assert response.status_code == 302
    notice = text(client.get(f"/applications/{key}/notice-04/"))
    assert "04/TD-07" in notice and lw.household_a.name in notice and "25.000.000 đ" in notice
    # 6. Disbursement at the office: a wrong loan number is refused, then the loan exists.
    before = state()
    refused = client.post(f"/applications/{key}/disburse/", {"disbursed_on": "12/03/2025", "loan_number": "12"})
    assert refused.status_code == 400 and state() == before
    response = client.post(f"/applications/{key}/disburse/", {"disbursed_on": "12/03/2025",
                                                              "loan_number": "6600000000009001"})
    assert response.status_code == 302 and response["Location"] == "/loans/6600000000009001/"
    loan = Loan.objects.get(loan_number="6600000000009001")
    assert (loan.disbursed_amount, loan.principal_current, loan.application_id) == (25_000_000, 25_000_000, key)
    assert LoanApplication.objects.get(pk=key).status == ApplicationStatus.DISBURSED
    # The household's and the group's pages list the loan.
    for url in (f"/households/{lw.household_a.customer_code}/", "/groups/0000001/"):
        page = text(client.get(url))
        assert "Khoản vay" in page and "6600000000009001" in page


def test_a_late_approval_is_shown_with_its_days(client, lw):
    application = _submitted(lw)
    from uythac.loans.services import ReviewDecision, application_confirm_by_commune, review_meeting_record

    review_meeting_record(actor=lw.credit_officer, group=lw.group_a, held_on=D(2025, 3, 2), minutes_number="1",
                          request_list_number="1", attendee_count=5, association_present=True,
                          village_head_present=True, decisions=[ReviewDecision(application, True)])
    application_confirm_by_commune(actor=lw.credit_officer, application=application, confirmed_on=D(2025, 3, 3),
                                   reference="XN", confirmed_by="UBND")
    application_mark_complete(actor=lw.credit_officer, application=application, complete_on=D(2025, 3, 5))
    client.force_login(lw.pgd_staff)
    late_days = (today() - D(2025, 3, 10)).days
    assert f"Trễ {late_days} ngày" in text(client.get(f"/applications/{application.pk}/"))
    assert f"#{application.pk}" in text(client.get("/applications/?late=on"))
    assert f"#{application.pk}" not in text(client.get("/applications/?status=APPROVED"))


# --- changes to a loan --------------------------------------------------------------------------------------------


def test_installment_adjustment_extension_and_overdue_transfer(client, lw):
    loan = disbursed_loan(lw)
    base = f"/loans/{loan.loan_number}"
    client.force_login(lw.credit_officer)
    assert client.get(f"{base}/adjust/").status_code == 200
    # 08/TD: installment 1 (12/03/2026) moved to 12/06/2026.
    response = client.post(f"{base}/adjust/", {"number": "1", "new_due_on": "12/06/2026", "requested_on": "01/03/2026",
                                                "form_number": "08/TD"})
    assert response.status_code == 302
    first = Installment.objects.get(loan=loan, number=1)
    assert (first.due_on, first.original_due_on) == (D(2026, 6, 12), D(2026, 3, 12))
    # After the next installment: refused on new_due_on, nothing changed.
    before = state()
    refused = client.post(f"{base}/adjust/", {"number": "2", "new_due_on": "13/03/2028", "requested_on": "01/03/2027",
                                              "form_number": "08/TD"})
    assert refused.status_code == 400 and state() == before
    # Extension: 6 months moves the final maturity 12/03/2028 → 12/09/2028.
    assert client.post(f"{base}/extend/", {"months": "6", "on": "01/04/2025"}).status_code == 302
    loan.refresh_from_db()
    assert loan.current_maturity == D(2028, 9, 12)
    before = state()
    refused = client.post(f"{base}/extend/", {"months": "30", "on": "02/04/2025"})
    assert refused.status_code == 400 and "vượt mức tối đa" in text(refused)
    assert state() == before
    # 14/TD: nothing is due on 31/03/2025 → refused with the reason; nothing posted.
    refused = client.post(f"{base}/overdue/", {"as_of": "31/03/2025"})
    assert refused.status_code == 400
    assert "Không có nợ đến hạn chưa trả để chuyển quá hạn vào ngày này." in text(refused)
    assert state() == before
    # Installment 1 (moved to 12/06/2026) unpaid at 30/06/2026 → 10.000.000 transferred? Rolled into the next under
    # the pre-2026 regime: only the final maturity goes overdue, so still nothing.
    assert client.post(f"{base}/overdue/", {"as_of": "30/06/2026"}).status_code == 400
    # Moved away.
    assert client.post(f"{base}/moved-away/", {"moved_away_on": "01/05/2025", "note": "Đi làm ăn xa"}).status_code \
        == 302
    loan.refresh_from_db()
    assert loan.moved_away_on == D(2025, 5, 1)
    page = text(client.get(f"{base}/"))
    assert "Điều chỉnh kỳ hạn trả nợ (08/TD)" in page and "12/06/2026" in page and "Gia hạn nợ" in page


# --- risk rounds -----------------------------------------------------------------------------------------------------


def test_a_freeze_through_a_risk_round(client, lw):
    loan = disbursed_loan(lw)
    client.force_login(lw.credit_officer)
    assert client.post("/risk-rounds/new/", {"branch": "000100", "year": "2025", "opened_on": "02/06/2025"}
                       ).status_code == 302
    risk_round = RiskRound.objects.get(branch=lw.branch)
    assert "Đợt I/2025" in text(client.get("/risk-rounds/"))
    # 01/XLN proposed from the loan page: a freeze needs a loss ≥ 40 % (band rule).
    url = f"/loans/{loan.loan_number}/risk/"
    proposal = {"risk_round": str(risk_round.pk), "measure": "FREEZE", "cause": "K1", "loss_percent": "30",
                "risk_on": "01/06/2025", "requested_on": "03/06/2025"}
    before = state()
    refused = client.post(url, proposal)
    assert refused.status_code == 400 and "chỉ được xem xét gia hạn nợ" in text(refused)
    assert state() == before
    assert client.post(url, {**proposal, "loss_percent": "50"}).status_code == 302
    case = RiskCase.objects.get()
    assert (case.state, case.freeze_months, case.principal_amount) == ("REQUESTED", 36, 30_000_000)
    detail = f"/risk-rounds/{risk_round.pk}/"
    # 02/XLN then 04/XLN, then approval.
    assert client.post(detail, {"action": "advance", "case": case.pk, "on": "04/06/2025", "number": "BB-01"}
                       ).status_code == 302
    before = state()
    refused = client.post(detail, {"action": "advance", "case": case.pk, "on": "03/06/2025", "number": "TH-01"})
    assert refused.status_code == 400 and "ngày tổng hợp đề nghị" in text(refused).lower()
    assert state() == before
    assert client.post(detail, {"action": "advance", "case": case.pk, "on": "05/06/2025", "number": "TH-01"}
                       ).status_code == 302
    case.refresh_from_db()
    assert (case.state, case.summary_form) == ("PROPOSED", "04/XLN")
    assert client.post(detail, {"action": "approve", "case": case.pk, "decided_on": "10/06/2025",
                                "decision_ref": "QĐ-15"}).status_code == 302
    loan.refresh_from_db()
    assert (loan.principal_frozen, loan.principal_current, loan.frozen_until) == (30_000_000, 0, D(2028, 6, 10))
    page = text(client.get(detail))
    assert "Đã phê duyệt" in page and "QĐ-15" in page
    # Closing the round; the viewer only reads (404: rounds are the bank's pages).
    assert client.post(detail, {"action": "close", "closed_on": "30/06/2025", "decision_ref": "TB-KQ"}
                       ).status_code == 302
    assert RiskRound.objects.get().status == "CLOSED"
    client.force_login(lw.commune_viewer)
    assert client.get(detail).status_code == 404
    client.force_login(lw.branch_staff)
    assert client.get(detail).status_code == 200
    assert client.post(detail, {"action": "close"}).status_code == 403


def test_money_at_the_counter_its_reversal_and_the_borrower_back(client, lw):
    from uythac.ledger.chart import AccountCode, SubledgerType
    from uythac.ledger.selectors import balance
    from uythac.loans.models import LoanEvent

    loan = disbursed_loan(lw)
    base = f"/loans/{loan.loan_number}"
    till = lambda: balance(AccountCode.CASH_TELLER, subledger_type=SubledgerType.OFFICE, subledger_key="000101")  # noqa: E731
    client.force_login(lw.pgd_staff)
    start = till()
    # Principal at the counter: 5.000.000 on 12/04/2025; more than the balance is refused and changes nothing.
    before = state()
    refused = client.post(f"{base}/repay/", {"amount": "40.000.000", "on": "12/04/2025"})
    assert refused.status_code == 400 and state() == before
    assert client.post(f"{base}/repay/", {"amount": "5.000.000", "on": "12/04/2025"}).status_code == 302
    loan.refresh_from_db()
    assert (loan.principal_current, till() - start) == (25_000_000, 5_000_000)
    # Interest at the counter on 12/05/2025 (not through the leader), then its reversal.
    page = text(client.get(f"{base}/interest/"))
    assert "Lãi phải trả nếu trả hôm nay" in page
    assert client.post(f"{base}/interest/", {"amount": "100.000", "on": "12/05/2025"}).status_code == 302
    collection = LoanEvent.objects.get(loan=loan, kind="INTEREST_COLLECTION")
    assert (collection.interest_amount, till() - start) == (100_000, 5_100_000)
    assert client.get(f"{base}/reverse/").status_code == 200
    response = client.post(f"{base}/reverse/", {"event": str(collection.pk), "on": "13/05/2025",
                                                "reason": "Thu nhầm món vay"})
    assert response.status_code == 302
    assert LoanEvent.objects.get(loan=loan, kind="REVERSAL").reversal_of_id == collection.pk
    assert till() - start == 5_000_000
    # The same event cannot be chosen twice: it is no longer offered, a forged value is refused.
    before = state()
    refused = client.post(f"{base}/reverse/", {"event": str(collection.pk), "on": "13/05/2025", "reason": "lần 2"})
    assert refused.status_code == 400 and state() == before
    # Moved away, then back.
    assert client.post(f"{base}/moved-away/", {"moved_away_on": "01/06/2025"}).status_code == 302
    assert "Ghi nhận hộ vay trở về" in text(client.get(f"{base}/"))
    assert loan.loan_number in text(client.get("/loans/?moved_away=on"))
    before = state()
    refused = client.post(f"{base}/returned/", {"returned_on": "01/05/2025", "note": "Đã về"})
    assert refused.status_code == 400 and state() == before
    assert client.post(f"{base}/returned/", {"returned_on": "01/07/2025", "note": "Đã về địa phương"}
                       ).status_code == 302
    loan.refresh_from_db()
    assert loan.moved_away_on is None
    assert loan.loan_number not in text(client.get("/loans/?moved_away=on"))
    page = text(client.get(f"{base}/"))
    assert "Đảo giao dịch" in page and "Thu nhầm món vay" in page


def test_an_expired_freeze_is_listed_and_ended_from_the_loan_page(client, lw):
    from uythac.loans.services import (
        risk_case_advance,
        risk_case_approve,
        risk_case_propose,
        risk_round_open,
    )

    make_poor(lw.household_a, 2022)
    loan = disbursed_loan(lw, disbursed_on=D(2022, 3, 14))
    officer = lw.credit_officer
    risk_round = risk_round_open(actor=officer, branch=lw.branch, year=2022, opened_on=D(2022, 6, 1))
    case = risk_case_propose(actor=officer, loan=loan, risk_round=risk_round, measure="FREEZE", cause="K1",
                             loss_percent=50, risk_on=D(2022, 5, 20), requested_on=D(2022, 6, 2))
    risk_case_advance(actor=officer, case=case, on=D(2022, 6, 3), number="BB-1")
    risk_case_advance(actor=officer, case=case, on=D(2022, 6, 6), number="TH-1")
    risk_case_approve(actor=officer, case=case, decided_on=D(2022, 6, 10), decision_ref="QĐ-1")
    loan.refresh_from_db()
    assert loan.frozen_until == D(2025, 6, 10)
    client.force_login(officer)
    assert loan.loan_number in text(client.get("/loans/?freeze_expired=on"))
    page = text(client.get(f"/loans/{loan.loan_number}/"))
    assert "Hết hạn khoanh" in page and "Đang khoanh" in page
    before = state()
    refused = client.post(f"/loans/{loan.loan_number}/freeze-expire/", {"on": "09/06/2025"})
    assert refused.status_code == 400 and "chưa hết hạn khoanh" in text(refused)
    assert state() == before
    assert client.post(f"/loans/{loan.loan_number}/freeze-expire/", {"on": "10/06/2025"}).status_code == 302
    loan.refresh_from_db()
    assert loan.principal_frozen == 0 and loan.outstanding == 30_000_000
    assert loan.loan_number not in text(client.get("/loans/?freeze_expired=on"))
