"""uythac report <kind> … — reports from the month-end snapshots.

Each kind is a subcommand whose module (``SUBCOMMANDS``) provides ``add_arguments(parser)`` and
``run(command, **options)``; another report is added by one line in ``SUBCOMMANDS``. Today:

``uythac report entrustment --period YYYY-MM-DD [--compare YYYY-MM-DD] [--scope CODE]
--format html|xlsx|docx|pdf|json [--out FILE]`` — the annual entrustment report (seed 001) for a scope: JSON on stdout
when no ``--out`` is given; a file is written only once the report is complete (temporary file + rename).
"""

import importlib

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from uythac.cli.base import UythacCommand
from uythac.core.exceptions import DomainError

SUBCOMMANDS = {
    "entrustment": "uythac.reports.entrustment_cli",
    # Monthly operational reports (uythac/reports/monthly/__init__.py REPORTS).
    "bc0437": "uythac.reports.monthly.bc0437",
    "bc0438": "uythac.reports.monthly.bc0438",
    "inactive": "uythac.reports.monthly.inactive",
    "overdue": "uythac.reports.monthly.overdue",
    "due-next-month": "uythac.reports.monthly.due_next_month",
    "frozen-expiring": "uythac.reports.monthly.frozen_expiring",
}


class Command(UythacCommand):
    help = "Lập báo cáo từ số liệu khóa sổ cuối tháng (uythac report entrustment …)."

    def add_arguments(self, parser: CommandParser):
        kinds = parser.add_subparsers(dest="kind", parser_class=CommandParser, title=_("loại báo cáo"))
        for name, module in SUBCOMMANDS.items():
            sub = kinds.add_parser(name, called_from_command_line=getattr(self, "_called_from_command_line", None))
            importlib.import_module(module).add_arguments(sub)

    def run(self, **options):
        kind = options.get("kind")
        if kind not in SUBCOMMANDS:
            raise DomainError(
                _("Thiếu loại báo cáo, chọn một trong: %(kinds)s.") % {"kinds": ", ".join(SUBCOMMANDS)}, field="kind"
            )
        return importlib.import_module(SUBCOMMANDS[kind]).run(self, **options)
