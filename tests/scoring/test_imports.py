"""CT_CDTO.xlsx loader (export-formats.md §2.9) on a small openpyxl-made file, and the disagreement selector."""

import io
from decimal import Decimal as D

import pytest
from openpyxl import Workbook

from tests.scoring.support import group_snapshot
from uythac.closing.scope import scope_parse
from uythac.core.exceptions import DomainError
from uythac.scoring.imports import imported_scores_load
from uythac.scoring.models import ImportedGroupScore
from uythac.scoring.selectors import score_disagreements
from uythac.scoring.services import scores_compute

pytestmark = pytest.mark.django_db


def ct_cdto(rows, *, date_line="Ngày 30 tháng 06 năm 2025") -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "NGÂN HÀNG CHÍNH SÁCH XÃ HỘI"
    sheet["A4"] = "CHI TIẾT CHẤM ĐIỂM TỔ TK&VV"
    sheet["A6"] = date_line
    sheet.append([])  # row 7
    sheet["A8"], sheet["B8"], sheet["C8"] = "STT", "Mã đơn vị", "Tên đơn vị"
    sheet["A9"] = "(1)"  # sub-header row
    sheet["A10"] = None
    for number, row in enumerate(rows, start=11):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


ROW_A = [1, 101, "PGD Hoàn Kiếm", 70, "Hoàn Kiếm", 1, "Nguyễn Văn A", 11, "01", 1_000_000_000, 60_000_000,
         20, 30, 15, 20, 5, 10, 100, "Tốt", "A"]
ROW_B = [2, 101, "PGD Hoàn Kiếm", 4, "Ba Đình", 3, "Trần Thị B", 11, "01", 1_000_000_000, 60_000_000,
         20, 30, 15, 16, 5, 10, 96, "Tốt", "A"]


def test_load_pads_codes_and_reads_period(world):
    loaded = imported_scores_load(actor=world.admin, file=ct_cdto([ROW_A, ROW_B]), source_name="CT_CDTO.xlsx")
    assert loaded == 2
    row = ImportedGroupScore.objects.get(group_code="0000001")
    assert (row.period, row.office_code, row.commune_code, row.group_id) == ("2025-06", "000101", "000070",
                                                                             world.group_a.pk)
    assert (row.total, row.grade, row.diem_nqh, row.outstanding) == (D(100), "GOOD", D(30), 1_000_000_000)
    # Loading again replaces the period's rows instead of adding.
    imported_scores_load(actor=world.admin, file=ct_cdto([ROW_A]), source_name="again.xlsx")
    assert ImportedGroupScore.objects.count() == 2
    assert ImportedGroupScore.objects.get(group_code="0000001").source_file == "again.xlsx"


def test_bad_grade_refused_and_nothing_stored(world):
    bad = ROW_B[:18] + ["Xuất sắc", "A"]
    with pytest.raises(DomainError, match="Dòng 12: xếp loại «Xuất sắc»"):
        imported_scores_load(actor=world.admin, file=ct_cdto([ROW_A, bad]), source_name="x.xlsx")
    assert ImportedGroupScore.objects.count() == 0


def test_missing_date_and_not_a_workbook_refused(world):
    with pytest.raises(DomainError, match="Không thấy ngày báo cáo"):
        imported_scores_load(actor=world.admin, file=ct_cdto([ROW_A], date_line=""), source_name="x.xlsx")
    with pytest.raises(DomainError, match="Không đọc được tệp Excel"):
        imported_scores_load(actor=world.admin, file=io.BytesIO(b"not excel"), source_name="x.xlsx")


def test_disagreements(world):
    group_snapshot(world, world.group_a)  # ours: 100, Tốt
    group_snapshot(world, world.group_b, principal_overdue=60_000_000, principal_current=940_000_000,
                   interest_arrears_in_term=6_000_000)  # ours: 54, TB
    scores_compute(actor=world.admin, period="2025-06", scope=scope_parse("01"))
    imported_scores_load(actor=world.admin, file=ct_cdto([ROW_A, ROW_B]), source_name="CT_CDTO.xlsx")
    [row] = score_disagreements("2025-06")
    assert row["imported"].group_code == "0000003" and row["difference"] == D(-42)
    assert [code for code, _ours, _bank in row["criteria"]] == ["diem_nqh", "diem_thu_lai"]
