"""A full commune session in Chromium: the leader sends the 13/TD from a phone, the credit officer opens the
session, takes the hand-over with a 10,000 VND shortage (flagged), a principal repayment, closes the session; a
repayment typed on a screen opened before the close is then refused."""

import datetime as dt

from tests.browser.conftest import BROWSER, screenshot
from tests.browser.test_navigation import login
from tests.loans.support import disbursed_loan, ensure_reference_data, make_poor
from tests.support_lending import ensure_lending_reference_data, open_savings
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.selectors import balance
from uythac.loans.models import Loan
from uythac.transaction_sessions.models import BatchStatus, CollectionBatch, SessionStatus, TransactionSession

pytestmark = BROWSER


def test_a_full_commune_session(page, live_server, live_world):
    w = live_world
    ensure_reference_data()
    ensure_lending_reference_data()
    make_poor(w.household_a, 2025)
    loan = disbursed_loan(w, disbursed_on=dt.date(2025, 3, 12), amount=30_000_000)
    saver = w.group_a.test_members[3]
    open_savings(w, w.household_a, on=dt.date(2025, 3, 12))
    open_savings(w, saver, on=dt.date(2025, 3, 12))
    borrower = w.household_a.customer_code

    # 1. The group leader records the collections at members' homes (13/TD) on the phone.
    login(page, live_server, w.group_leader.username)
    page.goto(f"{live_server.url}/groups/0000001/collections/new/")
    page.fill(f"#r-{borrower}-receipt", "BL-101")
    page.fill(f"#r-{borrower}-interest-{loan.loan_number}", "150.000")
    page.fill(f"#r-{borrower}-savings", "20.000")
    page.fill(f"#r-{saver.customer_code}-receipt", "BL-102")
    page.fill(f"#r-{saver.customer_code}-savings", "50.000")
    page.fill("#declared-total", "220.000")
    screenshot(page, "session-13td-entry")
    page.click("text=Gửi bảng kê")
    assert "chờ giao tiền tại phiên giao dịch" in page.inner_text(".messages")
    batch = CollectionBatch.objects.get()
    assert (batch.status, batch.declared_total) == (BatchStatus.PENDING, 220_000)
    page.context.clear_cookies()

    # 2. The credit officer opens the session at the commune point.
    login(page, live_server, w.credit_officer.username)
    page.goto(f"{live_server.url}/sessions/new/")
    page.select_option("#id_teller", "pgd_hoankiem")
    page.fill("#id_opening_cash", "50.000.000")
    page.click("button:text-is('Mở phiên')")
    page.wait_for_url("**/sessions/*/")
    session = TransactionSession.objects.get()
    assert session.opening_cash == 50_000_000

    # 3. The leader's hand-over: the teller counts 210,000 for a list of 220,000.
    page.fill(f"#counted-{batch.pk}", "210.000")
    page.fill(f"#note-{batch.pk}", "Tổ trưởng nộp thiếu 10.000 đồng")
    page.click(f"#handover-{batch.pk} button[type=submit]")
    assert "Đã nhận bàn giao bảng kê" in page.inner_text(".messages")
    assert "Chênh lệch -10.000 đ" in page.inner_text("#handed-batches")
    screenshot(page, "session-handover-difference")

    # 4. A borrower repays principal at the desk.
    page.fill("#repay-loan", loan.loan_number)
    page.fill("#repay-amount", "1.000.000")
    page.click("#repay-form button[type=submit]")
    assert "Đã thu nợ gốc." in page.inner_text(".messages")
    assert Loan.objects.get(pk=loan.pk).outstanding == 29_000_000

    # A second screen of the desk, left open before the close.
    stale = page.context.new_page()
    stale.goto(f"{live_server.url}/sessions/{session.pk}/")

    # 5. Close: 50,000,000 + 210,000 + 1,000,000 counted back.
    page.fill("#closing-cash", "51.210.000")
    page.click("#close-form button[type=submit]")
    assert "Đã đóng phiên giao dịch." in page.inner_text(".messages")
    assert page.inner_text("#session-status") == "Đã đóng phiên"
    assert page.locator("#repay-form").count() == 0
    screenshot(page, "session-closed")
    closed = TransactionSession.objects.get(pk=session.pk)
    assert (closed.status, closed.closing_cash, closed.cash_difference) == (SessionStatus.CLOSED, 51_210_000, 0)
    assert balance(A.CASH_TELLER, subledger_type=S.SESSION, subledger_key=str(session.pk)) == 0
    assert balance(A.CASH_DIFFERENCE, subledger_type=S.GROUP, subledger_key="0000001") == 10_000

    # 6. The closed session refuses a new repayment.
    stale.fill("#repay-loan", loan.loan_number)
    stale.fill("#repay-amount", "500.000")
    stale.click("#repay-form button[type=submit]")
    assert "đã đóng: không ghi thêm giao dịch; điều chỉnh chỉ bằng bút toán đảo." in stale.inner_text(".errorbox")
    screenshot(stale, "session-closed-refuses")
    assert Loan.objects.get(pk=loan.pk).outstanding == 29_000_000
