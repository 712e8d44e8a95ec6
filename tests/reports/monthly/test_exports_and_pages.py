"""XLSX structure (title row, header row, numbers as numbers in the bank's units), the CLI (JSON on stdout, files
written atomically, refusals with exit code 2 and no file), the pages (200 in scope, 404 out of scope like an
unknown scope, 400 with a message on bad input, paging)."""

import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tests.reports.monthly.conftest import PERIOD, M
from uythac.reports.monthly import REPORTS, base, monthly_report
from uythac.reports.monthly.render import render_xlsx

pytestmark = pytest.mark.django_db


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_bc0437_xlsx_layout_and_units(mw):
    sheet = _sheet(render_xlsx(monthly_report("bc0437", scope="01", period=PERIOD)))
    assert sheet.title == "BC0437"
    assert sheet["A1"].value == "THÔNG TIN TỔ TK&VV DO TỈNH 01 THÀNH PHỐ HÀ NỘI QUẢN LÝ ĐẾN NGÀY 31/10/2026"
    headers = [cell.value for cell in sheet[2]]
    assert len(headers) == 28 and headers[0] == "Mã PGD" and headers[14] == "Tổng dư nợ (triệu đồng)"
    assert headers[23] == "Mức tiền gửi bình quân/tổ viên/tháng (ngàn đồng)" and headers[27] == "Xếp loại"
    first = [cell.value for cell in sheet[3]]
    assert first[5] == "0000003" and first[1] == "00004"  # codes stay text with their leading zeros
    assert first[14] == 12 and sheet.cell(3, 15).number_format == "#,##0.000"  # triệu đồng
    total = [cell.value for cell in sheet[6]]
    assert total[0] == "Tổng cộng" and total[14] == 57 and total[16] == pytest.approx(8.77)
    assert total[22] == pytest.approx(0.094)  # 93.750 đ per member = 0,094 triệu đồng
    assert isinstance(total[7], int) and total[7] == 16 and total[12] is None  # "—": no figure, no zero
    assert sheet.freeze_panes == "A3"


def test_bc0438_parts_follow_one_another(mw):
    sheet = _sheet(render_xlsx(monthly_report("bc0438", scope="01", period=PERIOD)))
    column_a = [cell.value for cell in sheet["A"]]
    parts = [value for value in column_a if isinstance(value, str) and value[:1] in "①②③"]
    assert parts == [
        "① Dư nợ nhận ủy thác",
        "② Chấm điểm hoạt động nhận ủy nhiệm (số tổ theo xếp loại)",
        "③ Dư nợ nhận ủy thác theo chương trình",
    ]
    start = column_a.index(parts[1]) + 1
    assert [cell.value for cell in sheet[start + 1]][5:10] == ["Tổng số", "Tốt", "Khá", "Trung bình", "Yếu"]
    assert column_a.count("Tổng cộng") == 3


def test_detail_list_xlsx_in_dong(mw):
    sheet = _sheet(render_xlsx(monthly_report("overdue", scope="01", period=PERIOD)))
    headers = [cell.value for cell in sheet[2]]
    assert headers[13] == "Dư nợ quá hạn" and headers[15] == "Ngày chuyển quá hạn"
    row = [cell.value for cell in sheet[3]]
    assert row[13] == 5 * M and row[15] == "12/10/2026" and row[16] == 19
    assert "Đơn vị: đồng" in [cell.value for cell in sheet["A"]]


