"""PostgreSQL storage settings of the snapshot tables, for their migrations (``closing/0005``, ``closing/0006``).

Each close appends one period; with the default threshold (10 % of a table changed) a table holding 24 months is
analysed only every two or three closes, so the newest period — the one every report reads — is missing from the
planner statistics. 0.2 % of the rows + 1,000 makes autovacuum analyse the tables within a minute of each close.
Nothing to do on SQLite."""

from django.db import migrations

SETTINGS = "autovacuum_analyze_scale_factor = 0.002, autovacuum_analyze_threshold = 1000"
RESET = "autovacuum_analyze_scale_factor, autovacuum_analyze_threshold"


def analyze_after_each_close(*tables: str) -> migrations.RunPython:
    """The migration operation that sets (and, reversed, resets) the settings on ``tables``."""

    def each(template: str):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for table in tables:
                    schema_editor.execute(template.format(table=table))

        return run

    return migrations.RunPython(each(f"ALTER TABLE {{table}} SET ({SETTINGS})"),
                                each(f"ALTER TABLE {{table}} RESET ({RESET})"))
