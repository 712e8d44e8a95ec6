"""PDF (A4) of the entrustment report: WeasyPrint from the print HTML, fonts embedded from local files."""

from __future__ import annotations

from uythac.reports.render.html_render import render_html


def render_pdf(report) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Only file: URLs (the local fonts) may be fetched: rendering never touches the network.
    fetcher = URLFetcher(allowed_protocols={"file"})
    return HTML(string=render_html(report).decode("utf-8"), url_fetcher=fetcher).write_pdf()
