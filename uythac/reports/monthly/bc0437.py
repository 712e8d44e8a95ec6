"""BC0437 — "THÔNG TIN TỔ TK&VV DO … QUẢN LÝ ĐẾN NGÀY dd/mm/yyyy" (shared/domain/export-formats.md §2.8): one row per
group of the scope (optionally one organization or one association unit), the bank's 28 columns in its order.

Sources (never raw postings): the group's month-end snapshot — balances, savings, the month's flows, its members on
the period end, and the member counts the close derives from its loans' snapshots of the period and of the two months
before (members with interest arrears, members who paid interest: ``closing.steps.aggregates.FLAGS``) — the board
terms on the period end (leader), the group's current score of the period (scoring app) and the grade it gave
(thresholds of the rubric: 85/70/50 by default, scoring-and-inspection.md §1.3).

Definitions where the bank's are not written down (provisional, documented in docs/reports.md):
* K "có nộp lãi trong 3 tháng gần nhất": members with a balance who paid interest in the group at least once in the
  closed months of the three ending with the period; L = I − K (paid nothing in those months). "Every month" was
  tried first and gave 0 everywhere on the demo data, where most interest is collected in one month of the quarter.
* M, N (savings participation per member in the last 3 months): the snapshots keep savings per group, not per member
  and month — shown "—" (None in JSON) rather than guessed.
* W = savings balance ÷ members; X = the month's deposits ÷ members (nghìn đồng), both rounded half up to the đồng.
* The "Tổng cộng" row is the sum of the rows: a member of two groups counts in both, as on the bank's sheet.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from uythac.closing.models import GroupSnapshot
from uythac.reports.entrustment_types import round_half_up
from uythac.reports.monthly import base
from uythac.reports.monthly.base import COUNT, MILLION, PCT, TEXT, THOUSAND, Column, MonthlyReport, Section
from uythac.reports.monthly.cli import entry
from uythac.scoring.models import Grade, Score, Subject

KIND = "bc0437"
HAS_BALANCE = Q(principal_current__gt=0) | Q(principal_overdue__gt=0) | Q(principal_frozen__gt=0)
SUMMED = (
    "outstanding",
    "principal_overdue",
    "principal_frozen",
    "interest_arrears_in_term",
    "interest_arrears_overdue",
    "interest_arrears_grace",
    "savings_balance",
    "savings_deposited",
    "borrowing_households",
    "savings_members",
    "members_paid_interest_3m",
    "members_with_interest_arrears",
    "members_with_grace_arrears",
    "members",
)


def columns() -> list[Column]:
    return [
        Column("office_code", _("Mã PGD"), TEXT, 9),
        Column("commune_code", _("Mã xã"), TEXT, 8),
        Column("commune_name", _("Tên xã"), TEXT, 16),
        Column("organization_code", _("Mã ĐVUT"), TEXT, 8),
        Column("organization_name", _("Tên ĐVUT"), TEXT, 16),
        Column("group_code", _("Mã tổ"), TEXT, 9),
        Column("leader", _("Tên tổ trưởng"), TEXT, 18),
        Column("members", _("Số tổ viên"), COUNT, 7),
        Column("members_with_balance", _("Số tổ viên còn dư nợ"), COUNT, 8),
        Column("members_saving", _("Số tổ viên có gửi tiết kiệm"), COUNT, 8),
        Column("members_paid_interest_3m", _("Số tổ viên có nộp lãi trong 3 tháng gần nhất"), COUNT, 9),
        Column("members_not_paid_interest_3m", _("Số tổ viên không nộp lãi đầy đủ trong 3 tháng gần nhất"), COUNT, 9),
        Column("members_saved_3m", _("Số tổ viên có tham gia gửi tiết kiệm trong 3 tháng gần nhất"), COUNT, 9),
        Column(
            "members_not_saved_3m", _("Số tổ viên không tham gia gửi tiết kiệm đầy đủ trong 3 tháng gần nhất"), COUNT, 9
        ),
        Column("outstanding", _("Tổng dư nợ (triệu đồng)"), MILLION, 11),
        Column("overdue", _("Dư nợ quá hạn (triệu đồng)"), MILLION, 10),
        Column("overdue_ratio", _("Tỷ lệ NQH (%)"), PCT, 7),
        Column("frozen", _("Dư nợ khoanh (triệu đồng)"), MILLION, 10),
        Column("frozen_ratio", _("Tỷ lệ nợ khoanh (%)"), PCT, 7),
        Column("interest_arrears", _("Lãi tồn (triệu đồng)"), MILLION, 9),
        Column("interest_arrears_grace", _("Lãi tồn ân hạn (triệu đồng)"), MILLION, 9),
        Column("savings", _("Số dư tiết kiệm (triệu đồng)"), MILLION, 10),
        Column("savings_per_member", _("Mức tiền gửi bình quân/tổ viên (triệu đồng)"), MILLION, 10),
        Column("deposit_per_member_month", _("Mức tiền gửi bình quân/tổ viên/tháng (ngàn đồng)"), THOUSAND, 10),
        Column("members_with_arrears", _("Số tổ viên có lãi tồn"), COUNT, 8),
        Column("members_with_grace_arrears", _("Số tổ viên có lãi tồn ân hạn"), COUNT, 8),
        Column("score", _("Kết quả chấm điểm tổ tháng gần nhất"), PCT, 9),
        Column("grade", _("Xếp loại"), TEXT, 10),
    ]


def _per_member(amount: int, members: int) -> int | None:
    return int(round_half_up(Decimal(amount) / members, 0)) if members else None


def _measures(values: dict) -> dict:
    """The measure columns of one group (or of the total) from its summed snapshot values."""
    borrowers, paid, members = values["borrowing_households"], values["members_paid_interest_3m"], values["members"]
    return {
        "members": members,
        "members_with_balance": borrowers,
        "members_saving": values["savings_members"],
        "members_paid_interest_3m": paid,
        "members_not_paid_interest_3m": borrowers - paid,
        "members_saved_3m": None,
        "members_not_saved_3m": None,
        "outstanding": values["outstanding"],
        "overdue": values["principal_overdue"],
        "overdue_ratio": base.percent(values["principal_overdue"], values["outstanding"]),
        "frozen": values["principal_frozen"],
        "frozen_ratio": base.percent(values["principal_frozen"], values["outstanding"]),
        "interest_arrears": values["interest_arrears_in_term"] + values["interest_arrears_overdue"],
        "interest_arrears_grace": values["interest_arrears_grace"],
        "savings": values["savings_balance"],
        "savings_per_member": _per_member(values["savings_balance"], members),
        "deposit_per_member_month": _per_member(values["savings_deposited"], members),
        "members_with_arrears": values["members_with_interest_arrears"],
        "members_with_grace_arrears": values["members_with_grace_arrears"],
    }


def build(query: base.Query) -> MonthlyReport:
    snapshots = GroupSnapshot.objects.filter(query.snapshot_filter(), period=str(query.period))
    count = snapshots.count()
    offset, limit, page, pages = base.page_of(query, count)
    shown = list(
        snapshots.order_by("commune__code", "organization_code", "group__code").values(
            "group_id",
            "group__code",
            "commune__code",
            "commune__name",
            "office__code",
            "organization_code",
            "association_unit__organization__name",
            *SUMMED,
        )[offset : offset + limit]
    )
    # An export takes every row: the related queries select by the snapshots' subquery rather than an id list.
    ids = [row["group_id"] for row in shown] if query.page is not None else snapshots.values("group_id")
    leaders = base.leaders_on(ids, query.end)
    scores = {
        sid: (total, grade)
        for sid, total, grade in Score.objects.filter(
            subject=Subject.GROUP,
            period=str(query.period),
            is_current=True,
            subject_id__in=ids,
        ).values_list("subject_id", "total", "grade")
    }
    rows = []
    for row in shown:
        gid = row["group_id"]
        score, grade = scores.get(gid, (None, None))
        rows.append(
            {
                "office_code": row["office__code"],
                "commune_code": row["commune__code"],
                "commune_name": row["commune__name"],
                "organization_code": row["organization_code"],
                "organization_name": row["association_unit__organization__name"],
                "group_code": row["group__code"],
                "leader": leaders.get(gid, ""),
                **_measures(row),
                "score": score,
                "grade": str(Grade(grade).label) if grade else None,
            }
        )
    sums = {key: int(value or 0) for key, value in snapshots.aggregate(**{k: Sum(k) for k in SUMMED}).items()}
    # The total is the sum of the rows (a household in two groups counts in both, as on the bank's sheet).
    total = {"office_code": _("Tổng cộng"), **_measures(sums)}
    place = base.title_place(query)
    return MonthlyReport(
        kind=KIND,
        title=_("THÔNG TIN TỔ TK&VV DO %(place)s QUẢN LÝ ĐẾN NGÀY %(day)s")
        % {"place": place, "day": query.end.strftime("%d/%m/%Y")},
        unit=_("Đơn vị: triệu đồng (mức tiền gửi bình quân/tổ viên/tháng: ngàn đồng)"),
        scope=query.scope,
        period=query.period,
        sections=[Section("groups", _("Tổ TK&VV"), columns(), rows, total, count)],
        filters=base.scope_filters(query),
        page=page,
        pages=pages,
        notes=[
            _(
                "Cột «tham gia gửi tiết kiệm trong 3 tháng gần nhất» để trống: số liệu khóa sổ chỉ giữ tiền gửi "
                "theo tổ, chưa theo từng tổ viên và từng tháng."
            ),
            _(
                "Tổ viên «có nộp lãi trong 3 tháng gần nhất»: tổ viên còn dư nợ có nộp lãi qua tổ ít nhất một lần "
                "trong các tháng đã khóa sổ của 3 tháng gần nhất (tạm tính)."
            ),
            _("Dòng «Tổng cộng» là tổng các dòng: tổ viên tham gia hai tổ được tính ở cả hai tổ."),
        ],
    )


add_arguments, run = entry(KIND)
