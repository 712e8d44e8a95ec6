"""13/TD, 15/TD and the notice of debts due, from the scene of conftest.py, with hand-computed figures.

Interest: program 01 at 6,6 %/year on the daily balance, day count 365 (uythac.loans.interest), rounded once:
* 12/03–11/04/2025 (31 days) on 30.000.000: 30.000.000 × 6,6 % × 31 / 365 = 168.164,38 → 168.164
* 12/03–30/04/2025 (50 days): 30.000.000 × 6,6 % × 50 / 365 = 271.232,88 → 271.233
"""

import datetime as dt

from tests.reports.forms.helpers import docx_parts, pdf_landscape, pdf_pages
from tests.transaction_sessions.support import receipt, saver_receipt
from uythac.core.periods import Period
from uythac.reports.forms import build_form
from uythac.reports.forms.render import render_form
from uythac.transaction_sessions.services import batch_handover, batch_submit, session_open

TODAY = dt.date(2025, 5, 20)
SESSION_DAY = dt.date(2025, 4, 12)


def _form(kind, **options):
    return build_form(kind, key="0000001", today=TODAY, **options)


def test_13td_without_a_leader_list_has_the_interest_due_and_blank_collection_columns(scene):
    form = _form("13td", period=Period(2025, 4))
    assert (form.code_label, form.filename, form.landscape, form.motto) == (
        "Mẫu số 13/TD",
        "13TD_0000001_2025-04",
        True,
        False,
    )
    assert form.facts["day"] == SESSION_DAY  # point TXN0001 transacts on the 12th
    rows = [[cell.text for cell in row] for row in form.table.rows]
    assert rows == [
        ["1", "Thành viên 0000001-03", scene.loan.loan_number, "168.164", "", "", "", "", ""],
        ["2", "Thành viên 0000001-04", "—", "", "", "", "", "", ""],
    ]
    assert [cell.text for cell in form.table.totals] == ["Cộng", "168.164", "", "", "", "", ""]
    assert "Tháng 04/2025 — ngày giao dịch 12/04/2025" in form.lines
    assert form.place_date == "Phường Hoàn Kiếm, ngày …… tháng …… năm ……"
    assert "Chưa có bảng kê của tổ trưởng trong tháng: các cột thu để tổ trưởng ghi khi thu." in form.after


def _hand_over(scene):
    w = scene.world
    session = session_open(
        actor=w.credit_officer,
        point=w.point_a,
        session_date=SESSION_DAY,
        team_leader=w.credit_officer,
        teller=w.pgd_staff,
        opening_cash=50_000_000,
    )
    batch = batch_submit(
        actor=w.group_leader,
        group=w.group_a,
        receipts=[receipt(scene), saver_receipt(scene)],
        declared_total=220_000,
        idempotency_key="forms-1",
        list_number="13/TD-04",
    )
    return batch_handover(actor=w.pgd_staff, session=session, batch=batch, counted_total=220_000)


def test_13td_with_the_leader_list_fills_the_collection_columns_and_keeps_the_interest_due(scene):
    _hand_over(scene)
    form = _form("13td", period=Period(2025, 4))
    rows = [[cell.text for cell in row] for row in form.table.rows]
    # Interest due is what was owed before the collection (168.164), not the 18.164 left after it.
    assert rows == [
        ["1", "Thành viên 0000001-03", scene.loan.loan_number, "168.164", "150.000", "20.000", "0", "170.000", ""],
        ["2", "Thành viên 0000001-04", "—", "", "0", "50.000", "0", "50.000", ""],
    ]
    assert [cell.text for cell in form.table.totals] == ["Cộng", "168.164", "150.000", "70.000", "0", "220.000", ""]
    assert (form.facts["cash"], form.facts["batches"]) == (220_000, 1)
    assert "Bảng kê số 13/TD-04: tổng tiền 220.000 đồng; đã giao và hạch toán." in form.after
    assert "Tổng số tiền mặt nộp tại điểm giao dịch: 220.000 đồng." in form.after
    assert form.place_date == "Phường Hoàn Kiếm, ngày 12 tháng 04 năm 2025"


