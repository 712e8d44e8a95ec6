"""uythac score YYYY-MM [--scope CODE] [--user USERNAME] — re-score a closed period alone.

Scores every group, commune association unit, commune, PGD and province of the scope with the rubric versions in force
on the period's last day (``uythac.scoring.services.scores_compute``); the new scores supersede the current ones.
The JSON summary (counts per subject and grade, seconds) goes to stdout.
"""

import json

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from uythac.cli.base import UythacCommand
from uythac.closing.scope import scope_parse
from uythac.core.exceptions import DomainError
from uythac.core.periods import Period, PeriodError
from uythac.scoring.services import scores_compute


class Command(UythacCommand):
    help = "Chấm điểm lại một kỳ đã khóa sổ: tổ TK&VV, hội cấp xã, xã, phòng giao dịch, tỉnh."

    def add_arguments(self, parser: CommandParser):
        parser.add_argument("period", nargs="?", help="Kỳ cần chấm điểm, dạng YYYY-MM.")
        parser.add_argument("--scope", default="", help="Mã tỉnh (2 số), mã xã (5 số) hoặc mã PGD (6 số).")
        parser.add_argument("--user", default="", help="Tài khoản chạy chấm điểm (ghi vào nhật ký).")

    def run(self, **options):
        if not options["period"]:
            raise DomainError(_("Thiếu kỳ cần chấm điểm, ví dụ: uythac score 2020-12."), field="period")
        try:
            period = Period.parse(options["period"])
        except PeriodError:
            raise DomainError(_("Kỳ «%(value)s» không hợp lệ, dùng dạng YYYY-MM.") % {"value": options["period"]},
                              field="period") from None
        actor = self.actor_from(options["user"])
        summary = scores_compute(actor=actor, period=period, scope=scope_parse(options["scope"] or None))
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
