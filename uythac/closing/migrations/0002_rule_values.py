"""Rule values of the month-end close (dated, sourced).

``closing.inactive_3m``: the "loan inactive N months" rule of report Mẫu 14 / 08/KTNB
(shared/domain/scoring-and-inspection.md §4.1, PRACTITIONER-VERIFIED, M): N = 3, frozen loans and student loans
(program 02) excluded. The month-end clamp (31/05 → 28/02) is uythac's assumption (§4.2, L), coded in
``uythac.core.periods.inactive_cutoff``.
"""

import datetime as dt

from django.db import migrations

from uythac.core.rule_data import rule_values_loader

RULES = [
    ("closing.inactive_3m", {"months": 3, "exclude_programs": ["02"], "exclude_frozen": True}, dt.date(2000, 1, 1),
     None,
     "scoring-and-inspection.md §4.1: Mẫu 14 'Sao kê món vay N tháng không hoạt động' (tệp tháng 9/2026 tại một "
     "PGD, [tu-ho-so]); loại trừ dư nợ khoanh và HSSV (02), [VBSP-SCM] áp dụng như nhau", "M",
     "Món vay 3 tháng không hoạt động: số tháng, chương trình và dư nợ khoanh bị loại trừ"),
]


load, unload = rule_values_loader(RULES)


class Migration(migrations.Migration):
    dependencies = [("closing", "0001_initial"), ("core", "0002_rule_values")]
    operations = [migrations.RunPython(load, unload)]
