"""The streamed XLSX writer of the monthly reports: exact amounts from integer VND, text that XML cannot carry,
and a workbook that openpyxl reads back with the layout the reports ask for."""

import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from uythac.reports.entrustment_types import round_half_up
from uythac.reports.monthly import xlsx_stream as xs


def test_scaled_amounts_by_hand():
    assert xs.scaled_text(1_234_500, 1_000_000, 3) == "1.235"  # half up: 1,2345 → 1,235 triệu
    assert xs.scaled_text(1_234_499, 1_000_000, 3) == "1.234"
    assert xs.scaled_text(-1_234_500, 1_000_000, 3) == "-1.235"  # away from zero, like ROUND_HALF_UP
    assert xs.scaled_text(93_750, 1_000_000, 3) == "0.094"
    assert xs.scaled_text(400, 1_000_000, 3) == "0.000"  # no "-0.000" either
    assert xs.scaled_text(-400, 1_000_000, 3) == "0.000"
    assert xs.scaled_text(166_667, 1_000, 0) == "167"  # nghìn đồng


@given(st.integers(min_value=-10**15, max_value=10**15), st.sampled_from([(1_000_000, 3), (1_000, 0), (1_000_000, 0)]))
def test_scaled_amounts_equal_decimal_half_up(amount, unit):
    divisor, places = unit
    expected = round_half_up(Decimal(amount) / divisor, places)
    assert Decimal(xs.scaled_text(amount, divisor, places)) == expected


def test_text_is_escaped_and_illegal_characters_dropped():
    cell = xs.text_cell("Tổ <A> & \x07B", 5)
    assert "Tổ &lt;A&gt; &amp; B" in cell and "\x07" not in cell


def _workbook() -> bytes:
    sheet = xs.Sheet("BC0437", [10, 12, 9], freeze_rows=2, repeat_rows=(2, 2))
    money, count, text = xs.Column(3, 1_000_000), xs.Column(0), xs.Column()

    def fill(sheet):
        sheet.line("TIÊU ĐỀ", xs.TITLE, merge=True)
        sheet.header(["Mã", "Một tiêu đề rất dài cần xuống dòng nhiều lần", "Số"])
        sheet.rows([text, money, count], [(False, ["0001", 1_234_500, 7]), (False, [None, None, None]),
                                          (True, ["Tổng cộng", 1_234_500, 7])])
        sheet.line("Đơn vị: triệu đồng", xs.NOTE)

    buffer = io.BytesIO()
    xs.write_workbook(buffer, sheet, fill, title="TIÊU ĐỀ")
    return buffer.getvalue()


def test_openpyxl_reads_back_the_layout():
    book = load_workbook(io.BytesIO(_workbook()))
    sheet = book.active
    assert sheet.title == "BC0437" and book.properties.title == "TIÊU ĐỀ"
    assert [str(rng) for rng in sheet.merged_cells.ranges] == ["A1:C1"]
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$2:$2"
    assert sheet.row_dimensions[2].height > 30  # the long title wraps: the header row is sized for it
    assert [cell.value for cell in sheet[3]] == ["0001", 1.235, 7]
    assert sheet["A3"].data_type == "s" and sheet["B3"].number_format == "#,##0.000"
    assert sheet["C3"].number_format == "#,##0" and sheet["C3"].border.left.style == "thin"
    assert [cell.value for cell in sheet[4]] == [None, None, None] and sheet["B4"].border.top.style == "thin"
    assert sheet["A5"].font.b and not sheet["A3"].font.b and sheet["A5"].font.name == "Times New Roman"
    assert sheet["A6"].value == "Đơn vị: triệu đồng" and sheet["A6"].font.i
    assert sheet.column_dimensions["B"].width == 12
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9  # A4
