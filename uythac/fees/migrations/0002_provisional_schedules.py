"""The legal cap (dated rule ``fees.legal_cap``) and the PROVISIONAL fee schedules of shared/domain/process.md §8.

Everything below is M, L or unknown: the schedules are marked provisional (confidence M, commission U) and the UI
shows "tạm tính". The group-board commission rate for ordinary programs is NOT KNOWN; 11.5 % of the interest
collected is uythac's own calibration on seed 001 (2020: 26.6 billion VND of commissions on 3.2 trillion VND of
entrusted outstanding = 0.069 %/month of outstanding; with interest collected ≈ 0.6 %/month of outstanding that is
≈ 11.5 % of the interest) — replace it with the real rate by publishing a new schedule (``fee_schedule_publish``).
"""

import datetime as dt
from decimal import Decimal as D

from django.db import migrations

CAP_SOURCE = ("QĐ 30/2015/QĐ-TTg (31/07/2015) sửa đổi QĐ 180/2002/QĐ-TTg: tổng phí ủy thác cho các tổ chức và hoa "
              "hồng cho tổ vay vốn ≤ 0,125%/tháng trên dư nợ (trước đó 0,22%/tháng); process.md §8 (M). Ngày hiệu "
              "lực 15/09/2015 chưa đối chiếu văn bản gốc.")
CAP_RULES = [
    ("0.22", dt.date(2002, 12, 19), dt.date(2015, 9, 14),
     "QĐ 180/2002/QĐ-TTg (19/12/2002), mức trước QĐ 30/2015 theo tóm tắt VGP; process.md §8 (M)"),
    ("0.125", dt.date(2015, 9, 15), None, CAP_SOURCE),
]
SOURCE = ("Thỏa thuận ủy thác trước 2025 theo [Staff quiz] Q6–Q20, Q45–Q48, Q60 (process.md §8, M): 0,032%/tháng trên "
          "dư nợ có thu được lãi; hệ số theo tỷ lệ nợ quá hạn <2% → 100%, 2–<3% → 80%, 3–<4% → 50%, ≥4% → 0%; "
          "NOXH 0,003% (hội xã) / 0,005% (tổ). Tỷ lệ hoa hồng tổ: CHƯA RÕ — 11,5% số lãi là hiệu chỉnh của uythac "
          "theo seed 001 (26,6 tỷ hoa hồng / 3,2 nghìn tỷ dư nợ năm 2020).")
BANDS = [(D("0"), D("2"), D("100")), (D("2"), D("3"), D("80")), (D("3"), D("4"), D("50")), (D("4"), None, D("0"))]
SCHEDULES = [
    {
        "code": "TAMTINH-2015", "name": "Biểu phí tạm tính theo thỏa thuận trước 2025",
        "effective_from": dt.date(2015, 9, 15), "effective_to": dt.date(2025, 6, 30),
        "shares": [("COMMUNE", D("84"), "M"), ("DISTRICT", D("9"), "M"), ("PROVINCE", D("4.5"), "M"),
                   ("CENTRAL", D("2.5"), "L")],
        "notes": "Phân chia: xã 84%, huyện 9%, tỉnh 4,5% (M); trung ương 2,5% là suy luận (L).",
    },
    {
        "code": "TAMTINH-2025", "name": "Biểu phí tạm tính sau sắp xếp chính quyền hai cấp (từ 01/07/2025)",
        "effective_from": dt.date(2025, 7, 1), "effective_to": None,
        "shares": [("COMMUNE", D("84"), "L"), ("PROVINCE", D("13.5"), "L"), ("CENTRAL", D("2.5"), "L")],
        "notes": "Phân chia sau 2025 CHƯA RÕ (process.md §10: hội cấp huyện giải thể). Giả định của uythac (L): phần "
                 "9% của cấp huyện chuyển về cấp tỉnh. Các mức phí giữ như trước 2025 (chưa có nguồn mới).",
    },
]


def load(apps, schema_editor):
    rule = apps.get_model("core", "RuleValue")
    for value, start, end, source in CAP_RULES:
        rule.objects.get_or_create(key="fees.legal_cap", effective_from=start, defaults={
            "value": {"percent_per_month": value}, "effective_to": end, "source_document": source,
            "confidence": "M", "description": "Mức trần phí ủy thác + hoa hồng (%/tháng trên dư nợ)"})
    schedule_model = apps.get_model("fees", "FeeSchedule")
    program = apps.get_model("programs", "CreditProgram").objects.filter(code="12").first()
    for data in SCHEDULES:
        schedule, created = schedule_model.objects.get_or_create(code=data["code"], defaults={
            "name": data["name"], "effective_from": data["effective_from"], "effective_to": data["effective_to"],
            "base_rate": D("0.032"), "base_definition": "INTEREST_COLLECTED", "commission_rate": D("11.5"),
            "commission_confidence": "U", "source_document": SOURCE, "confidence": "M", "notes": data["notes"],
            "published_at": dt.datetime(2026, 11, 22, tzinfo=dt.UTC),
        })
        if not created:
            continue
        for lower, upper, multiplier in BANDS:
            schedule.bands.create(lower=lower, upper=upper, multiplier=multiplier)
        for level, share, confidence in data["shares"]:
            schedule.shares.create(level=level, share=share, confidence=confidence)
        if program is not None:
            schedule.program_rates.create(program=program, fee_rate=D("0.003"), commission_rate=D("0.005"))


class Migration(migrations.Migration):
    dependencies = [("fees", "0001_initial"), ("core", "0002_rule_values"), ("programs", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
