"""Frozen loans expiring — from "13. Danh sách nợ khoanh (DL Tháng)" (export-formats.md §2.6): loans with frozen
(khoanh) principal at the period end whose freeze ends (``Loan.frozen_until``, the first day no longer covered,
uythac/loans/freeze_expiry.py) within N months after the period end (default 3): the loans the bank must re-examine
— an additional freeze or a write-off is decided before the expiry (process.md §4). Amounts in đồng.
Not printed: Ngày GDXA, Nguyên nhân (the cause lives on the risk case, not in the snapshot)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.reports.monthly import base, loan_lists
from uythac.reports.monthly.base import MonthlyReport, Section
from uythac.reports.monthly.cli import entry

KIND = "frozen-expiring"
ORDER = ("loan__frozen_until", "commune__code", "loan_number")
DEFAULT_MONTHS = 3


def columns():
    return loan_lists.pick(
        "office_code",
        "point_code",
        "point_name",
        "commune_code",
        "commune_name",
        "customer_code",
        "customer_name",
        "group_code",
        "leader",
        "loan_number",
        "organization_code",
        "frozen",
        "frozen_on",
        "frozen_until",
        "months_left",
        "capital_source",
        "program_code",
        "program_name",
    )


def parse_months(value) -> int:
    try:
        months = int(str(DEFAULT_MONTHS if value in (None, "") else value).strip())
    except ValueError:
        months = 0
    if not 1 <= months <= 24:
        raise DomainError(_("Số tháng «%(value)s» không hợp lệ: chọn từ 1 đến 24.") % {"value": value}, field="months")
    return months


def build(query: base.Query, months=None) -> MonthlyReport:
    months = parse_months(months)
    start, until = query.end, query.period.add(months).last_day
    where = Q(principal_frozen__gt=0, loan__frozen_until__gt=start, loan__frozen_until__lte=until)
    rows, totals, count, page, pages = loan_lists.fetch(query, where, ORDER)
    for row in rows:
        ends = row["frozen_until"]
        row["months_left"] = (ends.year - start.year) * 12 + ends.month - start.month
    cols = columns()
    return MonthlyReport(
        kind=KIND,
        title=_("DANH SÁCH NỢ KHOANH HẾT HẠN TRONG %(months)s THÁNG TỚI — %(place)s — SAU NGÀY %(day)s")
        % {"months": months, "place": base.title_place(query), "day": start.strftime("%d/%m/%Y")},
        unit=_("Đơn vị: đồng"),
        scope=query.scope,
        period=query.period,
        sections=[
            Section(
                "loans",
                _("Món vay khoanh sắp hết hạn khoanh"),
                cols,
                rows,
                loan_lists.total_row(cols, totals, count),
                count,
            )
        ],
        filters=base.scope_filters(query) | {"months": months},
        page=page,
        pages=pages,
        notes=[
            _("Hết hạn khoanh từ %(first)s đến hết %(last)s.")
            % {"first": query.period.next().first_day.strftime("%d/%m/%Y"), "last": until.strftime("%d/%m/%Y")}
        ],
    )


add_arguments, run = entry(KIND, [("--months", {"default": "", "help": "Số tháng tới (mặc định 3)."}, "months")])
