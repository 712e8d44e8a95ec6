"""``uythac report bc0437|bc0438|inactive|overdue|due-next-month|frozen-expiring --period YYYY-MM [--scope CODE]
[--organization 11…14] [--unit CODE] [--format json|xlsx] [--out FILE]`` (registered in
uythac/cli/management/commands/report.py). JSON on stdout (amounts integer VND) unless ``--out``; a file is written
only once the report is complete (``write_atomically``)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.reports.render import write_atomically

FORMATS = ("json", "xlsx")


def entry(kind: str, extra=None):
    """The (add_arguments, run) pair of subcommand ``kind``; ``extra`` adds report-specific options as
    ``(flag, kwargs, option name passed to the builder)``."""
    extra = extra or []

    def add_arguments(parser) -> None:
        parser.add_argument("--period", default="", help="Kỳ báo cáo (tháng đã khóa sổ), YYYY-MM.")
        parser.add_argument(
            "--scope", default="", help="Mã tỉnh (2 số), PGD (6 số) hoặc xã (5 số); bỏ trống: toàn quốc."
        )
        parser.add_argument("--organization", default="", help="Mã ĐVUT 11, 12, 13 hoặc 14 (bỏ trống: tất cả).")
        parser.add_argument("--unit", default="", help="Mã đơn vị hội (chỉ các tổ của đơn vị này).")
        parser.add_argument("--format", default="json", help="json hoặc xlsx.")
        parser.add_argument("--out", default="", help="Tệp kết quả; không có: JSON ra stdout.")
        for flag, kwargs, _name in extra:
            parser.add_argument(flag, **kwargs)

    def run(command, **options) -> None:
        from uythac.reports.monthly import monthly_report
        from uythac.reports.monthly.render import render

        fmt = (options.get("format") or "json").strip().lower()
        if fmt not in FORMATS:
            raise DomainError(
                _("Định dạng «%(fmt)s» không hỗ trợ: chọn %(formats)s.") % {"fmt": fmt, "formats": ", ".join(FORMATS)},
                field="format",
            )
        out = (options.get("out") or "").strip()
        if fmt != "json" and not out:
            raise DomainError(_("Định dạng %(fmt)s cần --out TỆP.") % {"fmt": fmt}, field="out")
        if out and not Path(out).resolve().parent.is_dir():
            raise DomainError(_("Thư mục của tệp «%(out)s» không tồn tại.") % {"out": out}, field="out")
        if not (options.get("period") or "").strip():
            raise DomainError(_("Thiếu kỳ báo cáo (--period), ví dụ 2026-10."), field="period")
        report = monthly_report(
            kind,
            scope=options.get("scope") or "",
            period=options["period"].strip(),
            organization=options.get("organization") or "",
            unit=options.get("unit") or "",
            **{name: options.get(name) for _flag, _kwargs, name in extra},
        )
        content = render(report, fmt)
        if out:
            path = write_atomically(out, content)
            command.stderr.write(_("Đã ghi %(path)s (%(size)s byte).") % {"path": path, "size": len(content)})
        else:
            command.stdout.write(content.decode("utf-8"), ending="")

    return add_arguments, run
