from django.db import migrations


def load(apps, schema_editor):
    from uythac.geography.loaders import load_current_divisions, load_legacy_divisions

    province = apps.get_model("geography", "Province")
    load_current_divisions(province, apps.get_model("geography", "Commune"))
    load_legacy_divisions(
        province,
        apps.get_model("geography", "LegacyProvince"),
        apps.get_model("geography", "LegacyDistrict"),
        apps.get_model("geography", "LegacyCommune"),
    )


class Migration(migrations.Migration):
    dependencies = [("geography", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
