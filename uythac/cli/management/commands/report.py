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
