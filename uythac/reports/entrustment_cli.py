"""``uythac report entrustment`` (registered in uythac/cli/management/commands/report.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.reports.entrustment import entrustment_report
from uythac.reports.render import FORMATS, render_entrustment, write_atomically


def add_arguments(parser) -> None:
    parser.add_argument("--period", default="", help="Ngày báo cáo (ngày cuối tháng đã khóa sổ), YYYY-MM-DD.")
    parser.add_argument("--compare", default="", help="Ngày so sánh (ngày cuối tháng), YYYY-MM-DD.")
    parser.add_argument("--scope", default="", help="Mã tỉnh (2 số), PGD (6 số) hoặc xã (5 số); bỏ trống: toàn quốc.")
    parser.add_argument("--format", default="json", help="html, xlsx, docx, pdf hoặc json.")
    parser.add_argument("--out", default="", help="Tệp kết quả; không có: JSON ra stdout.")


def parse_day(text: str, *, field: str, label: str, required: bool) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise DomainError(_("Thiếu %(label)s, ví dụ 2020-12-31.") % {"label": label}, field=field)
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError(
            _("%(label)s «%(value)s» không hợp lệ: dùng dạng YYYY-MM-DD, ví dụ 2020-12-31.")
            % {"label": label, "value": text}, field=field,
        ) from None


def run(command, **options) -> None:
    fmt = (options.get("format") or "json").strip().lower()
    if fmt not in FORMATS:
        raise DomainError(_("Định dạng «%(fmt)s» không hỗ trợ: chọn %(formats)s.")
                          % {"fmt": fmt, "formats": ", ".join(FORMATS)}, field="format")
    out = (options.get("out") or "").strip()
    if not out and fmt not in ("json", "html"):
        raise DomainError(_("Định dạng %(fmt)s cần --out TỆP.") % {"fmt": fmt}, field="out")
    if out and not Path(out).resolve().parent.is_dir():
        raise DomainError(_("Thư mục của tệp «%(out)s» không tồn tại.") % {"out": out}, field="out")
    period = parse_day(options.get("period"), field="period", label=_("ngày báo cáo (--period)"), required=True)
    compare = parse_day(options.get("compare"), field="compare", label=_("ngày so sánh (--compare)"), required=False)
    report = entrustment_report(scope=options.get("scope") or "", period=period, compare=compare)
    content = render_entrustment(report, fmt)
    if out:
        path = write_atomically(out, content)
        command.stderr.write(_("Đã ghi %(path)s (%(size)s byte).") % {"path": path, "size": len(content)})
    else:
        command.stdout.write(content.decode("utf-8"), ending="")
