"""uythac close-month YYYY-MM [--scope CODE] [--user USERNAME] [--keep-ledger-open] [--redo] [--takeover]

Month-end close of a period (see ``uythac.closing.runner``): transfers to overdue, interest up to the period end,
loan and savings snapshots, the 3-months-inactive flag, aggregates per group / association unit / commune / PGD /
province, and — for a whole-country close — the ledger month is closed. Each step is resumable: run the command
again after a failure and it goes on from the step that did not finish.

Progress goes to stderr (one line per step: name, rows, seconds); the JSON summary to stdout. ``--scope`` takes a
province (2 digits), a commune (5 digits) or a PGD (6 digits); without it the whole country is closed, which needs
``--user`` (an administrator, who closes the ledger month) unless ``--keep-ledger-open`` is given.
"""

import json

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from uythac.cli.base import UythacCommand
from uythac.closing.runner import close_month
from uythac.core.exceptions import DomainError


class Command(UythacCommand):
    help = "Khóa sổ cuối tháng: chuyển nợ quá hạn, tính lãi, số liệu cuối tháng, tổng hợp, khóa kỳ kế toán."

    def add_arguments(self, parser: CommandParser):
        parser.add_argument("period", nargs="?", help="Kỳ cần khóa sổ, dạng YYYY-MM.")
        parser.add_argument("--scope", default="", help="Mã tỉnh (2 số), mã xã (5 số) hoặc mã PGD (6 số).")
        parser.add_argument("--user", default="", help="Tài khoản quản trị chạy khóa sổ (khóa kỳ kế toán).")
        parser.add_argument("--keep-ledger-open", action="store_true",
                            help="Không khóa kỳ kế toán (khóa sổ toàn quốc).")
        parser.add_argument("--redo", action="store_true", help="Làm lại cả các bước đã xong.")
        parser.add_argument("--takeover", action="store_true",
                            help="Thay thế một lần chạy khác còn ghi là đang chạy (tiến trình đó đã dừng hẳn).")

    def run(self, **options):
        if not options["period"]:
            raise DomainError(_("Thiếu kỳ cần khóa sổ, ví dụ: uythac close-month 2026-10."), field="period")
        actor = self.actor_from(options["user"])
        report = close_month(
            period=options["period"], scope=options["scope"] or None, actor=actor,
            close_ledger=not options["keep_ledger_open"], redo=options["redo"], takeover=options["takeover"],
            progress=lambda message: self.stderr.write(message),
        )
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