def test_13td_docx_and_pdf(scene):
    _hand_over(scene)
    form = _form("13td", period=Period(2025, 4))
    parts = docx_parts(render_form(form, "docx"))
    assert parts["a4"] and parts["landscape"]
    assert parts["paragraphs"][:3] == [
        "Mẫu số 13/TD",
        "BẢNG KÊ THU LÃI, THU TIỀN GỬI",
        "Tháng 04/2025 — ngày giao dịch 12/04/2025",
    ]
    assert parts["heading"][0] == "TỔ TIẾT KIỆM VÀ VAY VỐN\nTổ HND thôn 1 (0000001)\nHND 11-C-00070\nPhường Hoàn Kiếm"
    assert parts["heading"][1] == ""  # 13/TD has no national motto
    assert parts["header"] == [
        "STT",
        "Họ và tên tổ viên",
        "Số khế ước",
        "Lãi phải thu",
        "Lãi thực thu",
        "Tiền gửi tiết kiệm",
        "Trả nợ gốc từ tiền gửi",
        "Tổng số tiền thu",
        "Tổ viên ký",
    ]
    assert len(parts["rows"]) == 1 + 2 + 1  # header, two members, totals
    assert parts["rows"][-1][:6] == ["Cộng", "Cộng", "Cộng", "168.164", "150.000", "70.000"]  # merged label cell
    assert parts["signatures"][0].startswith("TỔ TRƯỞNG\n(Ký, ghi rõ họ tên)")
    pdf = render_form(form, "pdf")
    pages = pdf_pages(pdf)
    assert len(pages) == 1 and pdf_landscape(pdf)
    for text in (
        "Mẫu số 13/TD",
        "BẢNG KÊ THU LÃI, THU TIỀN GỬI",
        "168.164",
        "150.000",
        "220.000",
        "Thành viên 0000001-03",
        "Phường Hoàn Kiếm, ngày 12 tháng 04 năm 2025",
    ):
        assert text in pages[0], text


def test_15td_principal_interest_and_savings_per_bank_at_a_date(scene):
    form = _form("15td", day=dt.date(2025, 4, 30))
    assert (form.code, form.filename, form.landscape) == ("15/TD", "15TD_0000001_20250430", True)
    rows = [[cell.text for cell in row][:6] for row in form.table.rows]
    assert rows == [
        ["1", "Thành viên 0000001-03 — 01", scene.loan.loan_number, "30.000.000", "271.233", "600.000"],
        ["2", "Thành viên 0000001-04", "—", "", "", "250.000"],
    ]
    assert all(cell.text == "" for row in form.table.rows for cell in row[6:])  # per customer, differences
    assert [cell.text for cell in form.table.totals][:4] == ["Cộng", "30.000.000", "271.233", "850.000"]
    assert form.lines[0] == "Đến ngày 30/04/2025"
    parts = docx_parts(render_form(form, "docx"))
    assert parts["landscape"] and parts["header"][:4] == [
        "STT",
        "Họ tên khách hàng / chương trình",
        "Số khế ước",
        "Theo sổ sách ngân hàng",
    ]
    assert parts["rows"][1][:9] == [
        "STT",
        "Họ tên khách hàng / chương trình",
        "Số khế ước",
        "Dư nợ gốc",
        "Lãi tồn",
        "Tiền gửi",
        "Dư nợ gốc",
        "Lãi tồn",
        "Tiền gửi",
    ]
    assert len(parts["rows"]) == 2 + 2 + 1
    pages = pdf_pages(render_form(form, "pdf"))
    assert len(pages) == 1
    for text in (
        "Mẫu số 15/TD",
        "BẢNG KÊ ĐỐI CHIẾU TIỀN VAY, TIỀN GỬI",
        "30.000.000",
        "271.233",
        "850.000",
        "Đến ngày 30/04/2025",
        "Theo khách hàng",
        "Chênh lệch",
    ):
        assert text in pages[0], text


def test_15td_before_the_disbursement_lists_only_the_savers(scene):
    form = _form("15td", day=dt.date(2025, 3, 11))
    assert form.table.rows == [] and form.facts["rows"] == 0


def test_due_notice_lists_next_installments(scene):
    # 36 months, principal every 12 months: 3 installments of 10.000.000, the first on 12/03/2026.
    form = _form("due-notice", period=Period(2026, 3))
    rows = [[cell.text for cell in row] for row in form.table.rows]
    assert rows == [
        ["1", "Thành viên 0000001-03", scene.loan.loan_number, "01", "1", "12/03/2026", "10.000.000", "30.000.000"]
    ]
    assert [cell.text for cell in form.table.totals] == ["Cộng", "10.000.000", ""]
    assert form.motto and form.lines == ["Tháng 03/2026"]
    parts = docx_parts(render_form(form, "docx"))
    assert not parts["landscape"] and parts["a4"]
    assert parts["heading"][1] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    assert parts["paragraphs"][1:3] == ["THÔNG BÁO NỢ ĐẾN HẠN", "Tháng 03/2026"]
    assert len(parts["rows"]) == 3
    pages = pdf_pages(render_form(form, "pdf"))
    assert len(pages) == 1 and "12/03/2026" in pages[0] and "10.000.000" in pages[0]


def test_due_notice_of_a_month_without_installments(scene):
    form = _form("due-notice", period=Period(2025, 6))
    assert form.table.rows == []
    assert form.after[0] == "Trong tháng 06/2025 tổ không có khoản nợ gốc đến hạn."


def test_default_periods(scene):
    assert _form("due-notice").lines == ["Tháng 06/2025"]  # next month of TODAY
    assert _form("13td").lines == ["Tháng 05/2025 — ngày giao dịch 12/05/2025"]
