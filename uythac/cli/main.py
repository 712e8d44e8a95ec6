"""The ``uythac`` console command: Django's management commands plus uythac's own.

``uythac migrate``, ``uythac runserver`` … work as with ``manage.py``; uythac's commands
(``demo``, ``generate``, ``createuser``, ``load-geography``) live in ``uythac/cli/management/commands``.
Django names a command after its file, and a file name cannot hold a hyphen usable as a module: the hyphenated
names users type are translated here (``close-month`` → ``close_month``).
"""

import os
import sys

# Hyphenated command names → the module name of the command.
COMMAND_ALIASES = {"close-month": "close_month"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from uythac.cli.migrating import ensure_sqlite_directories

    ensure_sqlite_directories()

    args = list(sys.argv if argv is None else ["uythac", *argv])
    args[0] = "uythac"
    if len(args) > 1:
        args[1] = COMMAND_ALIASES.get(args[1], args[1])
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
