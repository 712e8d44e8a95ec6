"""Charts of the entrustment report (issue 5): server-side SVG in the HTML page and the PDF, PNG pictures in the DOCX,
every figure equal to its table's, on the small province of ``entrustment_fixtures.closed``.

Hand-computed figures at 31/10/2026 (scope 01): Farmers (HND) 30M + 12M = 42 million outstanding of which the unpaid
first installment 5M is overdue → 5 / 42 = 11,905 %; Women (HPN) 15 million, nothing overdue → 0,000 %; Veterans
(HCCB) and Youth (ĐTN) lend nothing → 0 and no ratio (no bar). Savings 1M + 0,5M = 0,0015 billion → "0,0" at the
table's one decimal. Grades: 3 groups graded, 0 good, 1 fair, 1 average, 1 weak.
"""

import io
import re
from decimal import Decimal

import pypdfium2
import pytest
from django.utils import translation
from docx import Document
from docx.shared import Cm

from tests.reports import entrustment_fixtures
from tests.reports.entrustment_fixtures import COMPARE, PERIOD
from uythac.reports.entrustment import entrustment_report
from uythac.reports.render import render_entrustment
from uythac.reports.render.figures import figures
from uythac.reports.render.layout import tables

pytestmark = pytest.mark.django_db
cw, closed = entrustment_fixtures.cw, entrustment_fixtures.closed
KEYS = ["chart_outstanding", "chart_overdue", "chart_savings", "chart_grades"]
PNG = b"\x89PNG\r\n\x1a\n"


def _report():
    return entrustment_report(scope="01", period=PERIOD, compare=COMPARE)


def _charts(report):
    found = {table.key: table for table in tables(report)}
    return found, figures(report, found)


def test_chart_figures_are_the_tables_figures(closed):
    found, charts = _charts(_report())
    assert list(charts) == KEYS and [chart.number for chart in charts.values()] == [1, 2, 3, 4]
    outstanding, overdue, savings, grades = charts.values()
    assert outstanding.labels == overdue.labels == savings.labels == ["HND", "HPN", "HCCB", "ĐTN"]
    assert outstanding.values == [42, 15, 0, 0] and outstanding.unit == "Đơn vị: triệu đồng"
    assert overdue.values == [Decimal("11.905"), Decimal("0.000"), None, None] and overdue.places == 3
    assert savings.values == [Decimal("0.0")] * 4 and savings.places == 1
    assert (grades.labels, grades.values) == (["Tốt", "Khá", "Trung bình", "Yếu"], [0, 1, 1, 1])
    # The same numbers as the printed tables, cell by cell (organization rows; the last row is the total).
    table_a = found["table_a"].rows[:-1]
    assert outstanding.values == [row[4].value for row in table_a]
    assert overdue.values == [row[6].value for row in table_a]
    assert savings.values == [row[2].value for row in found["savings"].rows[:-1]]
    total = found["grades"].rows[-1]
    assert grades.values == [total[3].value, total[5].value, total[7].value, total[9].value]
    assert outstanding.caption == "Biểu đồ 1. Dư nợ ủy thác theo tổ chức CT-XH"


def test_svg_inline_in_the_print_html_with_the_numbers_written(closed):
    html = render_entrustment(_report(), "html").decode()
    assert html.count("<svg") == 4
    for key in KEYS:
        assert f'id="{key}-figure"' in html and f'aria-labelledby="{key}-t {key}-d"' in html
    svg = re.search(r'<figure class="report-chart" id="chart_overdue-figure">.*?</figure>', html, re.S).group(0)
    assert "Biểu đồ 2. Tỷ lệ nợ quá hạn trên dư nợ theo tổ chức CT-XH" in svg and "(Đơn vị: %)" in svg
    assert "<title>HND: 11,905%</title>" in svg and "<title>HPN: 0,000%</title>" in svg
    assert svg.count('class="chart-bar"') == 2  # no ratio for HCCB and ĐTN: no bar
    assert '<text class="chart-value"' in svg and ">11,905</text>" in svg
    assert "<style>text { font-family: 'Liberation Sans'" in svg  # print styles inside the SVG
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")  # nothing to fetch


def test_pdf_draws_the_charts_with_their_titles(closed):
    pdf = pypdfium2.PdfDocument(render_entrustment(_report(), "pdf"))
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    text = re.sub(r"\s+", " ", text)
    for caption in (
        "Biểu đồ 1. Dư nợ ủy thác theo tổ chức CT-XH",
        "Biểu đồ 2. Tỷ lệ nợ quá hạn trên dư nợ",
        "Biểu đồ 3. Số dư tiền gửi của tổ viên theo tổ chức CT-XH",
        "Biểu đồ 4. Số tổ TK&VV theo kết quả xếp loại",
    ):
        assert caption in text
    assert "11,905" in text and "HCCB" in text and "Trung bình" in text


def test_docx_has_the_charts_as_png_pictures(closed):
    document = Document(io.BytesIO(render_entrustment(_report(), "docx")))
    assert len(document.inline_shapes) == 4
    assert all(round(shape.width.cm, 1) == 15.0 for shape in document.inline_shapes)
    images = [rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/image")]
    assert [part.content_type for part in images] == ["image/png"] * 4
    assert all(part.blob.startswith(PNG) for part in images)
    captions = [p.text for p in document.paragraphs if p.text.startswith("Biểu đồ")]
    assert captions == [
        "Biểu đồ 1. Dư nợ ủy thác theo tổ chức CT-XH (Đơn vị: triệu đồng)",
        "Biểu đồ 2. Tỷ lệ nợ quá hạn trên dư nợ theo tổ chức CT-XH (Đơn vị: %)",
        "Biểu đồ 3. Số dư tiền gửi của tổ viên theo tổ chức CT-XH (Đơn vị: tỷ đồng)",
        "Biểu đồ 4. Số tổ TK&VV theo kết quả xếp loại (Đơn vị: tổ)",
    ]
    # The table widths reach Word's grid (LibreOffice and Word lay out from it): table A's name column is 22/135
    # (widths 6, 22, 11, 11, 13, 10, 10 and, with the comparison, 11, 10, 11, 10, 10 on 16 cm).
    grid = document.tables[1]._tbl.tblGrid
    widths = [int(col.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w")) for col in grid]
    assert len(widths) == 12 and abs(widths[1] - Cm(16 * 22 / 135).twips) <= 1


def test_png_is_drawn_offline_at_200_dpi(closed):
    _found, charts = _charts(_report())
    png = charts["chart_outstanding"].png()
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    assert png.startswith(PNG) and image.size == (1260, 473)  # 160 × 60 mm at 200 dpi: 1259,8 × 472,4 px, rounded up


def test_numbers_keep_the_tables_separators_in_english(closed):
    with translation.override("en"):
        found, charts = _charts(_report())
        svg = str(charts["chart_overdue"].web_svg)
    assert found["table_a"].rows[0][6].text == "11,905"  # the tables print Vietnamese separators in any language
    assert "<title>HND: 11,905%</title>" in svg and ">0,000</text>" in svg
    assert "<style>" not in svg  # the web page styles its charts with app.css


def test_the_web_page_shows_the_charts(closed, client):
    client.force_login(closed.branch_staff)
    page = client.get("/reports/entrustment/", {"scope": "01", "period": "2026-10-31", "compare": "2026-06-30"})
    body = page.content.decode()
    assert page.status_code == 200 and body.count('class="report-chart"') == 4
    assert "<title>HND: 42 triệu đồng</title>" in body
