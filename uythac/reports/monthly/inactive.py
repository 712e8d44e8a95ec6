"""Mẫu 14 — "14. Sao kê món vay 3 tháng không hoạt động (DL Tháng)" (export-formats.md §2.5): the loans the period's
close flagged inactive for 3 months (``LoanSnapshot.is_inactive_3m``, rule in scoring-and-inspection.md §4), in the
bank's column order, amounts in đồng. Not printed (no data in uythac): Mã CN, Mã sản phẩm, Ngày đăng ký khoản vay,
Ngày đến hạn GDXA."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.reports.monthly import base, loan_lists
from uythac.reports.monthly.base import MonthlyReport, Section
from uythac.reports.monthly.cli import entry

KIND = "inactive"
ORDER = ("commune__code", "group__code", "loan_number")


def columns():
    return loan_lists.pick(
        "office_code",
        "village_code",
        "point_code",
        "point_name",
        "organization_code",
        "group_code",
        "leader",
        "customer_code",
        "customer_name",
        "loan_number",
        "disbursed_on",
        "contract_maturity",
        "current_maturity",
        "program_code",
        "outstanding",
        "current",
        "overdue",
        "frozen",
        "last_transaction_on",
        "interest_collected",
        "interest_arrears",
    )


def build(query: base.Query) -> MonthlyReport:
    rows, totals, count, page, pages = loan_lists.fetch(query, Q(is_inactive_3m=True), ORDER)
    cols = columns()
    return MonthlyReport(
        kind=KIND,
        title=_("SAO KÊ MÓN VAY 3 THÁNG KHÔNG HOẠT ĐỘNG — %(place)s — THÁNG %(month)s")
        % {"place": base.title_place(query), "month": query.end.strftime("%m/%Y")},
        unit=_("Đơn vị: đồng"),
        scope=query.scope,
        period=query.period,
        sections=[
            Section(
                "loans",
                _("Món vay 3 tháng không hoạt động"),
                cols,
                rows,
                loan_lists.total_row(cols, totals, count),
                count,
            )
        ],
        filters=base.scope_filters(query),
        page=page,
        pages=pages,
    )


add_arguments, run = entry(KIND)
