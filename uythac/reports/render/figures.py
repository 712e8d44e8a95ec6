"""Charts of the entrustment report, built from the report's own tables so a chart can never disagree with them.

Seed 001's readers chart a few of its figures by hand: the outstanding balance by organization, the overdue ratio by
organization, the members' savings by organization and the grade distribution of the groups. Each ``Figure`` takes
its labels and values from the cells of a ``Table`` of layout.py (same rounding, same unit) and draws them with the
server-side SVG of ``uythac.reports.charts``: inline in the HTML page and the PDF (WeasyPrint draws inline SVG), and
as a PNG picture in the DOCX, rasterised here, offline, from the very same SVG (WeasyPrint → one-page PDF →
pypdfium2 → PNG). No JavaScript, no network, no other drawing library. The numbers keep the Vietnamese separators
in every language, as the report's tables and sentences do (layout.vn_number): "42.024", "11,905".
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from uythac.reports.charts import HEIGHT, WIDTH, bar_chart
from uythac.reports.render.layout import Table
from uythac.scoring.models import Grade

# Styles put inside the SVG for print only (PDF, the DOCX picture), where the web page's app.css is absent; the web
# page gets the plain SVG. WeasyPrint's SVG renderer matches type and class selectors (not "#id .class").
PRINT_STYLE = (
    "text { font-family: 'Liberation Sans', 'DejaVu Sans', sans-serif; font-size: 12px; fill: #222222; }"
    " .chart-value { font-weight: bold; }"
    " .chart-grid { stroke: #c8ced6; stroke-width: 0.8; } .chart-axis { stroke: #333333; stroke-width: 1.2; }"
)
PNG_DPI = 200  # sharp on paper, ~100 kB per chart


@dataclass(frozen=True)
class Figure:
    key: str  # HTML id, e.g. "chart_outstanding"
    number: int  # "Biểu đồ 1"
    title: str
    unit: str  # "Đơn vị: triệu đồng"
    value_unit: str  # after a value in the tooltips: " triệu đồng", "%"
    labels: list[str]
    values: list[Decimal | int | None]
    places: int
    source: str  # key of the table the values come from

    @property
    def caption(self) -> str:
        return _("Biểu đồ %(number)s. %(title)s") % {"number": self.number, "title": self.title}

    def svg(self, *, printing: bool = False) -> SafeString:
        return bar_chart(
            self.key,
            self.labels,
            self.values,
            title=self.caption,
            series_label=self.title,
            unit=self.value_unit,
            places=self.places,
            show_values=True,
            style=PRINT_STYLE if printing else "",
            number_language="vi",
        )

    @property
    def web_svg(self) -> SafeString:
        return self.svg()

    @property
    def print_svg(self) -> SafeString:
        return self.svg(printing=True)

    def png(self, *, dpi: int = PNG_DPI) -> bytes:
        """The chart as a PNG picture (DOCX): the print SVG drawn by WeasyPrint on a page of its own size."""
        return svg_to_png(self.print_svg, dpi=dpi)


def svg_to_png(svg: str, *, dpi: int = PNG_DPI) -> bytes:
    import pypdfium2
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    width_mm, height_mm = 160, 160 * HEIGHT / WIDTH
    page = (
        f"<html><head><style>@page {{ size: {width_mm}mm {height_mm}mm; margin: 0; }} body {{ margin: 0; }}"
        f" svg {{ display: block; width: {width_mm}mm; height: {height_mm}mm; }}</style></head>"
        f"<body>{svg}</body></html>"
    )
    # Nothing may be fetched (no URL at all in the page): rendering never touches the network.
    pdf = HTML(string=page, url_fetcher=URLFetcher(allowed_protocols=set())).write_pdf()
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=dpi / 72).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", dpi=(dpi, dpi))
        return buffer.getvalue()
    finally:
        document.close()


def _body(table: Table) -> list[list]:
    """The organization rows of a table (its last row is the total "Cộng")."""
    return table.rows[:-1]


def figures(report, found: dict[str, Table]) -> dict[str, Figure]:
    """The report's charts by key, numbered in reading order; a chart whose table is absent is left out."""
    short = [row.short_name for row in report.organizations]
    specs = []
    if "table_a" in found:
        rows = _body(found["table_a"])
        specs.append(
            (
                "chart_outstanding",
                _("Dư nợ ủy thác theo tổ chức CT-XH"),
                _("Đơn vị: triệu đồng"),
                " " + _("triệu đồng"),
                short,
                [row[4].value for row in rows],
                0,
                "table_a",
            )
        )
        places = max((row[6].places for row in rows), default=3)
        specs.append(
            (
                "chart_overdue",
                _("Tỷ lệ nợ quá hạn trên dư nợ theo tổ chức CT-XH"),
                _("Đơn vị: %"),
                "%",
                short,
                [row[6].value for row in rows],
                places,
                "table_a",
            )
        )
    if "savings" in found:
        names = {row.code: row.short_name for row in report.organizations}
        rows = _body(found["savings"])
        labels = [names.get(code, code) for code, _balance, _change in report.savings.by_organization]
        specs.append(
            (
                "chart_savings",
                _("Số dư tiền gửi của tổ viên theo tổ chức CT-XH"),
                _("Đơn vị: tỷ đồng"),
                " " + _("tỷ đồng"),
                labels,
                [row[2].value for row in rows],
                1,
                "savings",
            )
        )
    if "grades" in found:
        total = found["grades"].rows[-1]  # the total row: count, then (number, %) per grade
        specs.append(
            (
                "chart_grades",
                _("Số tổ TK&VV theo kết quả xếp loại"),
                _("Đơn vị: tổ"),
                " " + _("tổ"),
                [str(label) for _value, label in Grade.choices],
                [total[3 + 2 * index].value for index in range(len(Grade.values))],
                0,
                "grades",
            )
        )
    return {
        key: Figure(key, number, title, unit, value_unit, labels, values, places, source)
        for number, (key, title, unit, value_unit, labels, values, places, source) in enumerate(specs, start=1)
    }
