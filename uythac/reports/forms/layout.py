"""The layout description every official form is built into, once, for both renderers (DOCX and PDF).

A form, as the paper forms print it (shared/domain/forms-and-reports.md §1): a heading of two blocks (the issuing
unit on the left, the national motto on the right where the form has one), the form code top right ("Mẫu số
13/TD"), a title, a few lines (number, addressee, period), paragraphs, at most one table with its totals row, more
paragraphs, the place-and-date line ("…, ngày dd tháng mm năm yyyy") and the signature blocks. Table cells reuse
``Cell`` of the entrustment report's layout: a number keeps its integer value and prints "1.234.567".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from uythac.reports.render.layout import Cell, vn_number

__all__ = ["Cell", "FormDocument", "FormTable", "Signature", "money", "place_date", "vn_number"]


@dataclass(frozen=True)
class Signature:
    title: str  # "TỔ TRƯỞNG"
    note: str = ""  # "(Ký, ghi rõ họ tên)"
    name: str = ""  # printed under the blank space when known


@dataclass
class FormTable:
    header: list[list[Cell]]  # header rows (colspan/rowspan as in Cell)
    rows: list[list[Cell]]
    widths: list[int]  # relative column widths (one per column)
    totals: list[Cell] | None = None
    unit: str = ""  # "Đơn vị: đồng"
    tall_rows: bool = False  # rows high enough for a signature

    @property
    def columns(self) -> int:
        return len(self.widths)

    @property
    def width_percents(self) -> list[str]:
        total = sum(self.widths) or 1
        return [f"{width * 100 / total:.2f}" for width in self.widths]

    def fitted_widths(self, usable_cm: float, font_pt: float) -> list[float]:
        """Column widths in cm on ``usable_cm``: the relative ``widths``, each column widened to hold its longest
        number or unbreakable word on one line, the room taken from the columns with slack in proportion to it.

        Seen on paper: the totals of a big group's 15/TD ("1.133.000.000" in bold) ran over the cell border, and
        "STT" broke into "ST/T". The text widths are estimated from Times New Roman's advance widths (digits ½ em,
        separators ¼ em), the same in the PDF (Liberation Serif has its metrics) and in Word."""
        total = sum(self.widths) or 1
        base = [usable_cm * width / total for width in self.widths]
        needed = [0.0] * len(base)
        for row in [*self.header, *self.rows, *([self.totals] if self.totals else [])]:
            column = 0
            for cell in row:
                if cell.colspan == 1 and column < len(needed) and (cell.is_number or " " not in cell.text.strip()):
                    needed[column] = max(needed[column], _text_cm(cell.text, font_pt, bold=cell.bold or cell.header))
                column += cell.colspan
        deficit = sum(max(0.0, need - width) for need, width in zip(needed, base, strict=True))
        slack = [max(0.0, width - need) for need, width in zip(needed, base, strict=True)]
        if deficit <= 0 or sum(slack) <= 0:
            return base
        share = min(1.0, deficit / sum(slack))
        return [
            max(width, need) if need > width else width - room * share
            for need, width, room in zip(needed, base, slack, strict=True)
        ]


@dataclass
class FormDocument:
    """One printed form. ``filename`` has no extension (the renderer adds ".docx" / ".pdf")."""

    code: str  # "13/TD"; printed "Mẫu số 13/TD"
    title: str
    filename: str
    issuer: list[str]  # left heading block, first line bold
    motto: bool = True
    landscape: bool = False
    lines: list[str] = field(default_factory=list)  # centred lines under the title (number, period)
    before: list[str] = field(default_factory=list)  # paragraphs before the table
    table: FormTable | None = None
    after: list[str] = field(default_factory=list)  # paragraphs after the table
    place_date: str = ""
    signatures: list[Signature] = field(default_factory=list)
    facts: dict = field(default_factory=dict)  # key figures for tests and callers (ints, dates)

    @property
    def code_label(self) -> str:
        return _("Mẫu số %(code)s") % {"code": self.code}

    def text(self) -> str:
        """Every printed text in reading order (a plain-text view for tests and search)."""
        parts = [self.code_label, *self.issuer]
        if self.motto:
            parts += motto_lines()
        parts += [self.title, *self.lines, *self.before]
        if self.table is not None:
            for row in [*self.table.header, *self.table.rows, *([self.table.totals] if self.table.totals else [])]:
                parts.append(" | ".join(cell.text for cell in row))
        parts += [*self.after, self.place_date]
        for signature in self.signatures:
            parts += [signature.title, signature.note, signature.name]
        return "\n".join(part for part in parts if part)


CELL_PADDING_CM = 0.25  # both sides and the borders (PDF 2 × 3 pt, Word 2 × 0,05 cm + rules)
NARROW = frozenset(".,:;'|!il")


def _text_cm(text: str, font_pt: float, *, bold: bool) -> float:
    """Width of one line of ``text`` in cm: ½ em a character, ¼ em for separators, a bit more in bold."""
    ems = sum(0.25 if char in NARROW else 0.5 for char in text.strip()) * (1.04 if bold else 1.0)
    return ems * font_pt * 2.54 / 72 + CELL_PADDING_CM if text.strip() else 0.0


def motto_lines() -> list[str]:
    return [_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), _("Độc lập - Tự do - Hạnh phúc")]


def money(value: int | None) -> Cell:
    """An amount in VND printed "1.234.567" (unit stated once over the table); None → an empty cell to fill."""
    return Cell(int(value)) if value is not None else Cell("")


def place_date(place: str, day: dt.date | None) -> str:
    """ "Phường Hoàn Kiếm, ngày 12 tháng 04 năm 2025"; an unknown day leaves dots to fill by hand."""
    if day is None:
        return _("%(place)s, ngày …… tháng …… năm ……") % {"place": place}
    return _("%(place)s, ngày %(d)s tháng %(m)s năm %(y)s") % {
        "place": place,
        "d": f"{day.day:02d}",
        "m": f"{day.month:02d}",
        "y": day.year,
    }


def dmy(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def header(text, colspan=1, rowspan=1) -> Cell:
    return Cell(text, colspan=colspan, rowspan=rowspan, header=True, bold=True)


def text_cell(value, *, bold=False) -> Cell:
    return Cell("" if value is None else str(value), bold=bold)


def total_row(label: str, columns: int, sums: dict[int, int], *, label_span: int) -> list[Cell]:
    """A totals row: ``label`` over the first ``label_span`` columns, then the sums by column index."""
    row = [Cell(label, colspan=label_span, bold=True)]
    for index in range(label_span, columns):
        row.append(Cell(sums[index], bold=True) if index in sums else Cell(""))
    return row


# Notes under a signature title, as printed on the official forms.
def sign_note() -> str:
    return _("(Ký, ghi rõ họ tên)")


def stamp_note() -> str:
    return _("(Ký tên, đóng dấu)")
