"""Rule values of inspection coverage (dated, sourced; all provisional — 727/HD-NHCS has not been read in the original).

See shared/domain/scoring-and-inspection.md §3 and docs/decisions/0010-inspections.md.

* ``inspection.post_disbursement`` — every new loan checked within 30 days of its disbursement (727 §3.1 rule 1, M;
  already the practice in 2020 and 2024: seeds 001 and 004, H as older practice).
* ``inspection.inactive_3m`` — every loan flagged 3-months-inactive at a month end is checked within that month;
  ``grace_days`` after the month end are tolerated (727 §3.1 rule 2 says 100 %, M; the deadline is uythac's
  reading, L).
* ``inspection.annual_group`` — every group inspected at least once in 12 months (727 §3.1 rule 3, M; the older
  agreement also asked for 100 % of groups a year, [Staff quiz], M).
* ``inspection.entry`` — a check counts for coverage when it is entered in the system at most ``grace_days`` after
  its deadline. Seed 004 counts only checks entered in the software (H that it was stated); the 5 days read 727
  rule 5 "result to the association chair within 3 working days" as an entry deadline (uythac's assumption, L).
* ``inspection.correction`` — a record can be corrected within 30 days of its entry; after that only the system
  administrator (uythac's decision, L).
"""

import datetime as dt

from django.db import migrations

from uythac.core.rule_data import rule_values_loader

SOURCE_727 = "727/HD-NHCS (11/02/2026), Phụ lục I, qua [VBSP-SCM] và [tu-ho-so]; scoring-and-inspection.md §3.1"
RULES = [
    ("inspection.post_disbursement", {"days": 30}, dt.date(2000, 1, 1), None,
     SOURCE_727 + " (quy tắc 1); seed 001 (2020), seed 004 (2024)", "M",
     "Kiểm tra sử dụng vốn 100% món vay mới trong vòng N ngày kể từ ngày giải ngân"),
    ("inspection.inactive_3m", {"grace_days": 0}, dt.date(2000, 1, 1), None,
     SOURCE_727 + " (quy tắc 2); thời hạn «trong tháng bị đánh dấu» là cách hiểu của uythac", "L",
     "Kiểm tra 100% món vay 3 tháng không hoạt động trong tháng bị đánh dấu (+ số ngày gia hạn)"),
    ("inspection.annual_group", {"months": 12}, dt.date(2000, 1, 1), None,
     SOURCE_727 + " (quy tắc 3); thỏa thuận cũ: 100% tổ mỗi năm ([Staff quiz])", "M",
     "Mỗi tổ TK&VV được kiểm tra ít nhất một lần trong N tháng"),
    ("inspection.entry", {"grace_days": 5}, dt.date(2000, 1, 1), None,
     "Seed 004 (chỉ tính kết quả kiểm tra đã nhập vào phần mềm); 727 quy tắc 5 (báo cáo trong 3 ngày làm việc) "
     "được hiểu là hạn nhập — giả định của uythac", "L",
     "Kết quả kiểm tra được tính khi nhập vào hệ thống chậm nhất N ngày sau hạn kiểm tra"),
    ("inspection.correction", {"days": 30}, dt.date(2000, 1, 1), None,
     "Quyết định của uythac (docs/decisions/0010-inspections.md)", "L",
     "Được sửa kết quả kiểm tra trong N ngày kể từ ngày nhập"),
]


load, unload = rule_values_loader(RULES)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial"), ("core", "0002_rule_values")]
    operations = [migrations.RunPython(load, unload)]
