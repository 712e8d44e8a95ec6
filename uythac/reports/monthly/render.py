"""Monthly reports as layout tables (HTML), XLSX (the bank's column order, Vietnamese headers, its units) and JSON
(integer VND, ratios as decimal strings). The HTML cell model is the entrustment report's (``uythac.reports.render``);
the XLSX is streamed by ``xlsx_stream`` with the same fonts, borders, number formats and page setup."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

from django.utils.translation import gettext as _

from uythac.reports.entrustment_types import round_half_up
from uythac.reports.monthly import xlsx_stream
from uythac.reports.monthly.base import COUNT, DATE, MILLION, PCT, THOUSAND, VND, MonthlyReport, Section
from uythac.reports.render.layout import Cell, Table

#: Places printed per column kind (triệu đồng to the thousand đồng, as the bank's BC0437 keeps them).
PLACES = {MILLION: 3, THOUSAND: 0, PCT: 2}
SCALE = {MILLION: Decimal(1_000_000), THOUSAND: Decimal(1_000)}


def _date_text(value) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value)


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
    return Cell(_date_text(value) if kind == DATE else str(value), bold=bold)


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


def _stream_column(kind: str) -> xlsx_stream.Column:
    """How a column kind prints in the XLSX: money in its unit (exact, from integer VND), ratios with 2 places,
    counts and đồng as integers, dates dd/mm/yyyy, the rest as text."""
    if kind in SCALE:
        return xlsx_stream.Column(PLACES[kind], int(SCALE[kind]))
    if kind == PCT:
        return xlsx_stream.Column(PLACES[PCT])
    if kind in (VND, COUNT):
        return xlsx_stream.Column(0)
    if kind == DATE:
        return xlsx_stream.Column(to_text=_date_text)
    return xlsx_stream.Column()


def _section_rows(section: Section):
    """(bold, values) of the section's body rows then its total."""
    keys = [column.key for column in section.columns]
    for row in section.rows:
        yield bool(row.get("_bold", False)), [row.get(key) for key in keys]
    if section.total is not None:
        yield True, [section.total.get(key) for key in keys]


def render_xlsx(report: MonthlyReport) -> bytes:
    """One sheet: the title in row 1 (the bank's BC0437 layout: title row 1, headers row 2 for a single table);
    BC0438's parts follow one another, each with its caption and header row. Numbers are numbers in the report's
    unit with its number format; no formulas (the bank's exported formulas came out as 0). Streamed by
    ``xlsx_stream`` (a national BC0437: 166,000 rows)."""
    # BC0438's parts share the sheet's columns: each column as wide as the widest of its parts (an amount of
    # part ① under a ratio column of part ③ printed "###").
    width = max(len(section.columns) for section in report.sections)
    widths = [max(s.columns[i].width for s in report.sections if i < len(s.columns)) for i in range(width)]
    single = len(report.sections) == 1
    sheet = xlsx_stream.Sheet(report.kind.upper()[:31], widths, freeze_rows=2 if single else 0,
                              repeat_rows=(2, 2) if single else None)

    def fill(sheet: xlsx_stream.Sheet) -> None:
        sheet.line(report.title, xlsx_stream.TITLE, merge=True)
        for section in report.sections:
            if not single:
                sheet.line(section.title, xlsx_stream.CAPTION)
            sheet.header(column.title for column in section.columns)
            sheet.rows([_stream_column(column.kind) for column in section.columns], _section_rows(section))
            sheet.blank()
        for text in (report.unit, _("Phạm vi: %(scope)s — số liệu khóa sổ tháng %(month)s")
                     % {"scope": report.scope_label, "month": report.period.last_day.strftime("%m/%Y")}):
            sheet.line(text, xlsx_stream.NOTE)

    buffer = io.BytesIO()
    xlsx_stream.write_workbook(buffer, sheet, fill, title=report.title)
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
