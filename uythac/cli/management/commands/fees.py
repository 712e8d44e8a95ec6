"""uythac fees YYYY-MM [--scope CODE] [--user USERNAME]

Compute (again) the month's entrustment-fee statements of the association units and commission statements of the
groups of a scope from the period's month-end snapshots (run ``uythac close-month`` first; the close runs this step
itself). Unpaid statements are replaced, paid ones kept with a difference line (``uythac.fees.statements``). JSON
summary on stdout: statements written, totals, differences, units over the legal cap, seconds.
"""

import json

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from uythac.cli.base import UythacCommand
from uythac.closing.models import LoanSnapshot
from uythac.closing.runner import period_parse
from uythac.closing.scope import scope_parse
from uythac.core.exceptions import DomainError
from uythac.fees.statements import fees_compute


class Command(UythacCommand):
    help = "Tính phí ủy thác của các hội và hoa hồng của các tổ TK&VV cho một tháng đã khóa sổ."

    def add_arguments(self, parser: CommandParser):
        parser.add_argument("period", nargs="?", help="Kỳ cần tính, dạng YYYY-MM.")
        parser.add_argument("--scope", default="", help="Mã tỉnh (2 số), mã xã (5 số) hoặc mã PGD (6 số).")
        parser.add_argument("--user", default="", help="Tài khoản chạy (ghi vào nhật ký).")

    def run(self, **options):
        if not options["period"]:
            raise DomainError(_("Thiếu kỳ cần tính phí, ví dụ: uythac fees 2026-10."), field="period")
        period = period_parse(options["period"])
        scope = scope_parse(options["scope"] or None)
        actor = self.actor_from(options["user"])
        if not LoanSnapshot.objects.filter(period=str(period)).exists():
            raise DomainError(_("Kỳ %(period)s chưa khóa sổ: chạy «uythac close-month %(period)s» trước.")
                              % {"period": period}, field="period")
        summary = fees_compute(actor=actor, period=period, scope=scope)
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
