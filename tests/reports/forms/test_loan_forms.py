"""14/TD, 04/TD and 03/TD from the scene of conftest.py (loan 30.000.000 đ disbursed 12/03/2025, 36 months,
principal every 12 months), and for 14/TD a 12-month loan of 10.000.000 đ disbursed 12/03/2025 in group 0000002: it
falls due 12/03/2026 and, unpaid, the whole balance is transferred to overdue on 13/03/2026 (loans disbursed before
01/03/2026 keep the old regime)."""

import datetime as dt

import pytest

from tests.loans.support import disbursed_loan, make_poor
from tests.reports.forms.helpers import docx_parts, pdf_landscape, pdf_pages
from uythac.core.exceptions import DomainError
from uythac.loans.models import ReviewItem
from uythac.loans.selectors import interest_due
from uythac.loans.services_changes import overdue_transfer
from uythac.reports.forms import build_form
from uythac.reports.forms.render import render_form

TODAY = dt.date(2026, 4, 1)


@pytest.fixture
def overdue_loan(scene):
    world = scene.world
    make_poor(world.household_a_women, 2025)
    loan = disbursed_loan(
        world, household=world.household_a_women, group=world.group_a_women, term=12, frequency=12, amount=10_000_000
    )
    overdue_transfer(loan=loan, as_of=dt.date(2026, 3, 13))
    return loan


def test_14td_lists_the_transfer_and_the_balances(overdue_loan):
    loan = overdue_loan
    form = build_form("14td", key=loan.loan_number, today=TODAY, day=dt.date(2026, 3, 31))
    assert (form.code_label, form.motto, form.landscape) == ("Mẫu số 14/TD", True, False)
    assert form.filename == f"14TD_{loan.loan_number}_20260331"
    rows = [[cell.text for cell in row] for row in form.table.rows]
    assert rows == [["1", "13/03/2026", "kỳ 1 (12/03/2026)", "10.000.000"]]
    assert [cell.text for cell in form.table.totals] == ["Cộng", "10.000.000"]
    # Nothing was collected: the interest owed is every day's interest since the disbursement (split by rate).
    owed = interest_due(loan, dt.date(2025, 3, 12), dt.date(2026, 3, 31)).total
    assert form.facts == {"transferred": 10_000_000, "overdue": 10_000_000, "interest": owed, "rows": 1}
    assert form.after[0] == (
        f"Đến ngày 31/03/2026: dư nợ quá hạn 10.000.000 đồng; dư nợ trong hạn 0 đồng; lãi phải trả "
        f"{owed:,} đồng.".replace(",", ".")
    )
    assert form.before[0] == (
        f"Kính gửi: Ông/Bà Thành viên 0000002-03 (mã khách hàng {loan.household.customer_code}), "
        "Tổ TK&VV Tổ HPN thôn 1 (0000002), Phường Hoàn Kiếm."
    )
    assert (
        f"khế ước nhận nợ số {loan.loan_number} ngày 12/03/2025, số tiền giải ngân 10.000.000 đồng" in (form.before[1])
    )
    assert form.place_date == "PGD Hoàn Kiếm, ngày 31 tháng 03 năm 2026"
    parts = docx_parts(render_form(form, "docx"))
    assert not parts["landscape"] and parts["paragraphs"][1] == "THÔNG BÁO CHUYỂN NỢ QUÁ HẠN"
    assert parts["header"] == [
        "STT",
        "Ngày chuyển nợ quá hạn",
        "Kỳ hạn trả nợ (ngày đến hạn)",
        "Số tiền gốc chuyển quá hạn",
    ]
    assert parts["heading"][0] == "NGÂN HÀNG CHÍNH SÁCH XÃ HỘI\nChi nhánh Hà Nội\nPGD Hoàn Kiếm"
    pages = pdf_pages(render_form(form, "pdf"))
    assert len(pages) == 1
    for text in (
        "Mẫu số 14/TD",
        "THÔNG BÁO CHUYỂN NỢ QUÁ HẠN",
        "13/03/2026",
        "10.000.000",
        "kỳ 1 (12/03/2026)",
        "Độc lập - Tự do - Hạnh phúc",
    ):
        assert text in pages[0], text


