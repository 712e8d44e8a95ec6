"""Credit programs, rates, overdue rules, area overrides and limits of shared/domain/programs.md (with sources)."""

from django.db import migrations


def load(apps, schema_editor):
    from uythac.programs.reference_data import load as load_reference_data

    load_reference_data(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial"), ("geography", "0002_load_divisions")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
