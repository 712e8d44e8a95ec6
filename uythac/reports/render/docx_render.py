"""DOCX of the entrustment report: the narrative report as seed 001 writes it, with its tables as real Word tables
(editable), A4 with the official margins (2/2/3/2 cm), Times New Roman 13 pt, header rows repeated on each page."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from uythac.reports.render.layout import SECTION_TITLES, Table, narrative, tables

FONT = "Times New Roman"


def _style(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        style = document.styles[name]
        style.font.name = FONT
        style.font.color.rgb = None
        style.font.size = Pt(14 if name == "Title" else 13)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)


def _paragraph(document, text: str, *, italic=False, align=None) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.italic = italic
    paragraph.paragraph_format.first_line_indent = Cm(1) if align is None else None
    paragraph.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.JUSTIFY


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _table(document, table: Table) -> None:
    caption = document.add_paragraph()
    caption.add_run(table.title).bold = True
    unit = document.add_paragraph()
    unit.add_run(table.unit).italic = True
    unit.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    grid = document.add_table(rows=len(table.header) + len(table.rows), cols=table.columns)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    taken: set[tuple[int, int]] = set()
    for r, header_row in enumerate(table.header):
        c = 0
        for cell in header_row:
            while (r, c) in taken:
                c += 1
            target = grid.cell(r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(grid.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            for rr in range(r, r + cell.rowspan):
                for cc in range(c, c + cell.colspan):
                    taken.add((rr, cc))
            _fill(target, cell.text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
            c += cell.colspan
        _repeat_header(grid.rows[r])
    for r, body_row in enumerate(table.rows, start=len(table.header)):
        for c, cell in enumerate(body_row):
            align = WD_ALIGN_PARAGRAPH.RIGHT if cell.is_number else (
                WD_ALIGN_PARAGRAPH.CENTER if c == 0 else WD_ALIGN_PARAGRAPH.LEFT)
            _fill(grid.cell(r, c), cell.text, bold=cell.bold, align=align)
    document.add_paragraph()


def _fill(target, text: str, *, bold: bool, align) -> None:
    paragraph = target.paragraphs[0]
    paragraph.text = ""
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(10)
    paragraph.alignment = align


def render_docx(report) -> bytes:
    document = Document()
    _style(document)
    found = {table.key: table for table in tables(report)}
    text = narrative(report)
    title = document.add_heading(
        _("Báo cáo kết quả thực hiện văn bản liên tịch về cho vay hộ nghèo và các đối tượng chính sách"), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = _("Phạm vi: %(scope)s — số liệu đến %(day)s") % {"scope": report.scope_label, "day": report.period_label}
    _paragraph(document, meta, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for note in report.notes:
        _paragraph(document, note, italic=True)
    document.add_heading(_("I. KẾT QUẢ THỰC HIỆN ỦY THÁC"), level=1)
    document.add_heading(_("2.1. Về cho vay các chương trình"), level=2)
    _table(document, found["agreements"])
    for line in text["lending"]:
        _paragraph(document, line)
    _table(document, found["table_a"])
    _table(document, found["risk"])
    document.add_heading(_("2.2. Công tác huy động tiền gửi của tổ viên tổ TK&VV"), level=2)
    for line in text["savings"]:
        _paragraph(document, line)
    _table(document, found["savings"])
    document.add_heading(_("2.3. Công tác kiểm tra, giám sát"), level=2)
    if "inspections" in found:
        _table(document, found["inspections"])
    else:
        _paragraph(document, f"{SECTION_TITLES()['inspections']}: {report.inspections.note}")
    document.add_heading(_("2.4. Kết quả phối hợp thực hiện các nhiệm vụ trọng tâm khác"), level=2)
    for line in text["other"]:
        _paragraph(document, line)
    if "grades" in found:
        _table(document, found["grades"])
    document.add_heading(_("II. MỘT SỐ TỒN TẠI, HẠN CHẾ"), level=1)
    for line in text["shortcomings"]:
        _paragraph(document, line)
    _table(document, found["groups"])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
