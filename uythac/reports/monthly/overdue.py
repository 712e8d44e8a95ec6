"""Overdue list — "2. SAO KÊ DANH SÁCH NỢ QUÁ HẠN" (export-formats.md §2.6): loans with overdue principal at the period
end, with the group, its leader and how long the oldest overdue installment has been due.

"Ngày chuyển quá hạn" is the due date of the oldest installment moved to overdue and not fully paid back; "Số ngày
quá hạn" counts the days from it to the period end. Both read the installment schedule as it stands when the report
is run (the snapshots keep balances, not installments), so a report of an old month may show a later repayment.
Not printed: Chương trình VT, Số dư 105 (savings per customer is not in the loan snapshot)."""

from __future__ import annotations

from django.db.models import F, Min, Q
from django.utils.translation import gettext as _

from uythac.loans.models import Installment
from uythac.reports.monthly import base, loan_lists
from uythac.reports.monthly.base import MonthlyReport, Section
from uythac.reports.monthly.cli import entry

KIND = "overdue"
ORDER = ("commune__code", "group__code", "loan_number")


def columns():
    return loan_lists.pick(
        "office_code",
        "commune_code",
        "commune_name",
        "village_name",
        "point_code",
        "point_name",
        "group_code",
        "leader",
        "organization_code",
        "organization_name",
        "customer_code",
        "customer_name",
        "loan_number",
        "overdue",
        "overdue_transferred",
        "overdue_since",
        "days_overdue",
        "capital_source",
        "program_code",
        "program_name",
    )


def overdue_since(loan_ids, end) -> dict[int, object]:
    """The oldest due date, on or before ``end``, of an installment moved to overdue and not paid back."""
    found = (
        Installment.objects.filter(loan_id__in=loan_ids, due_on__lte=end, transferred_to_overdue__gt=0)
        .filter(principal_paid__lt=F("principal"))
        .values("loan_id")
        .annotate(first=Min("due_on"))
    )
    return {row["loan_id"]: row["first"] for row in found}


def build(query: base.Query) -> MonthlyReport:
    rows, totals, count, page, pages = loan_lists.fetch(query, Q(principal_overdue__gt=0), ORDER)
    since = overdue_since([row["loan_id"] for row in rows], query.end)
    for row in rows:
        row["overdue_since"] = since.get(row["loan_id"])
        row["days_overdue"] = (query.end - row["overdue_since"]).days if row["overdue_since"] else None
    cols = columns()
    return MonthlyReport(
        kind=KIND,
        title=_("SAO KÊ DANH SÁCH NỢ QUÁ HẠN — %(place)s — ĐẾN NGÀY %(day)s")
        % {"place": base.title_place(query), "day": query.end.strftime("%d/%m/%Y")},
        unit=_("Đơn vị: đồng"),
        scope=query.scope,
        period=query.period,
        sections=[
            Section("loans", _("Món vay có nợ quá hạn"), cols, rows, loan_lists.total_row(cols, totals, count), count)
        ],
        filters=base.scope_filters(query),
        page=page,
        pages=pages,
    )


add_arguments, run = entry(KIND)
