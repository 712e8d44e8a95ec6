"""Render every generated document to PNG pages, to look at them (issue 5: "PDF and DOCX rendered to PNG and
looked at").

    .venv/bin/python scripts/render_documents.py [--out test-artifacts/documents] [--data-dir DIR] [--skip-tests]
                                                 [--skip-demo]

Two sources of documents:

1. The tests' worlds — the forms tests (tests/reports/forms: 13/TD, 15/TD, the notice of debts due, 14/TD, 04/TD,
   03/TD) and the entrustment report tests run under a small pytest plugin that keeps a copy of every PDF and DOCX
   the renderers produce (``<out>/tests/``). The demo has no loan applications, so 04/TD and 03/TD come only from here.
2. The demo (``uythac demo --no-server``: a province, 150 groups, 12 closed months) — the entrustment report of the
   last closed month-end against December, in Vietnamese and English, and the group forms of the group with the most
   loans plus the 14/TD of a loan transferred to overdue (``<out>/demo/``). ``--data-dir`` reuses a demo database.

Then each DOCX goes through LibreOffice (``soffice --headless --convert-to pdf``, skipped with a note when absent)
and every PDF page is drawn to ``<out>/png/<document>_p<N>.png`` with pypdfium2 (150 dpi). Nothing is fetched from
the network. The list of pages is written to ``<out>/index.txt``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
DPI = 150


class KeepRendered:
    """pytest plugin: wraps the renderers' module functions so every rendered document is also saved to a folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0

    def _wrap(self, module, name: str, suffix: str, naming):
        original = getattr(module, name)

        def keep(document, *args, **kwargs):
            content = original(document, *args, **kwargs)
            (self.folder / f"{naming(document)}.{suffix}").write_bytes(content)
            self.count += 1
            return content

        setattr(module, name, keep)

    def pytest_sessionstart(self, session):  # Django is set up by pytest-django at this point
        from uythac.reports.forms import render as form_render
        from uythac.reports.render import docx_render, pdf_render

        self._wrap(form_render, "render_pdf", "pdf", lambda form: f"form_{form.filename}")
        self._wrap(form_render, "render_docx", "docx", lambda form: f"form_{form.filename}")
        self._wrap(pdf_render, "render_pdf", "pdf", lambda report: f"entrustment_{report.period_label[-4:]}")
        self._wrap(docx_render, "render_docx", "docx", lambda report: f"entrustment_{report.period_label[-4:]}")


def from_tests(folder: Path) -> None:
    import pytest

    folder.mkdir(parents=True, exist_ok=True)
    plugin = KeepRendered(folder)
    os.chdir(ROOT)
    code = pytest.main(
        [
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/reports/forms",
            "tests/reports/test_entrustment_render.py::test_docx_is_the_narrative_with_its_tables",
            "tests/reports/test_entrustment_render.py::test_pdf_prints_on_a4",
        ],
        plugins=[plugin],
    )
    print(f"tests: exit {code}, {plugin.count} documents rendered")


