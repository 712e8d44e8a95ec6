"""Dated, sourced rule values used by the foundation (shared/domain/process.md §7)."""

import datetime as dt

from django.db import migrations

RULES = [
    (
        "group.size",
        {"min": 5, "max": 60},
        dt.date(2026, 2, 11),
        "727/HD-NHCS (11/02/2026), Phụ lục checklist: «từ 05 đến 60 tổ viên»; VBSP English site 2021 says 3–60",
        "M",
        "Số tổ viên tối thiểu/tối đa của tổ TK&VV",
    ),
    (
        "group.size",
        {"min": 3, "max": 60},
        dt.date(2003, 1, 1),
        "783/QĐ-HĐQT (2003) as summarised by eng.vbsp.org.vn (2021): 3–60 members",
        "M",
        "Số tổ viên tối thiểu/tối đa trước 727/HD-NHCS",
    ),
    (
        "group.board.forbidden_kinship",
        ["SPOUSE", "PARENT", "CHILD", "SIBLING"],
        dt.date(2003, 1, 1),
        "727/HD-NHCS checklist; Staff quiz Q36, PHẦN 4 Q4: tổ trưởng, tổ phó không là vợ/chồng, cha/mẹ, con, anh chị em ruột",
        "M",
        "Quan hệ gia đình không được phép giữa tổ trưởng và tổ phó",
    ),
]


def load(apps, schema_editor):
    rule = apps.get_model("core", "RuleValue")
    for key, value, start, source, confidence, description in RULES:
        rule.objects.get_or_create(
            key=key,
            effective_from=start,
            defaults={"value": value, "source_document": source, "confidence": confidence, "description": description},
        )
    older = rule.objects.get(key="group.size", effective_from=dt.date(2003, 1, 1))
    older.effective_to = dt.date(2026, 2, 10)
    older.save()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
