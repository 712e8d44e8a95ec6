"""Whether a leader's 13/TD must be checked by the commune association before its hand-over (process.md §3.2, M:
"the commune association officer checks each leader's 13/TD before the transaction"; no text says a session must
refuse an unchecked list, so the default only warns)."""

import datetime as dt

from django.db import migrations

KEY = "sessions.batch_check.required_before_handover"


def load(apps, schema_editor):
    apps.get_model("core", "RuleValue").objects.get_or_create(
        key=KEY, effective_from=dt.date(2000, 1, 1),
        defaults={
            "value": False, "effective_to": None, "confidence": "M",
            "source_document": "[Staff quiz] Q40 (process.md §3.2): hội cấp xã kiểm tra bảng kê 13/TD của tổ trưởng "
                               "trước khi giao dịch; không có quy định từ chối giao tiền khi chưa kiểm tra",
            "description": "Bắt buộc hội kiểm tra bảng kê 13/TD trước khi tổ trưởng giao tiền tại phiên (False: "
                           "chỉ cảnh báo)",
        },
    )


def unload(apps, schema_editor):
    apps.get_model("core", "RuleValue").objects.filter(key=KEY, effective_from=dt.date(2000, 1, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("transaction_sessions", "0002_batch_association_check"), ("core", "0002_rule_values")]
    operations = [migrations.RunPython(load, unload)]