def uythac(env: dict, *args: str) -> str:
    done = subprocess.run([str(VENV_BIN / "uythac"), *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"uythac {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


PICK = """
import json
from django.db.models import Count, Max
from uythac.closing.models import ClosingRun, RunStatus
from uythac.loans.models import Loan, LoanEvent
group = Loan.objects.values("group__code").annotate(n=Count("id")).order_by("-n", "group__code").first()
event = LoanEvent.objects.filter(kind="OVERDUE_TRANSFER").order_by("loan__loan_number").first()
last = ClosingRun.objects.filter(status=RunStatus.DONE).aggregate(last=Max("period"))["last"]
print(json.dumps({"group": group["group__code"], "loan": event.loan.loan_number if event else "", "period": last}))
"""

# The console speaks Vietnamese; the English report is rendered in a shell with the language switched.
ENGLISH = """
import datetime as dt
from django.utils import translation
from uythac.reports.entrustment import entrustment_report
from uythac.reports.render import render_entrustment, write_atomically
with translation.override("en"):
    report = entrustment_report(scope=None, period=dt.date.fromisoformat("{day}"))
    for fmt in ("pdf", "docx"):
        write_atomically("{stem}." + fmt, render_entrustment(report, fmt))
"""


def from_demo(folder: Path, data_dir: str | None) -> None:
    import calendar

    folder.mkdir(parents=True, exist_ok=True)
    work = Path(data_dir or tempfile.mkdtemp(prefix="uythac_documents_"))
    env = os.environ | {"UYTHAC_DATA_DIR": str(work)}
    if not (work / "uythac.sqlite3").exists():
        print(f"demo: building the demo data in {work} …")
        uythac(env, "demo", "--no-server")
    picked = json.loads(uythac(env, "shell", "-c", PICK).strip().splitlines()[-1])
    year, month = (int(part) for part in str(picked["period"]).split("-")[:2])
    last = f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    for fmt in ("pdf", "docx"):
        uythac(
            env,
            "report",
            "entrustment",
            "--period",
            last,
            "--compare",
            f"{year - 1:04d}-12-31",
            "--format",
            fmt,
            "--out",
            str(folder / f"entrustment_{last}.{fmt}"),
        )
        group, period = picked["group"], f"{year:04d}-{month:02d}"
        uythac(
            env,
            "form",
            "13td",
            "--group",
            group,
            "--period",
            period,
            "--format",
            fmt,
            "--out",
            str(folder / f"form_13td_{group}.{fmt}"),
        )
        uythac(
            env,
            "form",
            "15td",
            "--group",
            group,
            "--date",
            last,
            "--format",
            fmt,
            "--out",
            str(folder / f"form_15td_{group}.{fmt}"),
        )
        uythac(
            env,
            "form",
            "due-notice",
            "--group",
            group,
            "--period",
            period,
            "--format",
            fmt,
            "--out",
            str(folder / f"form_due-notice_{group}.{fmt}"),
        )
        if picked["loan"]:
            uythac(
                env,
                "form",
                "14td",
                "--loan",
                picked["loan"],
                "--format",
                fmt,
                "--out",
                str(folder / f"form_14td_{picked['loan']}.{fmt}"),
            )
    uythac(env, "shell", "-c", ENGLISH.format(day=last, stem=folder / f"entrustment_{last}_en"))
    if not data_dir:
        shutil.rmtree(work, ignore_errors=True)
    print(f"demo: {len(list(folder.iterdir()))} documents rendered")


def to_png(out: Path) -> list[str]:
    import pypdfium2

    pages, png = [], out / "png"
    shutil.rmtree(png, ignore_errors=True)
    png.mkdir(parents=True)
    office = shutil.which("soffice") or shutil.which("libreoffice")
    for document in sorted(out.glob("*/*.docx")):
        if office is None:
            pages.append(f"{document.relative_to(out)}: LibreOffice absent, not drawn")
            continue
        subprocess.run(
            [office, "--headless", "--convert-to", "pdf", "--outdir", str(document.parent / "lo"), str(document)],
            check=True,
            capture_output=True,
            timeout=180,
        )
    for pdf_path in sorted(out.glob("*/*.pdf")) + sorted(out.glob("*/lo/*.pdf")):
        kind = "docx" if pdf_path.parent.name == "lo" else "pdf"
        source = pdf_path.parent.parent.name if kind == "docx" else pdf_path.parent.name
        pdf = pypdfium2.PdfDocument(str(pdf_path))
        for index in range(len(pdf)):
            name = f"{source}_{pdf_path.stem}_{kind}_p{index + 1}.png"
            pdf[index].render(scale=DPI / 72).to_pil().save(png / name)
            width, height = pdf[index].get_size()
            pages.append(f"{name}: {'landscape' if width > height else 'portrait'} {width:.0f}×{height:.0f} pt")
        pdf.close()
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "test-artifacts" / "documents"))
    parser.add_argument("--data-dir", default=None, help="a UYTHAC_DATA_DIR with a demo database to reuse")
    parser.add_argument("--skip-tests", action="store_true")
    parser.add_argument("--skip-demo", action="store_true")
    options = parser.parse_args()
    out = Path(options.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    if not options.skip_demo:
        shutil.rmtree(out / "demo", ignore_errors=True)
        from_demo(out / "demo", options.data_dir)
    if not options.skip_tests:
        shutil.rmtree(out / "tests", ignore_errors=True)
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        from_tests(out / "tests")
    pages = to_png(out)
    (out / "index.txt").write_text("\n".join(pages) + "\n", encoding="utf-8")
    print(f"{len(pages)} pages drawn into {out / 'png'}")


if __name__ == "__main__":
    main()