def test_cli_json_and_files(mw, tmp_path):
    for kind in REPORTS:
        out = io.StringIO()
        call_command("report", kind, "--period", PERIOD, "--scope", "01", stdout=out)
        data = json.loads(out.getvalue())
        assert data["report"] == kind and data["period_end"] == "2026-10-31" and data["sections"]
    out = io.StringIO()
    call_command("report", "bc0437", "--period", PERIOD, "--scope", "01", stdout=out)
    total = json.loads(out.getvalue())["sections"][0]["total"]
    assert total["outstanding"] == 57 * M and total["overdue_ratio"] == "8.77"  # VND and decimal strings
    target = tmp_path / "bc0438.xlsx"
    call_command(
        "report",
        "bc0438",
        "--period",
        PERIOD,
        "--scope",
        "01",
        "--format",
        "xlsx",
        "--out",
        str(target),
        stderr=io.StringIO(),
    )
    assert target.read_bytes()[:2] == b"PK"
    for bad in (
        ["--period", "2026-07"],
        ["--period", "2026-13"],
        ["--period", PERIOD, "--scope", "99"],
        ["--period", PERIOD, "--organization", "7"],
        ["--scope", "01"],
    ):
        refused = tmp_path / "refused.xlsx"
        err = io.StringIO()
        with pytest.raises(SystemExit) as stop:
            call_command("report", "overdue", *bad, "--format", "xlsx", "--out", str(refused), stderr=err)
        assert stop.value.code == 2 and not refused.exists() and err.getvalue().strip()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bc0438.xlsx"]


def test_pages_in_scope_and_paging(mw, client, monkeypatch):
    client.force_login(mw.branch_staff)
    index = client.get("/reports/monthly/")
    assert index.status_code == 200
    body = index.content.decode()
    assert "/reports/monthly/bc0437/?scope=01&amp;period=2026-10" in body  # the user's province, latest close
    for kind in REPORTS:
        page = client.get(f"/reports/monthly/{kind}/", {"scope": "01", "period": PERIOD})
        assert page.status_code == 200, kind
        answer = client.get(f"/reports/monthly/{kind}/export/", {"scope": "01", "period": PERIOD})
        assert answer.status_code == 200 and "spreadsheetml" in answer["Content-Type"]
        assert answer["Content-Disposition"].endswith('_01_31102026.xlsx"')
    page = client.get("/reports/monthly/bc0437/").content.decode()
    assert "16,67" in page and "57,000" in page and "Thành viên 0000001-01" in page
    monkeypatch.setattr(base, "PER_PAGE", 2)
    first = client.get("/reports/monthly/bc0437/", {"scope": "01", "period": PERIOD}).content.decode()
    second = client.get("/reports/monthly/bc0437/", {"scope": "01", "period": PERIOD, "page": "2"}).content.decode()
    assert "Trang 1/2 (3 dòng)" in first and "0000003" in first and "0000002" not in first
    assert "Trang 2/2" in second and "0000002" in second and "0000003" not in second
    assert "57,000" in first and "57,000" in second  # the total covers every page
    beyond = client.get("/reports/monthly/bc0437/", {"scope": "01", "period": PERIOD, "page": "99"}).content.decode()
    assert "Trang 2/2" in beyond  # a page past the end shows the last one
    export = client.get("/reports/monthly/bc0437/export/", {"scope": "01", "period": PERIOD, "format": "json"})
    assert len(json.loads(export.content)["sections"][0]["rows"]) == 3  # an export is never paged
    bad = client.get("/reports/monthly/overdue/", {"scope": "01", "period": "2026-07"})
    assert bad.status_code == 400 and "chưa khóa sổ" in bad.content.decode()
    bad = client.get("/reports/monthly/overdue/export/", {"scope": "01", "period": "2026-7"})
    assert bad.status_code == 400


@pytest.mark.parametrize(
    "persona",
    [
        "branch_staff",
        "pgd_staff",
        "credit_officer",
        "province_association",
        "commune_association",
        "group_leader",
        "commune_viewer",
    ],
)
def test_out_of_scope_answers_404_like_an_unknown_scope(mw, client, persona):
    client.force_login(getattr(mw, persona))
    for url in ("/reports/monthly/bc0437/", "/reports/monthly/overdue/export/"):
        outside = client.get(url, {"scope": "79", "period": PERIOD})
        unknown = client.get(url, {"scope": "98", "period": PERIOD})
        assert outside.status_code == unknown.status_code == 404
    other_unit = client.get("/reports/monthly/bc0437/", {"unit": mw.unit_c["11"].code, "period": PERIOD})
    assert other_unit.status_code == 404
