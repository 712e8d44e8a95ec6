"""BC0438 — "THÔNG TIN ỦY THÁC XÃ … ĐẾN NGÀY …" (export-formats.md §2.8): three parts, one row per commune × association
unit (③: × program), each with a recomputed "Tổng cộng" (the bank's came out as 0: a formula).

① entrustment received: villages with a balance of the unit's loans, villages of the commune, groups the unit manages
  (group snapshots of the period), borrowing households, outstanding, overdue, savings — sums of the group snapshots,
  so ① summed equals BC0437 summed per commune × association (the cross-check of alerts.md);
② group grades (the scoring app's current group scores of the period): Tốt / Khá / Trung bình / Yếu and their sum;
③ per program: customers with a balance, outstanding, overdue and frozen (amount, ratio), interest arrears and the
  loans inactive 3 months (Mẫu 14) — the unit's program lines the close sums from its loans' snapshots
  (``UnitProgramSnapshot``; villages with a balance likewise on ``UnitSnapshot``).
Amounts in đồng (JSON: VND), ratios % with 2 places. Direct loans (no association) are outside BC0438."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from uythac.closing.models import GroupSnapshot, UnitProgramSnapshot, UnitSnapshot
from uythac.geography.models import Village
from uythac.network.models import AssociationUnit, TransactionOffice
from uythac.programs.models import CreditProgram
from uythac.reports.monthly import base
from uythac.reports.monthly.base import COUNT, PCT, TEXT, VND, Column, MonthlyReport, Section
from uythac.reports.monthly.cli import entry
from uythac.scoring.models import Grade, Score, Subject

KIND = "bc0438"
GRADE_KEYS = {Grade.GOOD: "good", Grade.FAIR: "fair", Grade.AVERAGE: "average", Grade.WEAK: "weak"}


def _place_columns() -> list[Column]:
    return [
        Column("office_code", _("Mã PGD"), TEXT, 9),
        Column("commune_code", _("Mã xã"), TEXT, 8),
        Column("commune_name", _("Tên xã"), TEXT, 16),
        Column("organization_code", _("Mã ĐVUT"), TEXT, 8),
        Column("organization_name", _("Tên ĐVUT"), TEXT, 18),
    ]


def part_columns() -> tuple[list[Column], list[Column], list[Column]]:
    place = _place_columns()
    one = place + [
        Column("villages_with_balance", _("Số ấp có dư nợ do HĐT quản lý"), COUNT, 9),
        Column("villages", _("Số ấp trên địa bàn"), COUNT, 9),
        Column("groups", _("Tổng số tổ do HĐT quản lý"), COUNT, 9),
        Column("households", _("Tổng số khách hàng vay vốn do HĐT quản lý"), COUNT, 10),
        Column("outstanding", _("Tổng dư nợ do HĐT quản lý"), VND, 15),
        Column("overdue", _("Nợ quá hạn do HĐT quản lý"), VND, 14),
        Column("overdue_ratio", _("Tỷ lệ NQH (%)"), PCT, 7),
        Column("savings", _("Số dư tiết kiệm do HĐT quản lý"), VND, 14),
    ]
    two = (
        place
        + [Column("graded", _("Tổng số"), COUNT, 8)]
        + [Column(GRADE_KEYS[grade], str(label), COUNT, 8) for grade, label in Grade.choices]
    )
    three = place + [
        Column("program_name", _("Tên chương trình vay"), TEXT, 24),
        Column("customers", _("Số khách hàng"), COUNT, 9),
        Column("outstanding", _("Tổng dư nợ"), VND, 15),
        Column("overdue", _("Nợ quá hạn — Số tiền"), VND, 14),
        Column("overdue_ratio", _("Nợ quá hạn — Tỷ lệ (%)"), PCT, 7),
        Column("frozen", _("Nợ khoanh — Số tiền"), VND, 14),
        Column("frozen_ratio", _("Nợ khoanh — Tỷ lệ (%)"), PCT, 7),
        Column("interest_arrears", _("Lãi tồn"), VND, 12),
        Column("inactive_3m", _("Số món vay 3 tháng không hoạt động"), COUNT, 10),
    ]
    return one, two, three


def _places(unit_ids, office_ids) -> tuple[dict, dict]:
    units = {
        u["id"]: u
        for u in AssociationUnit.objects.filter(id__in=set(unit_ids)).values(
            "id", "organization__code", "organization__name", "commune__code", "commune__name"
        )
    }
    offices = dict(TransactionOffice.objects.filter(id__in=set(office_ids)).values_list("id", "code"))
    return units, offices


def _place(unit: dict, office_code: str, commune: tuple[str, str] | None = None) -> dict:
    code, name = commune or (unit["commune__code"], unit["commune__name"])
    return {
        "office_code": office_code,
        "commune_code": code,
        "commune_name": name,
        "organization_code": unit["organization__code"],
        "organization_name": unit["organization__name"],
    }


def _order(rows: list[dict], *extra: str) -> list[dict]:
    return sorted(
        rows,
        key=lambda r: (r["commune_code"] or "", r["organization_code"] or "", *(str(r.get(k) or "") for k in extra)),
    )


def _total(rows: list[dict], keys: tuple[str, ...], ratios: dict[str, str] | None = None) -> dict:
    total = {"office_code": _("Tổng cộng")}
    total.update({key: sum(row[key] or 0 for row in rows) for key in keys})
    for ratio, amount in (ratios or {}).items():
        total[ratio] = base.percent(total[amount], total["outstanding"])
    return total


def part_one(query: base.Query) -> list[dict]:
    groups = (
        GroupSnapshot.objects.filter(query.snapshot_filter(), period=str(query.period))
        .values("association_unit_id", "office_id", "commune__code", "commune__name", "commune_id")
        .annotate(
            groups=Count("group_id"),
            households=Sum("borrowing_households"),
            outstanding=Sum("outstanding"),
            overdue=Sum("principal_overdue"),
            savings=Sum("savings_balance"),
        )
    )
    groups = list(groups)
    villages_with_balance = dict(
        UnitSnapshot.objects.filter(
            period=str(query.period), association_unit_id__in={row["association_unit_id"] for row in groups}
        ).values_list("association_unit_id", "villages_with_balance")
    )
    villages = dict(
        Village.objects.filter(commune_id__in={row["commune_id"] for row in groups})
        .values("commune_id")
        .annotate(n=Count("id"))
        .values_list("commune_id", "n")
    )
    units, offices = _places([r["association_unit_id"] for r in groups], [r["office_id"] for r in groups])
    rows = []
    for row in groups:
        unit = units[row["association_unit_id"]]
        rows.append(
            {
                **_place(unit, offices.get(row["office_id"], ""), (row["commune__code"], row["commune__name"])),
                "villages_with_balance": villages_with_balance.get(row["association_unit_id"], 0),
                "villages": villages.get(row["commune_id"], 0),
                "groups": row["groups"],
                "households": int(row["households"] or 0),
                "outstanding": int(row["outstanding"] or 0),
                "overdue": int(row["overdue"] or 0),
                "overdue_ratio": base.percent(int(row["overdue"] or 0), int(row["outstanding"] or 0)),
                "savings": int(row["savings"] or 0),
            }
        )
    return _order(rows)


def part_two(query: base.Query) -> list[dict]:
    found = (
        Score.objects.filter(query.snapshot_filter(), subject=Subject.GROUP, period=str(query.period), is_current=True)
        .values("association_unit_id", "office_id", "grade")
        .annotate(n=Count("id"))
    )
    found = list(found)
    units, offices = _places([r["association_unit_id"] for r in found], [r["office_id"] for r in found])
    rows: dict[tuple, dict] = {}
    for row in found:
        key = (row["association_unit_id"], row["office_id"])
        if key not in rows:
            rows[key] = {
                **_place(units[key[0]], offices.get(key[1], "")),
                "graded": 0,
                **{name: 0 for name in GRADE_KEYS.values()},
            }
        rows[key][GRADE_KEYS[row["grade"]]] += row["n"]
        rows[key]["graded"] += row["n"]
    return _order(list(rows.values()))


def part_three(query: base.Query) -> list[dict]:
    found = list(
        UnitProgramSnapshot.objects.filter(query.snapshot_filter(), period=str(query.period)).values(
            "association_unit_id", "office_id", "commune__code", "commune__name", "program_code", "customers",
            "principal_current", "principal_overdue", "principal_frozen", "interest_arrears", "inactive_3m_loans",
        )
    )
    names = dict(CreditProgram.objects.values_list("code", "name"))
    units, offices = _places([r["association_unit_id"] for r in found], [r["office_id"] for r in found])
    rows = []
    for row in found:
        current, overdue, frozen = row["principal_current"], row["principal_overdue"], row["principal_frozen"]
        outstanding = current + overdue + frozen
        if not outstanding and not row["interest_arrears"]:
            continue  # a program whose loans were all repaid: nothing left to report
        rows.append(
            {
                **_place(
                    units[row["association_unit_id"]],
                    offices.get(row["office_id"], ""),
                    (row["commune__code"], row["commune__name"]),
                ),
                "program_code": row["program_code"],
                "program_name": names.get(row["program_code"], ""),
                "customers": row["customers"],
                "outstanding": outstanding,
                "overdue": overdue,
                "overdue_ratio": base.percent(overdue, outstanding),
                "frozen": frozen,
                "frozen_ratio": base.percent(frozen, outstanding),
                "interest_arrears": row["interest_arrears"],
                "inactive_3m": row["inactive_3m_loans"],
            }
        )
    return _order(rows, "program_code")


def build(query: base.Query) -> MonthlyReport:
    one, two, three = part_columns()
    rows_one, rows_two, rows_three = part_one(query), part_two(query), part_three(query)
    ratios = {"overdue_ratio": "overdue"}
    sections = [
        Section(
            "entrusted",
            _("① Dư nợ nhận ủy thác"),
            one,
            rows_one,
            _total(
                rows_one,
                ("villages_with_balance", "villages", "groups", "households", "outstanding", "overdue", "savings"),
                ratios,
            ),
            len(rows_one),
        ),
        Section(
            "grades",
            _("② Chấm điểm hoạt động nhận ủy nhiệm (số tổ theo xếp loại)"),
            two,
            rows_two,
            _total(rows_two, ("graded", *GRADE_KEYS.values())),
            len(rows_two),
        ),
        Section(
            "programs",
            _("③ Dư nợ nhận ủy thác theo chương trình"),
            three,
            rows_three,
            _total(
                rows_three,
                ("customers", "outstanding", "overdue", "frozen", "interest_arrears", "inactive_3m"),
                ratios | {"frozen_ratio": "frozen"},
            ),
            len(rows_three),
        ),
    ]
    # Villages are counted once per commune in the total, not once per association of the commune.
    sections[0].total["villages"] = sum({r["commune_code"]: r["villages"] for r in rows_one}.values())
    # On screen each part shows the page's slice of its rows (a province has ~1,800 program lines: rendering them
    # all took 0.3 s); the totals above cover every row, and an export (page None) takes them all.
    offset, limit, page, pages = base.page_of(query, max(len(section.rows) for section in sections))
    for section in sections:
        section.rows = section.rows[offset: offset + limit]
    return MonthlyReport(
        kind=KIND,
        title=_("THÔNG TIN ỦY THÁC %(place)s ĐẾN NGÀY %(day)s")
        % {"place": base.title_place(query), "day": query.end.strftime("%d/%m/%Y")},
        unit=_("Đơn vị: đồng, tổ, khách hàng"),
        scope=query.scope,
        period=query.period,
        sections=sections,
        filters=base.scope_filters(query),
        notes=[_("«Số khách hàng» theo chương trình đếm riêng từng chương trình: cộng lại không ra số hộ.")],
        page=page,
        pages=pages,
    )


add_arguments, run = entry(KIND)
