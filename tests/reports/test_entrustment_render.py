"""The entrustment report's files and pages on the small province of ``entrustment_fixtures.closed``: golden
structure of the XLSX (sheets, header cells, merged ranges, number formats, print setup) and of the DOCX (headings,
table shapes), the PDF on A4 (rendered to PNG), the CLI (stdout, atomic files, refusals write nothing) and the
pages (download buttons, 404 outside the user's scope)."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from tests.reports import entrustment_fixtures
from tests.reports.entrustment_fixtures import COMPARE, PERIOD, M
from uythac.reports.entrustment import entrustment_report
from uythac.reports.render import render_entrustment

pytestmark = pytest.mark.django_db
cw, closed = entrustment_fixtures.cw, entrustment_fixtures.closed
PNG_DIR = Path("/tmp/entrustment_report_png")


def _report():
    return entrustment_report(scope="01", period=PERIOD, compare=COMPARE)


def test_xlsx_reproduces_the_official_layout(closed):
    book = load_workbook(io.BytesIO(render_entrustment(_report(), "xlsx")))
    assert book.sheetnames == ["Ủy thác theo hội", "Văn bản ký kết", "Tiền gửi tổ viên", "Tổ TK&VV", "Xử lý rủi ro",
                               "Xếp loại tổ", "Thuyết minh"]
    sheet = book["Ủy thác theo hội"]
    assert sheet["A1"].value == "KẾT QUẢ ỦY THÁC QUA CÁC HỘI ĐOÀN THỂ"
    assert sheet["L3"].value == "Đơn vị: tổ, hộ, triệu đồng"
    assert [sheet.cell(5, c).value for c in (1, 2, 3, 8)] == [
        "STT", "Tổ chức CT-XH", "Đến 31/10/2026", "Tăng (+), Giảm (-) so với 30/06/2026"]
    assert [sheet.cell(6, c).value for c in range(3, 13)] == [
        "Tổng số tổ TK&VV có dư nợ", "Tổng số hộ có dư nợ", "Dư nợ", None, None, "Tổng số tổ TK&VV có dư nợ",
        "Tổng số hộ có dư nợ", "Dư nợ", "Nợ quá hạn", "Tỷ lệ NQH tăng (%)"]
    assert [sheet.cell(7, c).value for c in (5, 6, 7)] == ["Tổng số", "T.đó: Nợ quá hạn", "Tỷ lệ NQH/DN (%)"]
    assert {str(r) for r in sheet.merged_cells.ranges} >= {
        "A1:L1", "A5:A7", "B5:B7", "C5:G5", "H5:L5", "C6:C7", "D6:D7", "E6:G6", "H6:H7", "L6:L7"}
    assert (sheet["C8"].value, sheet["E8"].value, sheet["F8"].value, sheet["G8"].value) == (2, 42, 5, 11.905)
    assert (sheet["E8"].number_format, sheet["G8"].number_format, sheet["K8"].number_format) == (
        "#,##0", "#,##0.000", "#,##0.0")
    assert (sheet["B12"].value, sheet["E12"].value, sheet["G12"].value) == ("Cộng", 57, 8.772)
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for row in sheet.iter_rows() for c in row)
    assert sheet.freeze_panes == "C8" and sheet.print_title_rows == "$5:$7"
    assert (int(sheet.page_setup.paperSize), sheet.page_setup.orientation) == (9, "landscape")
    assert round(sheet.page_margins.left * 2.54, 2) == 3.0 and round(sheet.page_margins.top * 2.54, 2) == 2.0
    assert sheet.column_dimensions["B"].width == 22
    grades = book["Xếp loại tổ"]
    assert [grades.cell(5, c).value for c in (3, 4, 6, 8, 10)] == ["Số tổ được xếp loại", "Tốt", "Khá", "Trung bình",
                                                                 "Yếu"]
    assert [grades.cell(6, c).value for c in (4, 5)] == ["Số tổ", "Tỷ lệ (%)"]
    assert {"D5:E5", "J5:K5", "C5:C6"} <= {str(r) for r in grades.merged_cells.ranges}
    assert (grades["B9"].value, grades["C9"].value, grades["E9"].number_format) == ("Cộng", 3, "#,##0.00")


def test_docx_is_the_narrative_with_its_tables(closed):
    document = Document(io.BytesIO(render_entrustment(_report(), "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings == [
        "Báo cáo kết quả thực hiện văn bản liên tịch về cho vay hộ nghèo và các đối tượng chính sách",
        "I. KẾT QUẢ THỰC HIỆN ỦY THÁC", "2.1. Về cho vay các chương trình",
        "2.2. Công tác huy động tiền gửi của tổ viên tổ TK&VV", "2.3. Công tác kiểm tra, giám sát",
        "2.4. Kết quả phối hợp thực hiện các nhiệm vụ trọng tâm khác", "II. MỘT SỐ TỒN TẠI, HẠN CHẾ"]
    shapes = [(len(t.rows), len(t.columns)) for t in document.tables]
    # agreements 1+4, table A 3+5, risk rounds 1+0, savings 1+5, grades 2+3 (11, 12, total), groups 1+5
    assert shapes == [(5, 5), (8, 12), (1, 6), (6, 4), (5, 11), (6, 5)]
    table_a = document.tables[1]
    assert table_a.cell(7, 1).text == "Cộng" and table_a.cell(7, 4).text == "57"
    assert table_a.cell(3, 6).text == "11,905"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "quản lý 3 tổ TK&VV, 3 hộ vay" in text and "Hệ thống chưa có số liệu cho kỳ này." in text
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert (round(section.left_margin.cm, 1), round(section.right_margin.cm, 1)) == (3.0, 2.0)


def test_pdf_prints_on_a4(closed):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(render_entrustment(_report(), "pdf"))
    assert len(pdf) >= 2
    width, height = pdf[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    PNG_DIR.mkdir(exist_ok=True)
    image = pdf[0].render(scale=1.5).to_pil()
    image.save(PNG_DIR / "entrustment_page1.png")
    assert image.size == (round(width * 1.5), round(height * 1.5))


def test_cli_json_to_stdout_and_files_written_atomically(closed, tmp_path):
    out = io.StringIO()
    call_command("report", "entrustment", "--period", "2026-10-31", "--compare", "2026-06-30", "--scope", "01",
                 stdout=out)
    data = json.loads(out.getvalue())
    assert data["total"]["outstanding"] == 57 * M and data["total"]["overdue_ratio"]["value"] == "8.772"
    target = tmp_path / "report.xlsx"
    call_command("report", "entrustment", "--period", "2026-10-31", "--scope", "01", "--format", "xlsx",
                 "--out", str(target), stderr=io.StringIO())
    assert target.read_bytes()[:2] == b"PK"
    for bad in (["--period", "2025-12-31"], ["--period", "2026-10-31", "--compare", "2027-01-31"],
                ["--period", "31/10/2026"], ["--period", "2026-10-31", "--scope", "99"]):
        refused = tmp_path / "refused.pdf"
        with pytest.raises(SystemExit) as stop:
            call_command("report", "entrustment", *bad, "--format", "pdf", "--out", str(refused),
                         stderr=io.StringIO())
        assert stop.value.code == 2 and not refused.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]  # no temporary file left


def test_page_and_downloads_in_scope(closed, client):
    client.force_login(closed.branch_staff)
    page = client.get("/reports/entrustment/", {"scope": "01", "period": "2026-10-31", "compare": "2026-06-30"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Kết quả ủy thác qua các Hội đoàn thể" in body and "11,905" in body
    assert "/reports/entrustment/export/?scope=01&amp;period=2026-10-31&amp;compare=2026-06-30&amp;format=xlsx" in body
    default = client.get("/reports/entrustment/")  # the user's province, the latest closed month
    assert default.status_code == 200 and "31/10/2026" in default.content.decode()
    for fmt, kind in (("xlsx", "spreadsheetml"), ("docx", "wordprocessingml"), ("pdf", "pdf"), ("json", "json")):
        answer = client.get("/reports/entrustment/export/", {"scope": "01", "period": "2026-10-31", "format": fmt})
        assert answer.status_code == 200 and kind in answer["Content-Type"]
        assert answer["Content-Disposition"].endswith(f'.{fmt}"')
    bad = client.get("/reports/entrustment/", {"scope": "01", "period": "2026-10-30"})
    assert bad.status_code == 400 and "ngày cuối tháng" in bad.content.decode()


@pytest.mark.parametrize("persona", ["branch_staff", "pgd_staff", "credit_officer", "province_association",
                                     "commune_association", "group_leader", "commune_viewer"])
def test_out_of_scope_answers_404_like_an_unknown_scope(closed, client, persona):
    client.force_login(getattr(closed, persona))
    for url in ("/reports/entrustment/", "/reports/entrustment/export/"):
        outside = client.get(url, {"scope": "79", "period": "2026-10-31", "format": "pdf"})
        unknown = client.get(url, {"scope": "98", "period": "2026-10-31", "format": "pdf"})
        assert outside.status_code == unknown.status_code == 404
