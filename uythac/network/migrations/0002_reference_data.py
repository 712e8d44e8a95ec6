"""The four entrusted organizations (export code list, OFFICIAL-EXPORT) and the head office."""

from django.db import migrations

ORGANIZATIONS = [
    ("11", "Hội Nông dân Việt Nam", "HND", "FARMERS_UNION"),
    ("12", "Hội Liên hiệp Phụ nữ Việt Nam", "HPN", "WOMENS_UNION"),
    ("13", "Hội Cựu chiến binh Việt Nam", "HCCB", "VETERANS_ASSOCIATION"),
    ("14", "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "ĐTN", "YOUTH_UNION"),
]


def load(apps, schema_editor):
    organization = apps.get_model("network", "Organization")
    for code, name, short, identifier in ORGANIZATIONS:
        organization.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short, "identifier": identifier}
        )
    apps.get_model("network", "Branch").objects.get_or_create(
        code="000001",
        defaults={
            "name": "Ngân hàng Chính sách xã hội — Hội sở chính",
            "name_search": "ngan hang chinh sach xa hoi - hoi so chinh",
            "level": "HEAD_OFFICE",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
