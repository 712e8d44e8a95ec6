"""Debts due next month by group ("thông báo nợ đến hạn"): the principal installments falling due in the month after
the period, of the loans with a balance at the period end, grouped by group with a subtotal per group — what each
leader must remind members of at the next session. Amounts in đồng.

From the installment schedule (``loans.Installment``: ``due_on`` already moved by any 08/TD adjustment or
extension): "Gốc phải trả" is the installment's principal, "Còn phải trả" what is unpaid when the report is run
(a member may have paid ahead). Pages hold whole groups (100 groups a page), so a subtotal is never split."""

from __future__ import annotations

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from uythac.closing.models import LoanSnapshot
from uythac.loans.models import Installment
from uythac.reports.monthly import base
from uythac.reports.monthly.base import COUNT, DATE, TEXT, VND, Column, MonthlyReport, Section
from uythac.reports.monthly.bc0437 import HAS_BALANCE
from uythac.reports.monthly.cli import entry

KIND = "due-next-month"


def columns() -> list[Column]:
    return [
        Column("group_code", _("Mã tổ"), TEXT, 9),
        Column("leader", _("Tên tổ trưởng"), TEXT, 18),
        Column("customer_code", _("Mã khách hàng"), TEXT, 12),
        Column("customer_name", _("Tên khách hàng"), TEXT, 22),
        Column("loan_number", _("Số khế ước"), TEXT, 18),
        Column("installment", _("Kỳ số"), COUNT, 6),
        Column("due_on", _("Ngày đến hạn"), DATE, 11),
        Column("principal", _("Gốc phải trả"), VND, 14),
        Column("unpaid", _("Còn phải trả"), VND, 14),
    ]


def installments(query: base.Query):
    following = query.period.next()
    loans = LoanSnapshot.objects.filter(query.snapshot_filter(), HAS_BALANCE, period=str(query.period))
    return Installment.objects.filter(
        loan_id__in=loans.values("loan_id"), due_on__gte=following.first_day, due_on__lte=following.last_day
    )


def _sums(found) -> dict:
    sums = found.aggregate(principal=Sum("principal"), paid=Sum("principal_paid"), n=Count("id"))
    principal, paid = int(sums["principal"] or 0), int(sums["paid"] or 0)
    return {"principal": principal, "unpaid": principal - paid, "n": sums["n"]}


def build(query: base.Query) -> MonthlyReport:
    found = installments(query)
    groups = list(found.order_by("loan__group__code").values_list("loan__group_id", flat=True).distinct())
    offset, limit, page, pages = base.page_of(query, len(groups))
    shown = groups[offset : offset + limit]
    where = Q(loan__group_id__in=[g for g in shown if g is not None])
    if None in shown:
        where |= Q(loan__group__isnull=True)
    items = list(
        found.filter(where)
        .order_by("loan__group__code", "loan__household__name", "loan__loan_number", "number")
        .values(
            "loan__group_id",
            "loan__group__code",
            "loan__household__customer_code",
            "loan__household__name",
            "loan__loan_number",
            "number",
            "due_on",
            "principal",
            unpaid=F("principal") - F("principal_paid"),
        )
    )
    leaders = base.leaders_on([g for g in shown if g is not None], query.end)
    rows, current, subtotal = [], object(), None
    for item in items:
        group = item["loan__group_id"]
        if group != current:
            if subtotal is not None:
                rows.append(subtotal)
            current = group
            code = item["loan__group__code"] or ""
            subtotal = {
                "group_code": "",
                "customer_name": code,
                "principal": 0,
                "unpaid": 0,
                "_count": 0,
                "_bold": True,
            }
        subtotal["principal"] += item["principal"]
        subtotal["unpaid"] += item["unpaid"]
        subtotal["_count"] += 1
        rows.append(
            {
                "group_code": item["loan__group__code"] or "",
                "leader": leaders.get(group, ""),
                "customer_code": item["loan__household__customer_code"],
                "customer_name": item["loan__household__name"],
                "loan_number": item["loan__loan_number"],
                "installment": item["number"],
                "due_on": item["due_on"],
                "principal": item["principal"],
                "unpaid": item["unpaid"],
            }
        )
    if subtotal is not None:
        rows.append(subtotal)
    for row in rows:
        if row.get("_bold"):  # a subtotal: its label says the group and how many installments it sums
            names = {"code": row["customer_name"], "count": row.pop("_count")}
            row["customer_name"] = (
                _("Cộng tổ %(code)s (%(count)s kỳ hạn)") % names
                if names["code"]
                else _("Cộng vay trực tiếp (%(count)s kỳ hạn)") % names
            )
    sums = _sums(found)
    following = query.period.next()
    return MonthlyReport(
        kind=KIND,
        title=_("DANH SÁCH NỢ ĐẾN HẠN THÁNG %(month)s THEO TỔ — %(place)s")
        % {"month": following.last_day.strftime("%m/%Y"), "place": base.title_place(query)},
        unit=_("Đơn vị: đồng"),
        scope=query.scope,
        period=query.period,
        sections=[
            Section(
                "installments",
                _("Kỳ hạn trả nợ gốc đến hạn"),
                columns(),
                rows,
                {
                    "group_code": _("Tổng cộng (%(groups)s tổ, %(count)s kỳ hạn)")
                    % {"groups": len(groups), "count": sums["n"]},
                    "principal": sums["principal"],
                    "unpaid": sums["unpaid"],
                },
                len(groups),
            )
        ],
        filters=base.scope_filters(query),
        page=page,
        pages=pages,
        notes=[
            _("Kỳ hạn đến hạn từ %(first)s đến %(last)s; «Còn phải trả» tính đến lúc lập báo cáo.")
            % {"first": following.first_day.strftime("%d/%m/%Y"), "last": following.last_day.strftime("%d/%m/%Y")}
        ],
    )


add_arguments, run = entry(KIND)
