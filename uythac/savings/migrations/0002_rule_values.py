"""Dated, sourced rule values of member savings (process.md §3.2)."""

import datetime as dt

from django.db import migrations

from uythac.core.rule_data import rule_values_loader

RULES = [
    (
        "savings.minimum_deposit",
        {"amount": 5000},
        # The 2016 page states the amount; the date it took effect is not known, so the rule is dated from the
        # start of the group-savings product (the same start the foundation uses for the group rules).
        dt.date(2003, 1, 1),
        "eng.vbsp.org.vn/terms-savings-deposits.html (2016): tiền gửi của tổ viên tổ TK&VV tối thiểu 5.000 đồng; "
        "quy ước tổ có thể quy định mức cao hơn (10C/TD)",
        "H",
        "Số tiền tối thiểu mỗi lần gửi tiền tiết kiệm của tổ viên",
    ),
]


load, unload = rule_values_loader(RULES)


class Migration(migrations.Migration):
    dependencies = [("savings", "0001_initial"), ("core", "0002_rule_values")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
