"""The two renderers shared by every official form: PDF (WeasyPrint from one HTML template, local Liberation fonts)
and DOCX (python-docx: real Word tables with borders, editable, A4, landscape for the wide lists).

Both read only the ``FormDocument`` layout (uythac.reports.forms.layout); no form has its own renderer.
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from uythac.reports.forms.layout import FormDocument, FormTable, motto_lines
from uythac.reports.render.docx_render import header_cells
from uythac.reports.render.html_render import font_urls

FORMATS = ("docx", "pdf")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
FONT = "Times New Roman"  # Liberation Serif in the PDF has the same metrics


def render_form(form: FormDocument, fmt: str) -> bytes:
    if fmt == "pdf":
        return render_pdf(form)
    if fmt == "docx":
        return render_docx(form)
    raise ValueError(fmt)


# --- PDF -----------------------------------------------------------------------------------------------------------


def _geometry(landscape: bool) -> tuple[float, float]:
    """(usable width in cm, table font size in pt) of an A4 page: landscape 29,7 − 2 − 1,5, portrait 21 − 3 − 2."""
    return (29.7 - 3.5, 9.5) if landscape else (21 - 5, 10)


def render_html(form: FormDocument) -> str:
    width = f"{100 / max(len(form.signatures), 1):.2f}"
    columns = []
    if form.table is not None:
        usable, size = _geometry(form.landscape)
        columns = [f"{cm * 100 / usable:.2f}" for cm in form.table.fitted_widths(usable, size)]
    return render_to_string(
        "reports/forms/form.html",
        {"form": form, "fonts": font_urls(), "motto": motto_lines(), "signature_width": width, "columns": columns},
    )


def render_pdf(form: FormDocument) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Only file: URLs (the local fonts) may be fetched: rendering never touches the network.
    return HTML(string=render_html(form), url_fetcher=URLFetcher(allowed_protocols={"file"})).write_pdf()


# --- DOCX ----------------------------------------------------------------------------------------------------------


def _page(document, landscape: bool) -> float:
    """A4 page set up; returns the usable width in cm."""
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12 if landscape else 13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(2)
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
        section.top_margin = section.bottom_margin = section.right_margin = Cm(1.5)
        section.left_margin = Cm(2)
        return 29.7 - 3.5
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = section.right_margin = Cm(2)
    section.left_margin = Cm(3)
    return 21 - 5


def _write(paragraph, text: str, *, bold=False, italic=False, size=None, underline=False, align=None):
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    return run


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _widths(table, widths_cm: list[float]) -> None:
    """Widths on the grid (what Word and LibreOffice lay out from) and on every cell, in a fixed layout: cell widths
    alone left every column equal once opened (looked at through LibreOffice → PNG)."""
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths_cm, strict=False):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)


def _narrow_margins(table, side: int = 28) -> None:
    """Cell margins of 0,05 cm a side (``side`` twips; Word's default 0,19 cm cut "STT" and the totals in the narrow
    columns, and broke "NGÂN HÀNG CHÍNH SÁCH XÃ HỘI" of the heading onto two lines)."""
    margins = OxmlElement("w:tblCellMar")
    for edge, twips in (("top", 15), ("left", side), ("bottom", 15), ("right", side)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _keep_rows_whole(table) -> None:
    """No row splits across two pages (a member's line, a signature block)."""
    for row in table.rows:
        flag = OxmlElement("w:cantSplit")
        flag.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(flag)


def _heading(document, form: FormDocument, usable: float) -> None:
    code = document.add_paragraph()
    _write(code, form.code_label, bold=True, italic=True, size=11, align=WD_ALIGN_PARAGRAPH.RIGHT)
    grid = document.add_table(rows=1, cols=2)
    _no_borders(grid)
    _widths(grid, [usable * 0.42, usable * 0.58])
    _narrow_margins(grid, side=0)  # as the PDF: no padding in the heading blocks
    size = 12 if form.landscape else 11
    left, right = grid.rows[0].cells
    for index, line in enumerate(form.issuer):
        paragraph = left.paragraphs[0] if index == 0 else left.add_paragraph()
        _write(paragraph, line, bold=index == 0, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
    if form.motto:
        first, second = motto_lines()
        _write(right.paragraphs[0], first, bold=True, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
        _write(right.add_paragraph(), second, bold=True, underline=True, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
    document.add_paragraph()


def _repeat_header(row) -> None:
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _fill(cell, text: str, *, bold: bool, align, size: float) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.text = ""
    _write(paragraph, text, bold=bold, size=size, align=align)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _table(document, table: FormTable, usable: float, *, landscape: bool) -> None:
    size = 9.5 if landscape else 10
    if table.unit:
        _write(document.add_paragraph(), table.unit, italic=True, size=10, align=WD_ALIGN_PARAGRAPH.RIGHT)
    body = [*table.rows, *([table.totals] if table.totals else [])]
    grid = document.add_table(rows=len(table.header) + len(body), cols=table.columns)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(grid, table.fitted_widths(usable, size))
    _narrow_margins(grid)
    for target, cell in header_cells(grid, table.header):
        _fill(target, cell.text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=size)
    for row in grid.rows[: len(table.header)]:
        _repeat_header(row)
    for r, body_row in enumerate(body, start=len(table.header)):
        c = 0
        for cell in body_row:
            target = grid.cell(r, c)
            if cell.colspan > 1:
                target = target.merge(grid.cell(r, c + cell.colspan - 1))
            align = (
                WD_ALIGN_PARAGRAPH.RIGHT
                if cell.is_number
                else (WD_ALIGN_PARAGRAPH.CENTER if c == 0 else WD_ALIGN_PARAGRAPH.LEFT)
            )
            _fill(target, cell.text, bold=cell.bold, align=align, size=size)
            c += cell.colspan
        if table.tall_rows and r < len(table.header) + len(table.rows):
            grid.rows[r].height = Cm(0.8)
    _keep_rows_whole(grid)


def _signatures(document, form: FormDocument, usable: float) -> None:
    grid = document.add_table(rows=1, cols=len(form.signatures))
    _no_borders(grid)
    _widths(grid, [usable / len(form.signatures)] * len(form.signatures))
    _keep_rows_whole(grid)  # the signer's name never lands alone on the next page
    for cell, signature in zip(grid.rows[0].cells, form.signatures, strict=True):
        _write(cell.paragraphs[0], signature.title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        if signature.note:
            _write(cell.add_paragraph(), signature.note, italic=True, size=11, align=WD_ALIGN_PARAGRAPH.CENTER)
        for _blank in range(3):
            cell.add_paragraph()
        _write(cell.add_paragraph(), signature.name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def render_docx(form: FormDocument) -> bytes:
    document = Document()
    usable = _page(document, form.landscape)
    document.core_properties.title = f"{form.code_label} — {form.title}"
    _heading(document, form, usable)
    _write(document.add_paragraph(), form.title.upper(), bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in form.lines:
        _write(document.add_paragraph(), line, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for text in form.before:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Cm(1)
        _write(paragraph, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if form.table is not None:
        _table(document, form.table, usable, landscape=form.landscape)
    for index, text in enumerate(form.after):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Cm(1)
        _write(paragraph, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        if index == 0 and form.table is not None:
            paragraph.paragraph_format.space_before = Pt(6)  # not glued to the table's last rule
    if form.place_date:
        place = document.add_paragraph()
        _write(place, form.place_date, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
        place.paragraph_format.keep_with_next = True  # on the page of the signatures
        place.paragraph_format.space_before = Pt(6)
    if form.signatures:
        _signatures(document, form, usable)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
