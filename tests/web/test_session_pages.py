"""Session, 13/TD and savings pages: scope (404 out of scope, read-only viewer), one service per POST, refusals
shown on the page with nothing changed."""

import pytest

from tests.pages import text
from tests.support_lending import ledger_state
from tests.transaction_sessions.support import build_scene, receipt, saver_receipt
from uythac.transaction_sessions.models import BatchStatus, CollectionBatch, SessionStatus, TransactionSession
from uythac.transaction_sessions.services import batch_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world):
    return build_scene(world)


def desk(scene):
    return f"/sessions/{scene.session.pk}/"


def state():
    return {**ledger_state(),
            "batches": list(CollectionBatch.objects.values_list("id", "status", "counted_total")),
            "sessions": list(TransactionSession.objects.values_list("id", "status"))}


def test_the_list_is_scoped_and_filters_by_date(client, scene):
    w = scene.world
    from tests.support_lending import out_of_scope_session
    outside = out_of_scope_session(w)
    client.force_login(w.commune_viewer)
    page = text(client.get("/sessions/"))
    assert "Điểm GD Hoàn Kiếm" in page and outside.transaction_point.name not in page
    assert "Mở phiên giao dịch" not in page
    assert "Điểm GD Hoàn Kiếm" not in text(client.get("/sessions/?date=13/04/2025"))
    assert "Điểm GD Hoàn Kiếm" in text(client.get("/sessions/?date=12/04/2025"))
    client.force_login(w.credit_officer)
    assert "Mở phiên giao dịch" in text(client.get("/sessions/"))


def test_opening_a_session_from_the_form(client, scene):
    w = scene.world
    client.force_login(w.credit_officer)
    assert client.get("/sessions/new/").status_code == 200
    response = client.post("/sessions/new/", {"point": "TXN0001", "session_date": "12/05/2025",
                                              "team_leader": "cbtd_a", "teller": "pgd_hoankiem",
                                              "opening_cash": "10.000.000"})
    session = TransactionSession.objects.get(session_date="2025-05-12")
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/"
    assert session.opening_cash == 10_000_000
    before = state()
    refused = client.post("/sessions/new/", {"point": "TXN0001", "session_date": "12/05/2025",
                                             "team_leader": "cbtd_a"})
    assert refused.status_code == 400
    assert "Điểm giao dịch TXN0001 đã có phiên giao dịch ngày 12/05/2025." in text(refused)
    assert state() == before
    for persona in (w.commune_viewer, w.group_leader, w.commune_association):
        client.force_login(persona)
        assert client.get("/sessions/new/").status_code == 403


def test_the_viewer_reads_the_desk_but_cannot_write(client, scene):
    w = scene.world
    client.force_login(w.commune_viewer)
    page = client.get(desk(scene))
    assert page.status_code == 200
    assert "Đóng phiên" not in text(page).split("</h1>")[1].split("Lịch sử thay đổi của phiên")[0]
    before = state()
    assert client.post(desk(scene), {"action": "close", "closing_cash": "0"}).status_code == 403
    assert state() == before


