"""The provisional rubrics (tạm tính), version 1 of every subject, in force from 01/01/2019.

Sources (shared/domain/scoring-and-inspection.md): the group's six criteria and their maximum points (20/30/15/20/5/10)
are a practitioner's configuration read off the CDTOTKVV export (M); the grade thresholds 85/70/50, lower bound
inclusive, are the BC0437 formula (M). The BANDS inside each criterion are not public: ours are provisional, chosen
so that the synthetic seed2020 data reproduces seed 001's distribution (docs/scoring.md). The commune-association
rubric is unknown beyond seed 004's "inspection work = 20/100" (unverified): its other criteria and all bands are
ours. The commune / PGD / province index (seed 003 "83,67 điểm, khá") is a roll-up of ours. Replace by publishing a
new version (``uythac.scoring.rubrics.rubric_publish``), never by editing these rows.

A band is (lower, upper, points): lower bound inclusive, upper exclusive, ``None`` = open; ``L`` marks the
"lower is better" criteria whose bands are written (lower exclusive, upper inclusive) so that "≤ 1 %" reads as said.
"""

import datetime as dt
from decimal import Decimal as D

from django.db import migrations

START = dt.date(2019, 1, 1)
GROUP_SOURCE = ("VB 3986/NHCS-TDNN (nội dung chưa có); điểm tối đa theo biểu CDTOTKVV (thực tiễn, M); "
                "ngưỡng 85/70/50 theo công thức BC0437 (M); khoảng điểm tạm tính của uythac")
UNIT_SOURCE = ("Công văn 2653/NHCS-KHTC (seed 004): kiểm tra = 20/100 điểm (chưa kiểm chứng); các tiêu chí và "
               "khoảng điểm khác tạm tính của uythac")
ROLLUP_SOURCE = ("Đề án củng cố chất lượng tín dụng 2018–2020 (seed 003: 83,67 điểm, khá) — chỉ số tổng hợp tạm tính "
                 "của uythac")

H, L = "HIGHER", "LOWER"

# (code, name, max, fact key, direction, unit, action hint, bands)
GROUP = [
    ("diem_gdtx", "Giao dịch tại xã", 20, "session_activity_ratio", H, "%",
     "Đôn đốc tổ viên có món vay 3 tháng không giao dịch đến giao dịch tại điểm giao dịch xã",
     [(95, None, 20), (90, 95, 16), (80, 90, 12), (70, 80, 8), (None, 70, 0)]),
    ("diem_nqh", "Tỷ lệ nợ quá hạn", 30, "overdue_ratio", L, "%",
     "Đôn đốc thu hồi nợ quá hạn",
     [(None, 1, 30), (1, 2, 25), (2, 3, 18), (3, 5, 10), (5, 10, 4), (10, None, 0)]),
    ("diem_thu_no", "Thu nợ đến hạn", 15, "principal_due_collected_ratio", H, "%",
     "Thu đủ nợ gốc đến hạn trước ngày giao dịch",
     [(100, None, 15), (95, 100, 12), (90, 95, 9), (80, 90, 5), (None, 80, 0)]),
    ("diem_thu_lai", "Tỷ lệ thu lãi", 20, "interest_collection_ratio", H, "%",
     "Thu lãi đầy đủ hằng tháng, giảm lãi tồn",
     [(95, None, 20), (90, 95, 16), (80, 90, 12), (70, 80, 8), (None, 70, 0)]),
    ("diem_tv_tiengui", "Tổ viên tham gia tiền gửi", 5, "saver_share", H, "%",
     "Vận động tổ viên gửi tiết kiệm hằng tháng",
     [(90, None, 5), (70, 90, 3), (50, 70, 1), (None, 50, 0)]),
    ("diem_ds_tg", "Số dư tiền gửi tăng thêm", 10, "savings_growth", H, "%",
     "Duy trì tiền gửi tiết kiệm để số dư tăng so với tháng trước",
     [(0, None, 10), (-5, 0, 5), (None, -5, 0)]),
]
# Calibration (docs/scoring.md): on seed2020 at 31/12/2020 these bands give 93.99 % Tốt, 4.89 % Khá, 1.12 % TB,
# 0 % Yếu against seed 001's 94.39 / 4.15 / 1.39 / 0.06 (tolerance ±1 percentage point per grade).
# savings_growth: the band "≥ 0" includes an unchanged balance (a group saving nothing and withdrawing nothing).

