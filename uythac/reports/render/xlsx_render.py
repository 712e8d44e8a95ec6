"""XLSX of the entrustment report: one sheet per official table, laid out as printed (merged two- and three-row
headers, Vietnamese titles, unit line "Đơn vị: … triệu đồng"), numbers written as numbers (never formulas) with
number formats of the printed places, column widths, frozen header, A4 print setup with the header rows repeated."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from uythac.reports.render.layout import Table, narrative, tables

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CM = 1 / 2.54  # openpyxl margins are in inches
# Official margins (cm): top 2, bottom 2, left 3, right 2 — both XLSX writers print with them.
MARGINS_CM = {"left": 3, "right": 2, "top": 2, "bottom": 2}
SHEET_NAMES = {"table_a": "Ủy thác theo hội", "agreements": "Văn bản ký kết", "savings": "Tiền gửi tổ viên",
               "groups": "Tổ TK&VV", "risk": "Xử lý rủi ro", "inspections": "Kiểm tra giám sát",
               "grades": "Xếp loại tổ"}
TITLE_ROW, META_ROW, UNIT_ROW, HEADER_ROW = 1, 2, 3, 5


def number_format(places: int) -> str:
    return "#,##0" if places == 0 else "#,##0." + "0" * places


def _write_table(sheet, table: Table, report) -> None:
    columns = table.columns
    last = get_column_letter(columns)
    sheet.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    sheet.cell(TITLE_ROW, 1, table.title.upper()).font = Font(name=FONT, bold=True, size=13)
    sheet.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center")
    sheet.merge_cells(f"A{META_ROW}:{last}{META_ROW}")
    meta = _("Phạm vi: %(scope)s — số liệu đến %(day)s") % {"scope": report.scope_label, "day": report.period_label}
    sheet.cell(META_ROW, 1, meta).font = Font(name=FONT, italic=True, size=11)
    sheet.cell(META_ROW, 1).alignment = Alignment(horizontal="center")
    sheet.cell(UNIT_ROW, columns, table.unit).font = Font(name=FONT, italic=True, size=11)
    sheet.cell(UNIT_ROW, columns).alignment = Alignment(horizontal="right")

    taken: set[tuple[int, int]] = set()
    for offset, header_row in enumerate(table.header):
        row, column = HEADER_ROW + offset, 1
        for cell in header_row:
            while (row, column) in taken:
                column += 1
            target = sheet.cell(row, column, cell.text)
            target.font = Font(name=FONT, bold=True, size=11)
            target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            for r in range(row, row + cell.rowspan):
                for c in range(column, column + cell.colspan):
                    taken.add((r, c))
                    sheet.cell(r, c).border = BOX
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merge_cells(start_row=row, start_column=column, end_row=row + cell.rowspan - 1,
                                  end_column=column + cell.colspan - 1)
            column += cell.colspan
    first_body = HEADER_ROW + len(table.header)
    for offset, body_row in enumerate(table.rows):
        for column, cell in enumerate(body_row, start=1):
            value = cell.value if cell.is_number else (cell.text if cell.value is not None else "—")
            target = sheet.cell(first_body + offset, column, value)
            target.font = Font(name=FONT, bold=cell.bold, size=11)
            target.border = BOX
            if cell.is_number:
                target.number_format = number_format(cell.places)
                target.alignment = Alignment(horizontal="right")
            else:
                target.alignment = Alignment(horizontal="center" if column == 1 else "left", wrap_text=True)
    for column, width in enumerate(table.widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(first_body, 3)
    _print_setup(sheet, landscape=columns > 7, header_rows=f"{HEADER_ROW}:{first_body - 1}")


def _print_setup(sheet, *, landscape: bool, header_rows: str | None) -> None:
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(**{side: cm * CM for side, cm in MARGINS_CM.items()})
    if header_rows:
        sheet.print_title_rows = header_rows


def _write_text(sheet, report) -> None:
    sheet.column_dimensions["A"].width = 120
    sheet.cell(1, 1, _("Báo cáo kết quả thực hiện văn bản liên tịch về cho vay hộ nghèo và các đối tượng chính sách")
               ).font = Font(name=FONT, bold=True, size=13)
    row = 3
    for lines in narrative(report).values():
        for line in lines:
            target = sheet.cell(row, 1, line)
            target.font = Font(name=FONT, size=12)
            target.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
        row += 1
    _print_setup(sheet, landscape=False, header_rows=None)


def render_xlsx(report) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in tables(report):
        _write_table(book.create_sheet(SHEET_NAMES[table.key]), table, report)
    _write_text(book.create_sheet("Thuyết minh"), report)
    book.properties.title = _("Báo cáo kết quả thực hiện ủy thác %(day)s") % {"day": report.period_label}
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