def test_handover_with_a_shortage_is_flagged_on_the_desk(client, scene):
    w = scene.world
    batch = batch_submit(actor=w.group_leader, group=w.group_a, receipts=[receipt(scene), saver_receipt(scene)],
                         declared_total=220_000, idempotency_key="page-1")
    client.force_login(w.pgd_staff)
    page = text(client.get(desk(scene)))
    assert f"Bảng kê #{batch.pk}" in page and "220.000 đ" in page
    response = client.post(desk(scene), {"action": "handover", "batch": batch.pk, "counted_total": "210.000",
                                         "difference_note": "Thiếu tiền lẻ"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.counted_total) == (BatchStatus.HANDED_OVER, 210_000)
    page = text(client.get(desk(scene)))
    assert "Chênh lệch -10.000 đ" in page and "Thiếu tiền lẻ" in page
    before = state()
    again = client.post(desk(scene), {"action": "handover", "batch": batch.pk, "counted_total": "210000"})
    assert again.status_code == 400
    assert "không giao lần thứ hai" in text(again)
    assert state() == before


def test_repayment_close_and_the_closed_desk(client, scene):
    w = scene.world
    client.force_login(w.credit_officer)
    before = state()
    too_much = client.post(desk(scene), {"action": "repay", "loan": scene.loan.loan_number, "amount": "40.000.000"})
    assert too_much.status_code == 400 and "lớn hơn dư nợ của món vay" in text(too_much)
    assert state() == before
    ok = client.post(desk(scene), {"action": "repay", "loan": scene.loan.loan_number, "amount": "1.000.000"})
    assert ok.status_code == 302
    closed = client.post(desk(scene), {"action": "close", "closing_cash": "51.000.000"})
    assert closed.status_code == 302
    assert TransactionSession.objects.get(pk=scene.session.pk).status == SessionStatus.CLOSED
    page = text(client.get(desk(scene)))
    assert "Phiên đã đóng: không ghi thêm giao dịch" in page and 'id="repay-form"' not in page
    before = state()
    refused = client.post(desk(scene), {"action": "repay", "loan": scene.loan.loan_number, "amount": "100.000"})
    assert refused.status_code == 400
    assert "đã đóng: không ghi thêm giao dịch; điều chỉnh chỉ bằng bút toán đảo." in text(refused)
    assert state() == before


def test_the_leaders_collection_list(client, scene):
    w = scene.world
    client.force_login(w.group_leader)
    url = "/groups/0000001/collections/new/"
    form = text(client.get(url))
    code = scene.borrower.customer_code
    assert f'name="r-{code}-interest-{scene.loan.loan_number}"' in form and f'name="r-{code}-savings"' in form
    assert "principal" not in form and "gốc (đồng)" not in form
    data = {"idempotency_key": "phone-1", "declared_total": "170.000",
            f"r-{code}-receipt": "BL-9", f"r-{code}-date": "05/04/2025",
            f"r-{code}-interest-{scene.loan.loan_number}": "150.000", f"r-{code}-savings": "20.000"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the phone resends: still one batch
    assert CollectionBatch.objects.count() == 1
    batch = CollectionBatch.objects.get()
    assert (batch.declared_total, batch.submitted_by, batch.status) == (170_000, w.group_leader, "PENDING")
    before = state()
    wrong = client.post(url, dict(data, idempotency_key="phone-2", declared_total="171.000",
                                  **{f"r-{code}-receipt": "BL-10"}))
    assert wrong.status_code == 400
    assert "Tổng tiền bảng kê (171.000 đồng) khác tổng lãi và tiền gửi trên các biên lai (170.000 đồng)." in text(
        wrong)
    assert 'value="BL-10"' in text(wrong)  # what was typed is kept
    assert state() == before
    assert client.get("/groups/0000002/collections/new/").status_code == 404
    client.force_login(w.commune_association)
    assert client.get(url).status_code == 403
    client.force_login(w.credit_officer)
    assert client.get(url).status_code == 200


def test_the_savings_passbook(client, scene):
    w = scene.world
    url = f"/savings/{scene.saver_savings.account_number}/"
    client.force_login(w.credit_officer)
    assert client.post(url, {"direction": "deposit", "amount": "30.000", "on": "12/04/2025"}).status_code == 302
    page = text(client.get(url))
    assert "30.000 đ" in page and "Gửi tiền tiết kiệm tổ viên" in page
    before = state()
    refused = client.post(url, {"direction": "withdraw", "amount": "30.001", "on": "12/04/2025"})
    assert refused.status_code == 400 and "vượt số dư tài khoản" in text(refused)
    assert state() == before
    client.force_login(w.commune_viewer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"direction": "deposit", "amount": "30.000", "on": "12/04/2025"}).status_code == 403
    assert state() == before
    client.force_login(w.credit_officer)
    assert client.get("/savings/new/").status_code == 200
    opened = client.post("/savings/new/", {"household": w.group_a.test_members[4].customer_code,
                                           "opened_on": "12/04/2025"})
    assert opened.status_code == 302


def test_a_disbursement_announced_by_a_04td_notice_is_paid_at_the_desk(client, scene):
    from tests.loans.support import approved_application, make_poor, next_loan_number
    from uythac.loans.services import approval_notice_issue

    w = scene.world
    borrower = w.group_a.test_members[4]
    make_poor(borrower, 2025)
    application = approved_application(w, household=borrower, amount=12_000_000)
    approval_notice_issue(actor=w.credit_officer, applications=[application], number="04/TD-07",
                          notice_on=application.decided_on, planned_disbursement_on=scene.session.session_date,
                          planned_disbursement_place="Điểm GD Hoàn Kiếm")
    client.force_login(w.credit_officer)
    page = text(client.get(desk(scene)))
    assert "04/TD-07 · 12/04/2025" in page and borrower.name in page
    number = next_loan_number()
    response = client.post(desk(scene), {"action": "disburse", "application": application.pk, "loan_number": number})
    assert response.status_code == 302
    page = text(client.get(desk(scene)))
    assert number in page and "Giải ngân" in page
    before = state()
    again = client.post(desk(scene), {"action": "disburse", "application": application.pk,
                                      "loan_number": next_loan_number()})
    assert again.status_code == 400 and "không giải ngân lần thứ hai" in text(again)
    assert state() == before
