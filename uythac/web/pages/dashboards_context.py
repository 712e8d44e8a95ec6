"""The context of a dashboard (home page and drill-down pages): KPI cards, trend charts, breakdowns, children.

Everything is read through ``uythac.reports.dashboard`` (month-end snapshots only); this module only formats.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.reports.charts import Series, bar_chart, format_number, line_chart
from uythac.reports.dashboard import (
    BANDS,
    available_periods,
    children,
    commune_table,
    kpis,
    node_figures,
    organization_rows,
    period_label,
    resolve_period,
    sort_rows,
    total,
    trend,
    trend_periods,
)
from uythac.reports.dashboard_extras import grade_distribution, inspection_coverage
from uythac.reports.dashboard_nodes import GROUP, LINKED_KINDS, Node

URL_NAMES = {kind: f"dashboard-{kind}" for kind in LINKED_KINDS}


def node_url(kind: str, code: str) -> str | None:
    if kind == "household":
        return reverse("household-detail", args=[code])
    name = URL_NAMES.get(kind)
    return reverse(name, args=[code]) if name else None


def shown(value, kind: str) -> str:
    """A value as text: "1.234.567 đ" (vnd), "1.234" (count), "0,125%" (percent), "77,94%" (share); "—" if None."""
    if value is None:
        return "—"
    if kind == "vnd":
        return f"{format_number(value)} đ"
    if kind == "percent":
        return f"{format_number(value, 3)}%"
    if kind == "share":  # shares and growth rates: 2 places
        return f"{format_number(value, 2)}%"
    return format_number(value)


def signed(value, kind: str) -> str:
    """A change with its sign: "+1.000 đ", "−0,050%" (a true minus sign), "0"."""
    if value is None:
        return ""
    text = shown(abs(value), kind)
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text


def child_title(kind: str) -> str:
    titles = {
        "country": _("Tỉnh/thành phố"), "province": _("Phòng giao dịch"), "office": _("Xã/phường"),
        "communes": _("Xã/phường"), "commune": _("Đơn vị hội nhận ủy thác"), "unit": _("Tổ TK&VV"),
        "group": _("Hộ vay"),
    }
    return titles[kind]


def sort_headers(query: dict, current: str, *, savings: bool) -> list[dict]:
    columns = [
        ("code", _("Mã"), False), ("name", _("Tên"), False), ("outstanding", _("Dư nợ"), True),
        ("change", _("Thay đổi so với tháng trước"), True), ("overdue", _("Nợ quá hạn"), True),
        ("ratio", _("Tỷ lệ NQH"), True), ("inactive", _("Món 3 tháng không hoạt động"), True),
        ("inactive_amount", _("Dư nợ 3 tháng không hoạt động"), True), ("households", _("Hộ còn dư nợ"), True),
    ]
    if savings:
        columns.append(("savings", _("Tiền gửi tổ viên"), True))
    headers = []
    for key, label, numeric in columns:
        descending = current == key  # a second click on the sorted column reverses it
        value = f"-{key}" if descending else key
        state = "ascending" if current == key else "descending" if current == f"-{key}" else "none"
        headers.append({"key": key, "label": label, "numeric": numeric, "state": state,
                        "url": "?" + urlencode({**query, "sort": value})})
    return headers


def child_cells(row, *, savings: bool) -> dict:
    ratio = row.overdue_ratio
    return {
        "row": row, "url": node_url(row.kind, row.code), "band": row.band,
        "outstanding": shown(row.values["outstanding"], "vnd"),
        "change": signed(row.outstanding_change, "vnd"),
        "overdue": shown(row.values["principal_overdue"], "vnd"),
        "ratio": shown(ratio, "percent") if ratio is not None else "—",
        "inactive": shown(row.values["inactive_3m_loans"], "count"),
        "inactive_amount": shown(row.values["inactive_3m_amount"], "vnd"),
        "households": shown(row.values["borrowing_households"], "count"),
        "savings": shown(row.values["savings_balance"], "vnd") if savings else None,
    }


def charts(series) -> list:
    return [
        bar_chart("trend-outstanding", series.labels, series.outstanding_millions,
                  title=_("Dư nợ 24 tháng (triệu đồng)"), series_label=_("Dư nợ"), unit=" " + _("triệu đ"),
                  places=1),
        line_chart("trend-overdue", series.labels, [Series(_("Tỷ lệ nợ quá hạn"), series.overdue_ratio)],
                   title=_("Tỷ lệ nợ quá hạn 24 tháng (%)"), unit="%", places=3),
        line_chart("trend-inactive", series.labels,
                   [Series(_("Món vay 3 tháng không hoạt động"), series.inactive_loans)],
                   title=_("Món vay 3 tháng không hoạt động, 24 tháng"), places=0),
    ]


def dashboard_context(request, node: Node) -> dict:
    """The dashboard of ``node`` for the period chosen in ``?period=`` (default: the newest close)."""
    periods = available_periods(node)
    context = {"node": node, "periods": [(p, period_label(p)) for p in periods], "error": None,
               "compare_url": reverse("dashboard-compare") + ("?" + urlencode({"scope": node.key}) if node.key else ""),
               "bands": [(key, label) for key, _low, label in BANDS]}
    try:
        period = resolve_period(node, request.GET.get("period"), periods)
    except DomainError as error:
        context["error"] = error.text()
        period = periods[0] if periods else None
    if period is None:
        return context
    window = trend_periods(period)
    figures = node_figures(node, window)
    previous = window[-2] if window[-2] in figures else None
    current_values, previous_values = total(figures, period), total(figures, previous)
    cards = [{"kpi": kpi, "value": shown(kpi.value, kpi.kind), "change": signed(kpi.change, kpi.kind)}
             for kpi in kpis(current_values, previous_values, group_level=node.kind == GROUP)]
    # Inspection coverage is computed live from loans and inspection records (not a month-end snapshot): a few
    # hundred milliseconds for a province, so only when asked for (?coverage=1), never on the default page.
    context["coverage_url"] = "?" + urlencode({"period": period, "coverage": 1})
    coverage = inspection_coverage(node, request.user, period) if request.GET.get("coverage") == "1" else None
    context["coverage"] = coverage and {
        "value": shown(coverage.ratio, "share"), "covered": shown(coverage.covered, "count"),
        "targets": shown(coverage.targets, "count"), "provisional": coverage.provisional}
    context["grades"] = [
        {"grade": grade, "count": shown(grade.count, "count"), "change": signed(grade.change, "count"),
         "share": shown(grade.share, "share") if grade.share is not None else "—"}
        for grade in grade_distribution(node, period, previous)
    ]
    savings = node.kind != GROUP
    rows, sort = sort_rows(children(node, period, previous), request.GET.get("sort"))
    query = {"period": period}
    organizations = [
        {"row": row, "outstanding": shown(row.values["outstanding"], "vnd"),
         "share": shown(row.share, "share") if row.share is not None else "—",
         "overdue": shown(row.values["principal_overdue"], "vnd"),
         "ratio": shown(row.overdue_ratio, "percent") if row.overdue_ratio is not None else "—",
         "households": shown(row.values["borrowing_households"], "count"),
         "groups": shown(row.values["groups_with_balance"], "count"),
         "savings": shown(row.values["savings_balance"], "vnd")}
        for row in organization_rows(node, figures, period)
    ]
    context.update({
        "period": period, "period_label": period_label(period),
        "previous_label": period_label(previous) if previous else None,
        "kpi_cards": cards, "charts": charts(trend(figures, window)), "organizations": organizations,
        "children_title": child_title(node.kind), "sort": sort,
        "headers": sort_headers(query, sort, savings=savings), "savings_column": savings,
        "children": [child_cells(row, savings=savings) for row in rows],
        "communes": [child_cells(row, savings=True) for row in commune_table(node, period)],
    })
    return context
