"""HTML of the entrustment report: the print page (also the PDF's source) and the context the web page reuses."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

from uythac.reports.render.figures import figures
from uythac.reports.render.layout import SECTION_TITLES, narrative, tables

FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation"), Path("/usr/share/fonts/truetype/dejavu"))
# Liberation Serif has Times New Roman's metrics (the official reports' font); DejaVu Serif covers the same
# Vietnamese letters when Liberation is not installed. Both are local files: rendering never touches the network.
FONT_FILES = {
    "regular": ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"),
    "bold": ("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"),
    "italic": ("LiberationSerif-Italic.ttf", "DejaVuSerif-Italic.ttf"),
    "bold_italic": ("LiberationSerif-BoldItalic.ttf", "DejaVuSerif-BoldItalic.ttf"),
}


def font_urls() -> dict[str, str]:
    found = {}
    for style, names in FONT_FILES.items():
        for directory, name in zip(FONT_DIRS, names, strict=True):
            if (directory / name).exists():
                found[style] = (directory / name).as_uri()
                break
        else:
            found[style] = ""
    return found


def report_context(report) -> dict:
    found = {table.key: table for table in tables(report)}
    return {"report": report, "tables": found, "charts": figures(report, found), "text": narrative(report),
            "titles": SECTION_TITLES()}


def render_html(report) -> bytes:
    """The print page: ``printing`` puts the charts' styles inside their SVG (WeasyPrint has no app.css)."""
    context = report_context(report) | {"fonts": font_urls(), "printing": True}
    return render_to_string("reports/entrustment_print.html", context).encode("utf-8")
