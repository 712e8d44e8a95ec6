"""Fees in a phone-sized Chromium: the unit's fee statement list → the statement with its multiplier band → paying it at
the open commune session → marked paid, and the posting on the session's entries.
Screenshots: test-artifacts/fees-statement.png (before paying), fees-paid.png, fees-session-posting.png."""

import datetime as dt

from tests.browser.conftest import BROWSER, login, screenshot
from tests.fees.support import PERIOD, snap
from tests.loans.support import ensure_reference_data
from uythac.closing.scope import scope_parse
from uythac.core.periods import Period
from uythac.fees.models import FeeStatement, StatementStatus
from uythac.fees.statements import fees_compute
from uythac.ledger.models import Posting
from uythac.transaction_sessions.services import session_open

pytestmark = BROWSER


def test_fee_statement_paid_at_the_session(page, live_server, live_world):
    w = live_world
    ensure_reference_data()
    # Commune A, Farmers' Union: 800 million in term with 6 million interest collected, 20 million overdue →
    # overdue ratio 20 ÷ 820 = 2,4390 % → band "2 % to under 3 %" → 80 % of 256.000 đ = 204.800 đ.
    snap(w, w.group_a, current=800_000_000, interest=6_000_000)
    snap(w, w.group_a, overdue=20_000_000)
    fees_compute(actor=w.admin, period=Period.parse(PERIOD), scope=scope_parse("01"))
    fee = FeeStatement.objects.get(association_unit=w.unit_a["11"])
    session = session_open(
        actor=w.credit_officer,
        point=w.point_a,
        session_date=dt.date(2021, 1, 12),
        team_leader=w.credit_officer,
        teller=w.pgd_staff,
        opening_cash=5_000_000,
    )
    login(page, live_server, w.credit_officer.username)

    page.goto(f"{live_server.url}/fees/?period={PERIOD}")
    listing = page.inner_text("main")
    assert w.unit_a["11"].code in listing and "204.800 đ" in listing
    page.click(f"a[href='/fees/{fee.pk}/']")
    page.wait_for_url(f"**/fees/{fee.pk}/")
    lines = page.inner_text("table.fee-lines")
    for shown in ("2,4390%", "256.000 đ", "80%", "từ 2% đến dưới 3%", "204.800 đ"):
        assert shown in lines, shown
    assert "tạm tính" in page.inner_text("main")
    screenshot(page, "fees-statement")

    page.select_option("section.fee-pay select[name=session]", str(session.pk))
    page.fill("section.fee-pay input[name=amount]", "204.800")
    page.click("section.fee-pay button[type=submit]")
    page.wait_for_selector("ul.messages")
    assert "Đã chi trả và hạch toán vào phiên giao dịch." in page.inner_text("ul.messages")
    assert "Đã chi trả" in page.inner_text("main .badge-ok")
    assert page.locator("section.fee-pay form").count() == 0  # nothing left to pay
    screenshot(page, "fees-paid")

    fee.refresh_from_db()
    assert fee.status == StatementStatus.PAID and fee.paid_session_id == session.pk
    entry = fee.paid_entry
    assert sorted(Posting.objects.filter(entry=entry).values_list("amount", flat=True)) == [-204_800, 204_800]

    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    entries = page.inner_text("#entries")
    assert f"#{entry.pk}" in entries and "204.800 đ" in entries and "Chi phí ủy thác" in entries
    page.locator("#entries").scroll_into_view_if_needed()
    screenshot(page, "fees-session-posting")
