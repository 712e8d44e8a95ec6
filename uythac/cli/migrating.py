"""Commands that need tables migrate first: one line on stderr, then Django's ``migrate`` run quietly.

A fresh machine has no database yet: for SQLite the data directory is created too
(``ensure_sqlite_directories``, also run by the ``uythac`` entry point before any command).
"""

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _


def ensure_sqlite_directories() -> None:
    """Create the directory of every SQLite database file (SQLite creates the file, not its directory).

    Called by the ``uythac`` console entry point before any command, so that ``uythac migrate`` works on a
    fresh machine too (its system checks open the database before migrating).
    """
    for database in settings.DATABASES.values():
        name = str(database.get("NAME") or "")
        in_memory = name == ":memory:" or name.startswith("file:")
        if database.get("ENGINE", "").endswith("sqlite3") and name and not in_memory:
            Path(name).parent.mkdir(parents=True, exist_ok=True)


def unapplied_migrations(database: str = DEFAULT_DB_ALIAS) -> list:
    from django.db.migrations.executor import MigrationExecutor  # needs the app registry: import when called

    connection = connections[database]
    ensure_sqlite_directories()
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def ensure_migrated(stderr, database: str = DEFAULT_DB_ALIAS) -> bool:
    """Apply pending migrations, announcing it on ``stderr``; returns True if anything was applied."""
    if not unapplied_migrations(database):
        return False
    stderr.write(_("Đang tạo/cập nhật cơ sở dữ liệu…"))
    call_command("migrate", database=database, interactive=False, verbosity=0, stdout=io.StringIO())
    return True


class MigrateFirstMixin:
    """For management commands: ``handle`` migrates, then calls ``handle_migrated``."""

    def handle(self, *args, **options):
        ensure_migrated(self.stderr)
        return self.handle_migrated(*args, **options)

    def handle_migrated(self, *args, **options):
        raise NotImplementedError
