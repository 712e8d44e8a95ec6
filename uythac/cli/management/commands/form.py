"""``uythac form 13td|14td|15td|due-notice|04td|03td --group/--loan/--application/--meeting KEY [--period YYYY-MM |
--date YYYY-MM-DD] --format docx|pdf --out FILE [--user USERNAME]`` — an official form printed from data.

Without ``--user`` the command runs as the system and sees every object; with it, the object is fetched through the
user's guarded fetch (out of scope = not found). The file is written only once the form is complete (temporary
file + rename): a refused input writes nothing.
"""

from django.core.management.base import CommandParser
from django.http import Http404
from django.utils.translation import gettext as _

from uythac.cli.base import UythacCommand
from uythac.core.exceptions import DomainError
from uythac.core.guards import today
from uythac.reports.forms import KINDS, build_form
from uythac.reports.forms.common import parse_date, parse_period
from uythac.reports.forms.render import FORMATS, render_form
from uythac.reports.render import write_atomically

TARGET_OPTIONS = {"group": "--group", "loan": "--loan", "application": "--application", "meeting": "--meeting"}


class Command(UythacCommand):
    help = "In mẫu biểu nghiệp vụ (13/TD, 14/TD, 15/TD, thông báo nợ đến hạn, 04/TD, 03/TD) ra DOCX hoặc PDF."

    def add_arguments(self, parser: CommandParser):
        parser.add_argument("kind", nargs="?", default="", help="13td, 14td, 15td, due-notice, 04td hoặc 03td.")
        parser.add_argument("--group", default="", help="Mã tổ TK&VV (13td, 15td, due-notice).")
        parser.add_argument("--loan", default="", help="Số khế ước (14td).")
        parser.add_argument("--application", default="", help="Số giấy đề nghị vay vốn (04td).")
        parser.add_argument("--meeting", default="", help="Số cuộc họp bình xét (03td).")
        parser.add_argument("--period", default="", help="Tháng, YYYY-MM (13td, due-notice).")
        parser.add_argument("--date", default="", help="Ngày, YYYY-MM-DD (15td, 14td).")
        parser.add_argument("--format", default="", help="docx hoặc pdf.")
        parser.add_argument("--out", default="", help="Tệp kết quả.")
        parser.add_argument("--user", default="", help="Tài khoản in mẫu (phạm vi của tài khoản đó).")

    def run(self, **options):
        kind = (options.get("kind") or "").strip().lower()
        if kind not in KINDS:
            raise DomainError(
                _("Thiếu hoặc sai loại mẫu biểu, chọn một trong: %(kinds)s.") % {"kinds": ", ".join(KINDS)},
                field="kind",
            )
        fmt = (options.get("format") or "").strip().lower()
        if fmt not in FORMATS:
            raise DomainError(_("Định dạng phải là docx hoặc pdf."), field="format")
        out = (options.get("out") or "").strip()
        if not out:
            raise DomainError(_("Thiếu tệp kết quả (--out)."), field="out")
        spec = KINDS[kind]
        option = TARGET_OPTIONS[spec.target]
        key = (options.get(spec.target) or "").strip()
        if not key:
            raise DomainError(_("Mẫu %(kind)s cần %(option)s.") % {"kind": kind, "option": option}, field=spec.target)
        user = self.actor_from(options.get("user") or "")
        try:
            form = build_form(
                kind,
                key=key,
                user=user,
                today=today(),
                period=parse_period(options.get("period"), None),
                day=parse_date(options.get("date"), None),
            )
        except Http404:
            raise DomainError(
                _("Không tìm thấy đối tượng %(key)s trong phạm vi của tài khoản.") % {"key": key}, field=spec.target
            ) from None
        content = render_form(form, fmt)
        try:
            target = write_atomically(out, content)
        except OSError as exc:
            raise DomainError(
                _("Không ghi được tệp %(path)s: %(error)s") % {"path": out, "error": exc.strerror}, field="out"
            ) from None
        self.stderr.write(
            _("Đã ghi %(form)s vào %(path)s (%(size)s byte).")
            % {"form": form.code_label, "path": target, "size": len(content)}
        )
