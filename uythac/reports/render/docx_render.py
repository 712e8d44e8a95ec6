"""DOCX of the entrustment report: the narrative report as seed 001 writes it, with its tables as real Word tables
(editable), A4 with the official margins (2/2/3/2 cm), Times New Roman 13 pt, header rows repeated on each page.

Checked by eye after LibreOffice → PDF → PNG (scripts/render_documents.py): the column widths are written both on
the cells and on the table grid (Word and LibreOffice read the grid), a row never splits across pages, a caption
stays with its table, headings use the report's serif font (not the theme's sans-serif) and the charts are PNG
pictures drawn from the same SVG as the PDF's (figures.py)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from uythac.reports.render.figures import Figure, figures
from uythac.reports.render.layout import SECTION_TITLES, Table, narrative, tables

FONT = "Times New Roman"
USABLE_CM = 21 - 3 - 2  # A4 portrait minus the left and right margins



def header_cells(grid, header):
    """The Word cell of each header Cell, row spans and column spans merged: a cell starts at the next column not
    covered by a span from a row above. Yields (merged Word cell, layout Cell) in reading order."""
    taken: set[tuple[int, int]] = set()
    for r, header_row in enumerate(header):
        c = 0
        for cell in header_row:
            while (r, c) in taken:
                c += 1
            target = grid.cell(r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(grid.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            taken |= {(rr, cc) for rr in range(r, r + cell.rowspan) for cc in range(c, c + cell.colspan)}
            yield target, cell
            c += cell.colspan

def _style(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        style = document.styles[name]
        _serif(style.element.get_or_add_rPr())
        style.font.color.rgb = None
        style.font.bold = True
        style.font.italic = name == "Heading 2"  # "2.1. Về cho vay…" in italics, as the PDF prints it
        style.font.size = Pt(14 if name == "Title" else 13)
        style.paragraph_format.space_before = Pt(6 if name == "Heading 2" else 12)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
    title = document.styles["Title"]
    title.font.all_caps = True
    borders = title.element.get_or_add_pPr().find(qn("w:pBdr"))
    if borders is not None:  # the default template underlines the title with a blue rule
        borders.getparent().remove(borders)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)


def _serif(rpr) -> None:
    """Times New Roman for every script: the default template's headings point at the theme's sans-serif font."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)


def _paragraph(document, text: str, *, italic=False, align=None) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.italic = italic
    paragraph.paragraph_format.first_line_indent = Cm(1) if align is None else None
    paragraph.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.JUSTIFY


def _row_flag(row, name: str) -> None:
    flag = OxmlElement(f"w:{name}")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _repeat_header(row) -> None:
    _row_flag(row, "tblHeader")


def _caption(document, title: str, unit: str) -> None:
    """The bold title and the italic unit on one line, kept on the page of what follows."""
    caption = document.add_paragraph()
    caption.add_run(title).bold = True
    caption.add_run(f" ({unit})").italic = True
    caption.paragraph_format.keep_with_next = True
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(3)
    for run in caption.runs:
        run.font.size = Pt(11)


def _widths(grid, table: Table) -> None:
    """Column widths from layout.py on the grid and on every cell; a fixed layout so Word does not re-fit them."""
    total = sum(table.widths) or 1
    widths = [Cm(USABLE_CM * width / total) for width in table.widths] if table.widths else []
    if len(widths) != table.columns:
        return
    grid.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    grid._tbl.tblPr.append(layout)
    # Narrow cell margins (Word's default 0,19 cm each side would leave "STT" one letter a line in table A).
    side = 23 if table.columns > 8 else 45  # twips: 0,04 cm / 0,08 cm
    margins = OxmlElement("w:tblCellMar")
    for edge, twips in (("top", 15), ("left", side), ("bottom", 15), ("right", side)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    grid._tbl.tblPr.append(margins)
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _table(document, table: Table) -> None:
    _caption(document, table.title, table.unit)
    grid = document.add_table(rows=len(table.header) + len(table.rows), cols=table.columns)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(grid, table)
    size = 8.5 if table.columns > 8 else 10
    for target, cell in header_cells(grid, table.header):
        _fill(target, cell.text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=size)
    for r, row in enumerate(grid.rows):
        _row_flag(row, "cantSplit")  # a row never splits across two pages
        if r < len(table.header):
            _repeat_header(row)
    for r, body_row in enumerate(table.rows, start=len(table.header)):
        for c, cell in enumerate(body_row):
            align = WD_ALIGN_PARAGRAPH.RIGHT if cell.is_number else (
                WD_ALIGN_PARAGRAPH.CENTER if c == 0 or cell.value is None else WD_ALIGN_PARAGRAPH.LEFT)
            _fill(grid.cell(r, c), cell.text, bold=cell.bold, align=align, size=size)
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(0)


def _fill(target, text: str, *, bold: bool, align, size: float = 10) -> None:
    paragraph = target.paragraphs[0]
    paragraph.text = ""
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.first_line_indent = None
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _chart(document, figure: Figure | None) -> None:
    """A chart as a centred PNG picture 15 cm wide under its caption (the PDF's SVG, rasterised offline)."""
    if figure is None:
        return
    _caption(document, figure.caption, figure.unit)
    picture = document.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.add_run().add_picture(io.BytesIO(figure.png()), width=Cm(15))


def render_docx(report) -> bytes:
    document = Document()
    _style(document)
    found = {table.key: table for table in tables(report)}
    charts = figures(report, found)
    text = narrative(report)
    title = document.add_heading(
        _("Báo cáo kết quả thực hiện văn bản liên tịch về cho vay hộ nghèo và các đối tượng chính sách"), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = _("Phạm vi: %(scope)s — số liệu đến %(day)s") % {"scope": report.scope_label, "day": report.period_label}
    if report.compare:
        meta += " — " + _("so sánh với %(day)s") % {"day": report.compare_label}
    _paragraph(document, meta, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for note in report.notes:
        _paragraph(document, note, italic=True)
    document.add_heading(_("I. KẾT QUẢ THỰC HIỆN ỦY THÁC"), level=1)
    document.add_heading(_("2.1. Về cho vay các chương trình"), level=2)
    _table(document, found["agreements"])
    for line in text["lending"]:
        _paragraph(document, line)
    _table(document, found["table_a"])
    _chart(document, charts.get("chart_outstanding"))
    _chart(document, charts.get("chart_overdue"))
    _table(document, found["risk"])
    document.add_heading(_("2.2. Công tác huy động tiền gửi của tổ viên tổ TK&VV"), level=2)
    for line in text["savings"]:
        _paragraph(document, line)
    _table(document, found["savings"])
    _chart(document, charts.get("chart_savings"))
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
        _chart(document, charts.get("chart_grades"))
    document.add_heading(_("II. MỘT SỐ TỒN TẠI, HẠN CHẾ"), level=1)
    for line in text["shortcomings"]:
        _paragraph(document, line)
    _table(document, found["groups"])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
