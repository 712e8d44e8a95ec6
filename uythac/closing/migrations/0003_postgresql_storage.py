"""PostgreSQL storage of the loan snapshots: fillfactor 85, so the 3-months-inactive step (which changes one
non-indexed column on a few per cent of a period's rows) updates them in place (HOT) instead of adding an entry to
every index. Nothing to do on SQLite."""

from django.db import migrations


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("closing", "0002_rule_values")]
    operations = [
        migrations.RunPython(
            _run("ALTER TABLE closing_loansnapshot SET (fillfactor = 85)"),
            _run("ALTER TABLE closing_loansnapshot RESET (fillfactor)"),
        )
    ]