UNIT = [
    ("nqh", "Tỷ lệ nợ quá hạn của hội", 20, "overdue_ratio", L, "%", "Đôn đốc thu hồi nợ quá hạn",
     [(None, 1, 20), (1, 2, 15), (2, 3, 8), (3, 5, 3), (5, None, 0)]),
    ("khd3t", "Món vay 3 tháng không hoạt động", 15, "inactive_3m_share", L, "%",
     "Kiểm tra, đôn đốc các món vay 3 tháng không giao dịch",
     [(None, D("0.5"), 15), (D("0.5"), 1, 10), (1, 2, 5), (2, None, 0)]),
    ("hd_tiet_kiem", "Hoạt động tiết kiệm của các tổ", 10, "group_savings_share", H, "%",
     "Vận động các tổ thu tiết kiệm hằng tháng",
     [(90, None, 10), (70, 90, 6), (50, 70, 3), (None, 50, 0)]),
    ("xep_loai_to", "Tổ xếp loại Tốt và Khá", 20, "good_fair_group_share", H, "%",
     "Củng cố các tổ xếp loại Trung bình, Yếu",
     [(95, None, 20), (90, 95, 15), (80, 90, 8), (None, 80, 0)]),
    ("kiem_tra", "Công tác kiểm tra (mục tiêu theo 727 đã nhập vào hệ thống)", 20, "inspection_coverage", H, "%",
     "Nhập kết quả kiểm tra vào hệ thống",
     [(100, None, 20), (90, 100, 15), (75, 90, 10), (50, 75, 5), (None, 50, 0)]),
    ("giao_ban", "Dự giao ban tại điểm giao dịch", 10, "briefing_attendance", H, "%",
     "Cán bộ hội dự đủ các buổi giao ban tại điểm giao dịch xã",
     [(100, None, 10), (75, 100, 6), (50, 75, 3), (None, 50, 0)]),
    ("tap_huan", "Tập huấn trong 12 tháng", 5, "trainings_12m", H, "buổi",
     "Cử cán bộ dự tập huấn nghiệp vụ ủy thác", [(1, None, 5), (None, 1, 0)]),
]

ROLLUP = [
    ("nqh", "Tỷ lệ nợ quá hạn", 30, "overdue_ratio", L, "%", "Đôn đốc thu hồi nợ quá hạn",
     [(None, D("0.5"), 30), (D("0.5"), 1, 25), (1, 2, 18), (2, 3, 10), (3, None, 0)]),
    ("khd3t", "Món vay 3 tháng không hoạt động", 15, "inactive_3m_share", L, "%",
     "Xử lý các món vay 3 tháng không giao dịch",
     [(None, D("0.5"), 15), (D("0.5"), 1, 10), (1, 2, 5), (2, None, 0)]),
    ("thu_lai", "Tỷ lệ thu lãi", 20, "interest_collection_ratio", H, "%", "Thu lãi đầy đủ, giảm lãi tồn",
     [(95, None, 20), (90, 95, 15), (80, 90, 8), (None, 80, 0)]),
    ("chat_luong_to", "Tổ xếp loại Tốt và Khá", 25, "good_fair_group_share", H, "%",
     "Củng cố các tổ xếp loại Trung bình, Yếu",
     [(95, None, 25), (90, 95, 18), (80, 90, 10), (None, 80, 0)]),
    ("thu_no", "Thu nợ đến hạn", 10, "principal_due_collected_ratio", H, "%", "Thu đủ nợ gốc đến hạn",
     [(98, None, 10), (90, 98, 6), (None, 90, 0)]),
]

RUBRICS = [
    ("GROUP", "Chấm điểm Tổ TK&VV hằng tháng (6 tiêu chí, tạm tính)", GROUP_SOURCE, "M", GROUP),
    ("COMMUNE_ASSOCIATION", "Đánh giá hội đoàn thể cấp xã (100 điểm, tạm tính)", UNIT_SOURCE, "U", UNIT),
    ("COMMUNE", "Chỉ số chất lượng tín dụng cấp xã (tạm tính)", ROLLUP_SOURCE, "U", ROLLUP),
    ("OFFICE", "Chỉ số chất lượng tín dụng cấp phòng giao dịch (tạm tính)", ROLLUP_SOURCE, "U", ROLLUP),
    ("PROVINCE", "Chỉ số chất lượng tín dụng cấp tỉnh (tạm tính)", ROLLUP_SOURCE, "U", ROLLUP),
]


def _bound(value):
    return None if value is None else D(value)


def seed(apps, schema_editor):
    Rubric = apps.get_model("scoring", "Rubric")
    Criterion = apps.get_model("scoring", "Criterion")
    Band = apps.get_model("scoring", "Band")
    for subject, name, source, confidence, criteria in RUBRICS:
        rubric = Rubric.objects.create(
            subject=subject, version=1, name=name, status="ACTIVE", effective_from=START, source_document=source,
            confidence=confidence, provisional=True, total_points=D(100), good_from=D(85), fair_from=D(70),
            average_from=D(50),
        )
        for order, (code, cname, max_points, fact, direction, unit, hint, bands) in enumerate(criteria, start=1):
            criterion = Criterion.objects.create(
                rubric=rubric, order=order, code=code, name=cname, max_points=D(max_points), fact_key=fact,
                direction=direction, unit=unit, action_hint=hint,
            )
            lower_better = direction == L
            for lower, upper, points in bands:
                Band.objects.create(
                    criterion=criterion, lower=_bound(lower), upper=_bound(upper), points=D(points),
                    lower_inclusive=not lower_better, upper_inclusive=lower_better,
                )


def unseed(apps, schema_editor):
    apps.get_model("scoring", "Rubric").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
