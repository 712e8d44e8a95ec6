"""Readers of the rendered files: DOCX structure (python-docx) and PDF text (pypdfium2)."""

import io

import pypdfium2 as pdfium
from docx import Document
from docx.enum.section import WD_ORIENT


def docx_parts(data: bytes) -> dict:
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    heading, *rest = document.tables
    grid = rest[0] if len(rest) == 2 else None
    return {
        "paragraphs": [p.text for p in document.paragraphs if p.text],
        "heading": [cell.text for cell in heading.rows[0].cells],
        "header": [cell.text for cell in grid.rows[0].cells] if grid is not None else [],
        "rows": [[cell.text for cell in row.cells] for row in grid.rows] if grid is not None else [],
        "signatures": [cell.text for cell in rest[-1].rows[0].cells],
        "landscape": section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height,
        "a4": {round(section.page_width.cm, 1), round(section.page_height.cm, 1)} == {21.0, 29.7},
    }


def pdf_pages(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]


def pdf_landscape(data: bytes) -> bool:
    pdf = pdfium.PdfDocument(data)
    width, height = pdf[0].get_size()
    return width > height
