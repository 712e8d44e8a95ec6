"""Dated rule values for the remaining lifecycle pieces (issue 3): freeze expiry and the 08/TD notice periods."""

import datetime as dt

from django.db import migrations

from uythac.core.rule_data import rule_values_loader

D = dt.date

RULES = [
    # key, value, from, to, source, confidence, description
    ("loans.risk.freeze_expiry", {"return_to": "OVERDUE"}, D(2010, 1, 1), None,
     "QĐ 50/2010/QĐ-TTg sửa đổi bởi QĐ 08/2021/QĐ-TTg; process.md §4 (khoanh bổ sung/xóa nợ khi hết hạn khoanh; "
     "M03_QLNK, M04_QLNK, cột 'Gốc hết hạn Khoanh'); chuyển về nợ quá hạn là suy luận, chưa đối chiếu văn bản", "M",
     "Dư nợ khoanh hết hạn (không được khoanh bổ sung/xóa nợ) chuyển về: OVERDUE (quá hạn) hoặc CURRENT (trong hạn)"),
    ("loans.adjustment.notice",
     {"borrower_working_days": 5, "leader_working_days": 3, "leader_until_session_day": True},
     D(2026, 3, 1), None,
     "CV 597/NHCS-TDNN 30/01/2026 theo [tu-ho-so] DU_LIEU_THANG.md, process.md §3.3 (văn bản gốc chưa đọc): khách "
     "hàng đề nghị 08/TD trước kỳ hạn ≥5 ngày làm việc; tổ trưởng gửi ≥3 ngày làm việc hoặc chậm nhất ngày giao "
     "dịch cố định", "M",
     "Thời hạn đề nghị điều chỉnh kỳ hạn trả nợ (08/TD) với món vay giải ngân từ 01/03/2026"),
]


load, unload = rule_values_loader(RULES)


class Migration(migrations.Migration):
    dependencies = [("loans", "0005_review_meeting_fields_on_group_meeting"), ("core", "0002_rule_values")]
    operations = [migrations.RunPython(load, unload)]
