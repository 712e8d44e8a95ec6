"""Monthly reports as layout tables (HTML), XLSX (the bank's column order, Vietnamese headers, its units) and JSON
(integer VND, ratios as decimal strings). The cell model and the XLSX styles are the entrustment report's
(``uythac.reports.render``), so both reports print the same way."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle
from openpyxl.utils import get_column_letter

from uythac.reports.entrustment_types import round_half_up
from uythac.reports.monthly.base import COUNT, DATE, MILLION, PCT, THOUSAND, VND, MonthlyReport, Section
from uythac.reports.render.layout import Cell, Table
from uythac.reports.render.xlsx_render import BOX, FONT, _print_setup, number_format

#: Places printed per column kind (triệu đồng to the thousand đồng, as the bank's BC0437 keeps them).
PLACES = {MILLION: 3, THOUSAND: 0, PCT: 2}
SCALE = {MILLION: Decimal(1_000_000), THOUSAND: Decimal(1_000)}
BOLD = Font(name=FONT, bold=True, size=11)


def _styles(book) -> dict[tuple[bool, int | None], str]:
    """Named styles of the body cells, by (bold, number places or None for text): one style assignment per cell
    instead of three (font, border, number format each hash their value: 4× slower on BC0438)."""
    names = {}
    for bold in (False, True):
        for places in (None, 0, 2, 3):
            style = NamedStyle(name=f"monthly-{'b' if bold else 'n'}-{places}")
            style.font, style.border = Font(name=FONT, bold=bold, size=11), BOX
            if places is not None:
                style.number_format = number_format(places)
            book.add_named_style(style)
            names[bold, places] = style.name
    return names


def cell_of(value, kind: str, *, bold: bool = False) -> Cell:
    """A raw value as the cell it prints as: money scaled to its unit, dates dd/mm/yyyy."""
    if value is None or value == "":
        return Cell(None if value is None else "", bold=bold)
    if kind in SCALE:
        return Cell(round_half_up(Decimal(value) / SCALE[kind], PLACES[kind]), PLACES[kind], bold=bold)
    if kind == PCT:
        return Cell(Decimal(value), PLACES[PCT], bold=bold)
    if kind in (VND, COUNT):
        return Cell(int(value), bold=bold)
    if kind == DATE and isinstance(value, dt.date):
        return Cell(value.strftime("%d/%m/%Y"), bold=bold)
    return Cell(str(value), bold=bold)


def section_table(section: Section, report: MonthlyReport) -> Table:
    header = [[Cell(column.title, header=True, bold=True) for column in section.columns]]
    rows = [
        [cell_of(row.get(column.key, ""), column.kind, bold=row.get("_bold", False)) for column in section.columns]
        for row in section.rows
    ]
    if section.total is not None:
        rows.append([cell_of(section.total.get(column.key, ""), column.kind, bold=True) for column in section.columns])
    return Table(
        f"{report.kind}-{section.key}",
        section.title,
        report.unit,
        header,
        rows,
        [column.width for column in section.columns],
    )


def tables(report: MonthlyReport) -> list[Table]:
    return [section_table(section, report) for section in report.sections]


def _converter(kind: str):
    """The raw value → the XLSX value of a column kind (``cell_of`` without the Cell: a national BC0437 has 4.6
    million cells)."""
    if kind in SCALE:
        scale, places = SCALE[kind], PLACES[kind]
        return lambda value: round_half_up(Decimal(value) / scale, places)
    if kind == PCT:
        return Decimal
    if kind in (VND, COUNT):
        return int
    if kind == DATE:
        return lambda value: value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value)
    return str


def _style_places(kind: str) -> int | None:
    return PLACES.get(kind, 0) if kind in (*SCALE, PCT, VND, COUNT) else None


def _section_rows(sheet, section: Section, styles: dict):
    """The section's body rows then its total, streamed: one template cell per column (bold or not) is refilled for
    each row — a write-only sheet serialises a row as soon as it is appended."""
    keys = [column.key for column in section.columns]
    converters = [_converter(column.kind) for column in section.columns]
    templates = {}
    for bold in (False, True):
        cells = []
        for column in section.columns:
            cell = WriteOnlyCell(sheet)
            cell.style = styles[bold, _style_places(column.kind)]
            cells.append(cell)
        templates[bold] = cells
    rows = list(section.rows) + ([{**section.total, "_bold": True}] if section.total is not None else [])
    for row in rows:
        cells = templates[bool(row.get("_bold", False))]
        for cell, key, convert in zip(cells, keys, converters, strict=True):
            value = row.get(key)
            cell.value = None if value is None or value == "" else convert(value)
        yield cells


def render_xlsx(report: MonthlyReport) -> bytes:
    """One sheet: the title in row 1 (the bank's BC0437 layout: title row 1, headers row 2 for a single table);
    BC0438's parts follow one another, each with its caption and header row. Numbers are numbers in the report's
    unit with its number format; no formulas (the bank's exported formulas came out as 0). Written by a write-only
    workbook that streams the rows (a national BC0437: 166,000 rows)."""
    book = Workbook(write_only=True)
    styles = _styles(book)
    header_style = NamedStyle(name="monthly-header", font=BOLD, border=BOX,
                              alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
    book.add_named_style(header_style)
    sheet = book.create_sheet(report.kind.upper()[:31])
    width = max(len(section.columns) for section in report.sections)
    # Column widths go before the first row in a write-only sheet.
    for column, cells in enumerate(
        zip(*([c.width for c in s.columns] for s in report.sections if len(s.columns) == width), strict=False), start=1
    ):
        sheet.column_dimensions[get_column_letter(column)].width = max(cells)
    single = len(report.sections) == 1
    if single:
        sheet.freeze_panes = "A3"
    title = WriteOnlyCell(sheet, report.title)
    title.font = Font(name=FONT, bold=True, size=13)
    sheet.append([title])
    sheet.merged_cells.add(f"A1:{get_column_letter(width)}1")
    for section in report.sections:
        if not single:
            caption = WriteOnlyCell(sheet, section.title)
            caption.font = Font(name=FONT, bold=True, size=12)
            sheet.append([caption])
        header = []
        for column in section.columns:
            cell = WriteOnlyCell(sheet, column.title)
            cell.style = header_style.name
            header.append(cell)
        sheet.append(header)
        for cells in _section_rows(sheet, section, styles):
            sheet.append(cells)
        sheet.append([])
    for text in (report.unit, _("Phạm vi: %(scope)s — số liệu khóa sổ tháng %(month)s")
                 % {"scope": report.scope_label, "month": report.period.last_day.strftime("%m/%Y")}):
        note = WriteOnlyCell(sheet, text)
        note.font = Font(name=FONT, italic=True, size=10)
        sheet.append([note])
    _print_setup(sheet, landscape=True, header_rows="2:2" if single else None)
    book.properties.title = report.title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def report_data(report: MonthlyReport) -> dict:
    """Every amount in integer VND (whatever unit the XLSX prints), ratios and scores as decimal strings."""
    return {
        "report": report.kind,
        "title": report.title,
        "scope": report.scope.code,
        "scope_label": report.scope_label,
        "period": str(report.period),
        "period_end": report.period.last_day.isoformat(),
        "filters": report.filters,
        "units": {"money": "VND (integer)", "ratios": "percent, 2 places, ROUND_HALF_UP"},
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "count": section.count,
                "columns": [{"key": c.key, "title": c.title, "kind": c.kind} for c in section.columns],
                "rows": [{c.key: _plain(row.get(c.key)) for c in section.columns} for row in section.rows],
                "total": {key: _plain(value) for key, value in section.total.items()} if section.total else None,
            }
            for section in report.sections
        ],
        "notes": report.notes,
    }


def render_json(report: MonthlyReport) -> bytes:
    return (json.dumps(report_data(report), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render(report: MonthlyReport, fmt: str) -> bytes:
    return render_xlsx(report) if fmt == "xlsx" else render_json(report)


def file_name(report: MonthlyReport, fmt: str) -> str:
    """Like the bank's ``BC0437_004820___31082026.xls``: kind, scope code, period end."""
    code = report.scope.code or "toanquoc"
    return f"{report.kind.upper()}_{code}_{report.period.last_day:%d%m%Y}.{fmt}"