def test_14td_refused_without_a_transfer(scene):
    with pytest.raises(DomainError, match="chưa có khoản nợ chuyển quá hạn đến ngày 31/03/2026"):
        build_form("14td", key=scene.loan.loan_number, today=TODAY, day=dt.date(2026, 3, 31))


def test_04td_lists_the_households_of_the_notice(scene):
    application = scene.loan.application
    form = build_form("04td", key=application.pk, today=TODAY)
    assert form.lines == ["Số: 04/TD-01"]
    rows = [[cell.text for cell in row] for row in form.table.rows]
    assert rows == [["1", "Thành viên 0000001-03", scene.borrower.customer_code, "01", "30.000.000", "36"]]
    assert [cell.text for cell in form.table.totals] == ["Cộng", "30.000.000", ""]
    assert form.after[0] == "Thời gian giải ngân: ngày 12/03/2025. Địa điểm giải ngân: Điểm giao dịch xã."
    parts = docx_parts(render_form(form, "docx"))
    assert parts["paragraphs"][1:3] == ["THÔNG BÁO KẾT QUẢ PHÊ DUYỆT CHO VAY", "Số: 04/TD-01"]
    assert parts["header"] == [
        "STT",
        "Họ tên người vay",
        "Mã khách hàng",
        "Chương trình",
        "Số tiền được vay",
        "Thời hạn (tháng)",
    ]
    assert parts["signatures"] == ["GIÁM ĐỐC PHÒNG GIAO DỊCH\n(Ký tên, đóng dấu)\n\n\n\n"]
    pages = pdf_pages(render_form(form, "pdf"))
    assert len(pages) == 1 and "30.000.000" in pages[0] and "Mẫu số 04/TD" in pages[0]


def test_04td_refused_before_the_notice(scene, world):
    from tests.loans.support import approved_application

    make_poor(world.household_a_women, 2025)
    pending = approved_application(world, household=world.household_a_women, group=world.group_a_women)
    with pytest.raises(DomainError, match="chưa có thông báo kết quả phê duyệt"):
        build_form("04td", key=pending.pk, today=TODAY)


def test_03td_lists_the_households_the_group_agreed(scene):
    meeting = ReviewItem.objects.get(application=scene.loan.application).meeting
    form = build_form("03td", key=meeting.pk, today=TODAY)
    assert (form.code_label, form.landscape, form.lines) == ("Mẫu số 03/TD", True, ["Số: 03/TD-01"])
    rows = [[cell.text for cell in row] for row in form.table.rows]
    assert rows == [
        [
            "1",
            "Thành viên 0000001-03",
            scene.borrower.customer_code,
            "01",
            "30.000.000",
            "30.000.000",
            "Chăn nuôi bò sinh sản",
            "36",
            "",
        ]
    ]
    assert [cell.text for cell in form.table.totals] == ["Cộng", "30.000.000", "30.000.000", "", "", ""]
    assert form.before[0].startswith(
        "Ngày 03/03/2025, Tổ TK&VV Tổ HND thôn 1 đã họp bình xét cho vay (biên bản số 10C/TD-01, 5 tổ viên dự)"
    )
    assert [s.title for s in form.signatures] == ["TỔ TRƯỞNG", "HỘI ĐOÀN THỂ XÃ", "XÁC NHẬN CỦA UBND XÃ"]
    parts = docx_parts(render_form(form, "docx"))
    assert parts["landscape"] and len(parts["rows"]) == 3
    assert parts["header"][4:6] == ["Số tiền đề nghị vay", "Số tiền tổ bình xét"]
    pdf = render_form(form, "pdf")
    pages = pdf_pages(pdf)
    assert len(pages) == 1 and pdf_landscape(pdf)
    assert "DANH SÁCH HỘ GIA ĐÌNH ĐỀ NGHỊ VAY VỐN" in pages[0] and "Chăn nuôi bò sinh sản" in pages[0]


def test_unknown_objects_and_kinds_are_refused(scene):
    with pytest.raises(DomainError, match="Không có khế ước số «999»"):
        build_form("14td", key="999", today=TODAY)
    with pytest.raises(DomainError, match="Không có mẫu biểu «99td»"):
        build_form("99td", key="1", today=TODAY)
    with pytest.raises(DomainError, match="không được sau ngày hôm nay"):
        build_form("15td", key="0000001", today=TODAY, day=dt.date(2026, 4, 2))
