"""The loan lists (Mẫu 14, overdue list, frozen loans expiring): loan snapshots of the period in the scope, one page
at a time (a province's list may hold tens of thousands of loans: the database pages, Python never holds them all
for the HTML page), with the master data the bank's columns print (customer, group, leader, transaction point).

One catalogue of columns (``COLUMNS``) in the bank's words, each report picking its columns in the bank's order."""

from __future__ import annotations

from django.db.models import F, Q, Sum
from django.utils.translation import gettext as _

from uythac.closing.models import LoanSnapshot
from uythac.reports.monthly import base
from uythac.reports.monthly.base import COUNT, DATE, TEXT, VND, Column

_VALUES = {
    "office_code": "office__code",
    "commune_code": "commune__code",
    "commune_name": "commune__name",
    "village_code": "household__village__code",
    "village_name": "household__village__name",
    "point_code": "loan__transaction_point__code",
    "point_name": "loan__transaction_point__name",
    "organization_code": "organization_code",
    "organization_name": "association_unit__organization__name",
    "group_id": "group_id",
    "group_code": "group__code",
    "customer_code": "household__customer_code",
    "customer_name": "household__name",
    "loan_id": "loan_id",
    "loan_number": "loan_number",
    "disbursed_on": "loan__disbursed_on",
    "contract_maturity": "loan__contract_maturity",
    "current_maturity": "loan__current_maturity",
    "program_code": "program_code",
    "program_name": "program__name",
    "capital_source": "loan__capital_source",
    "current": "principal_current",
    "overdue": "principal_overdue",
    "frozen": "principal_frozen",
    "interest_collected": "interest_collected",
    "overdue_transferred": "overdue_transferred",
    "last_transaction_on": "last_transaction_on",
    "frozen_on": "loan__frozen_on",
    "frozen_until": "loan__frozen_until",
}
#: Amounts a list's total row sums (over every page).
SUMMED = (
    "outstanding",
    "current",
    "overdue",
    "frozen",
    "interest_arrears",
    "interest_collected",
    "overdue_transferred",
)


def COLUMNS() -> dict[str, Column]:  # noqa: N802 — translated per request language
    columns = [
        Column("office_code", _("Mã PGD"), TEXT, 9),
        Column("commune_code", _("Mã xã"), TEXT, 8),
        Column("commune_name", _("Tên xã"), TEXT, 16),
        Column("village_code", _("Mã thôn/ấp"), TEXT, 10),
        Column("village_name", _("Thôn"), TEXT, 14),
        Column("point_code", _("Mã điểm GDX"), TEXT, 10),
        Column("point_name", _("Tên điểm GDX"), TEXT, 16),
        Column("organization_code", _("ĐVUT"), TEXT, 6),
        Column("organization_name", _("Tên ĐVUT"), TEXT, 16),
        Column("group_code", _("Mã tổ"), TEXT, 9),
        Column("leader", _("Tên tổ trưởng"), TEXT, 18),
        Column("customer_code", _("Mã khách hàng"), TEXT, 12),
        Column("customer_name", _("Tên khách hàng"), TEXT, 20),
        Column("loan_number", _("Số khế ước"), TEXT, 18),
        Column("disbursed_on", _("Ngày giải ngân đầu tiên"), DATE, 11),
        Column("contract_maturity", _("Ngày đến hạn gốc"), DATE, 11),
        Column("current_maturity", _("Ngày đến hạn GH"), DATE, 11),
        Column("program_code", _("Chương trình"), TEXT, 8),
        Column("program_name", _("Tên chương trình"), TEXT, 22),
        Column("capital_source", _("Nguồn vốn"), TEXT, 7),
        Column("outstanding", _("Tổng dư nợ"), VND, 14),
        Column("current", _("Dư nợ trong hạn"), VND, 14),
        Column("overdue", _("Dư nợ quá hạn"), VND, 14),
        Column("frozen", _("Dư nợ khoanh"), VND, 14),
        Column("overdue_transferred", _("Chuyển QH trong tháng"), VND, 14),
        Column("overdue_since", _("Ngày chuyển quá hạn"), DATE, 11),
        Column("days_overdue", _("Số ngày quá hạn"), COUNT, 8),
        Column("last_transaction_on", _("Ngày giao dịch gần nhất"), DATE, 11),
        Column("interest_collected", _("Lãi đã thu trong tháng"), VND, 12),
        Column("interest_arrears", _("Lãi tồn"), VND, 12),
        Column("frozen_on", _("Ngày hiệu lực"), DATE, 11),
        Column("frozen_until", _("Ngày hết hạn khoanh"), DATE, 11),
        Column("months_left", _("Số tháng còn lại"), COUNT, 8),
    ]
    return {column.key: column for column in columns}


def pick(*keys: str) -> list[Column]:
    catalogue = COLUMNS()
    return [catalogue[key] for key in keys]


def snapshots(query: base.Query, where: Q):
    return LoanSnapshot.objects.filter(query.snapshot_filter(), where, period=str(query.period))


def fetch(query: base.Query, where: Q, order: tuple[str, ...]) -> tuple[list[dict], dict, int, int, int]:
    """(rows of the page, totals over every page, row count, page, pages); rows carry every catalogue key."""
    found = snapshots(query, where)
    count = found.count()
    offset, limit, page, pages = base.page_of(query, count)
    arrears = F("interest_arrears_in_term") + F("interest_arrears_overdue") + F("interest_arrears_grace")
    shown = list(
        found.order_by(*order)
        .annotate(
            outstanding_value=F("principal_current") + F("principal_overdue") + F("principal_frozen"),
            arrears_value=arrears,
        )
        .values(
            "outstanding_value",
            "arrears_value",
            *[key for key, path in _VALUES.items() if key == path],
            **{key: F(path) for key, path in _VALUES.items() if key != path},
        )[offset : offset + limit]
    )
    leaders = base.leaders_on([row["group_id"] for row in shown if row["group_id"]], query.end)
    rows = []
    for row in shown:
        row["outstanding"], row["interest_arrears"] = row.pop("outstanding_value"), row.pop("arrears_value")
        row["leader"] = leaders.get(row["group_id"], "")
        rows.append(row)
    sums = found.aggregate(
        current=Sum("principal_current"),
        overdue=Sum("principal_overdue"),
        frozen=Sum("principal_frozen"),
        interest_arrears=Sum(arrears),
        interest_collected=Sum("interest_collected"),
        overdue_transferred=Sum("overdue_transferred"),
    )
    totals = {key: int(value or 0) for key, value in sums.items()}
    totals["outstanding"] = totals["current"] + totals["overdue"] + totals["frozen"]
    return rows, totals, count, page, pages


def total_row(columns: list[Column], totals: dict, count: int) -> dict:
    """The "Tổng cộng" row: the list's sums in its money columns, the number of loans in the first column."""
    row = {columns[0].key: _("Tổng cộng (%(count)s món)") % {"count": count}}
    row.update({column.key: totals[column.key] for column in columns if column.key in SUMMED})
    return row
