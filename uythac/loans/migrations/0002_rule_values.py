"""Rule values of the loan lifecycle (dated, sourced; shared/domain/process.md §3–§4, programs.md §2).

``calendar.public_holidays``: one row per year (effective 01/01–31/12), the days off that fall on working days
(weekends are skipped by ``add_working_days`` anyway). Used for the 3-working-day approval deadline.
"""

import datetime as dt

from django.db import migrations

from uythac.core.rule_data import rule_values_loader

D = dt.date
HOLIDAY_SOURCE = (
    "Bộ luật Lao động 2019, Điều 112 (Tết Dương lịch, Tết Âm lịch 5 ngày, Giỗ Tổ 10/3 âm lịch, 30/4, 1/5, 2/9 và "
    "1 ngày liền kề); lịch nghỉ hằng năm do Bộ Nội vụ / Bộ LĐTBXH thông báo — chưa đối chiếu văn bản gốc"
)

RULES = [
    # key, value, from, to, source, confidence, description
    ("loans.approval.working_days", 3, D(2000, 1, 1), None,
     "Tờ rơi 'Những điều hộ SXKD vùng khó khăn cần biết': phê duyệt trong 3 ngày làm việc kể từ khi hồ sơ đầy đủ; "
     "process.md §3.1 bước 4", "H", "Thời hạn phê duyệt cho vay (ngày làm việc)"),
    ("loans.installment.rounding_unit", 100_000, D(2000, 1, 1), None,
     "[tu-ho-so] nội suy lịch trả nợ: làm tròn xuống 100.000 đồng (HEURISTIC); process.md §3.3", "L",
     "Đơn vị làm tròn số tiền mỗi kỳ trả gốc"),
    ("loans.eligibility.poverty_status", {"01": ["POOR"], "19": ["NEAR_POOR"], "09": ["RECENTLY_ESCAPED"]},
     D(2000, 1, 1), None,
     "programs.md §2: hộ nghèo (01) trong danh sách hộ nghèo của xã; hộ cận nghèo (19) trong danh sách cận nghèo; "
     "hộ mới thoát nghèo (09) ra khỏi danh sách trong 3 năm (QĐ 28/2015/QĐ-TTg)", "H",
     "Diện hộ phải có trong danh sách hiện hành khi giải ngân, theo chương trình"),
    ("loans.risk.freeze_bands",
     {"bands": [{"min": 40, "max": 79, "months": 36}, {"min": 80, "max": 100, "months": 60}],
      "cause_max_months": {"K3": 36, "K5": 36}},
     D(2010, 1, 1), None,
     "QĐ 50/2010/QĐ-TTg sửa đổi bởi QĐ 08/2021/QĐ-TTg theo [VBSP-SCM] config.py (bậc rủi ro) và [Staff quiz] "
     "Q66–68; process.md §4: thiệt hại 40–79% → khoanh tối đa 3 năm, 80–100% → 5 năm; K3, K5: 3 năm; dưới 40% → "
     "gia hạn", "M", "Thời gian khoanh nợ theo mức độ thiệt hại; dưới mức thấp nhất chỉ được gia hạn"),
    ("calendar.public_holidays",
     ["2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-04-07",
      "2025-04-30", "2025-05-01", "2025-05-02", "2025-09-01", "2025-09-02"],
     D(2025, 1, 1), D(2025, 12, 31), HOLIDAY_SOURCE, "M", "Ngày nghỉ lễ, Tết rơi vào ngày làm việc năm 2025"),
    ("calendar.public_holidays",
     ["2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-04-27",
      "2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02"],
     D(2026, 1, 1), D(2026, 12, 31), HOLIDAY_SOURCE, "L",
     "Ngày nghỉ lễ, Tết năm 2026 (Giỗ Tổ 26/4 là Chủ nhật, nghỉ bù 27/4; ngày liền kề 2/9 giả định là 1/9)"),
]


load, unload = rule_values_loader(RULES)


class Migration(migrations.Migration):
    dependencies = [("loans", "0001_initial"), ("core", "0002_rule_values")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
