"""PostgreSQL: autovacuum refreshes the statistics of the scores after each month's scoring (same reason and
setting as closing/0005: the newest period must be known to the planner). Nothing to do on SQLite."""

from django.db import migrations


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("scoring", "0002_provisional_rubrics")]
    operations = [
        migrations.RunPython(
            _run("ALTER TABLE scoring_score SET (autovacuum_analyze_scale_factor = 0.002,"
                 " autovacuum_analyze_threshold = 1000)"),
            _run("ALTER TABLE scoring_score RESET (autovacuum_analyze_scale_factor, autovacuum_analyze_threshold)"),
        )
    ]
