"""Renderers of the reports: bytes for a format, and an atomic write (temporary file + rename: a failed render
leaves no file, not even an empty one)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FORMATS = ("json", "html", "xlsx", "docx", "pdf")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def render_entrustment(report, fmt: str) -> bytes:
    """The entrustment report in one of ``FORMATS`` (each renderer is imported only when used)."""
    if fmt == "json":
        from uythac.reports.render.json_render import render_json

        return render_json(report)
    if fmt == "html":
        from uythac.reports.render.html_render import render_html

        return render_html(report)
    if fmt == "xlsx":
        from uythac.reports.render.xlsx_render import render_xlsx

        return render_xlsx(report)
    if fmt == "docx":
        from uythac.reports.render.docx_render import render_docx

        return render_docx(report)
    if fmt == "pdf":
        from uythac.reports.render.pdf_render import render_pdf

        return render_pdf(report)
    raise ValueError(fmt)


def write_atomically(path: str | os.PathLike, content: bytes) -> Path:
    """Write ``content`` to a temporary file beside ``path``, then rename it over ``path``."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or ".")
    try:
        # mkstemp creates the file readable by its owner only; a report is meant to be shared like any file
        # written with the default umask (reading the umask means changing it, process-wide: not in a web server).
        os.chmod(temporary, 0o644)
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
