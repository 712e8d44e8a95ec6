"""Monthly operational report pages: ``/reports/monthly/`` lists the six reports with period and scope pickers;
``/reports/monthly/<kind>/?period=YYYY-MM&scope=…&organization=…&unit=…&page=…`` shows one report a page (100 rows;
BC0438 whole); ``/reports/monthly/<kind>/export/?…&format=xlsx|json`` sends the whole report as a file.

Scope codes travel as GET parameters, as on /reports/entrustment/: a scope (or an association unit) outside the
user's reach answers 404 exactly like an unknown one; other bad input (bad period, month not closed) is a message
on the page with HTTP 400. The routes carry no URL parameter, so the permission matrix has nothing to fill."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uythac.core.exceptions import DomainError
from uythac.core.periods import Period
from uythac.network.models import Organization
from uythac.reports.entrustment import ScopeOutOfReach, default_scope_code, latest_closed_day
from uythac.reports.entrustment_types import ORGANIZATION_CODES
from uythac.reports.monthly import REPORTS, monthly_report
from uythac.reports.monthly.render import file_name, tables
from uythac.reports.monthly.render import render as render_report
from uythac.reports.render import CONTENT_TYPES

TITLES = {
    "bc0437": gettext_lazy("BC0437 — Thông tin tổ TK&VV do hội quản lý"),
    "bc0438": gettext_lazy("BC0438 — Thông tin ủy thác xã theo hội"),
    "inactive": gettext_lazy("Mẫu 14 — Món vay 3 tháng không hoạt động"),
    "overdue": gettext_lazy("Sao kê nợ quá hạn"),
    "due-next-month": gettext_lazy("Nợ đến hạn tháng sau theo tổ"),
    "frozen-expiring": gettext_lazy("Nợ khoanh sắp hết hạn khoanh"),
}
EXPORTS = ("xlsx", "json")
FIELDS = ("scope", "period", "organization", "unit", "months")


def _query(request) -> dict:
    """The GET parameters, with the user's own scope and the scope's latest closed month by default."""
    values = {name: request.GET.get(name, "").strip() for name in FIELDS}
    if not values["scope"]:
        values["scope"] = default_scope_code(request.user)
        if values["scope"] == "-":
            raise Http404
    if not values["period"]:
        try:
            day = latest_closed_day(values["scope"], request.user)
        except ScopeOutOfReach as refused:
            raise Http404 from refused
        except DomainError:
            day = None
        values["period"] = str(Period.of(day)) if day else ""
    return values


def _organizations() -> list[tuple[str, str]]:
    return list(Organization.objects.filter(code__in=ORGANIZATION_CODES).order_by("code").values_list("code", "name"))


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _build(request, kind: str, values: dict, page: int | None):
    options = {"months": values["months"]} if kind == "frozen-expiring" else {}
    if not values["period"]:
        raise DomainError(_("Chưa có tháng nào được khóa sổ cho phạm vi này: chưa lập được báo cáo."), field="period")
    try:
        return monthly_report(
            kind,
            scope=values["scope"],
            period=values["period"],
            user=request.user,
            organization=values["organization"],
            unit=values["unit"],
            page=page,
            **options,
        )
    except ScopeOutOfReach as refused:
        raise Http404 from refused


@login_required
def index_page(request):
    values = _query(request)
    query = {key: value for key, value in values.items() if value and key != "months"}
    links = [(TITLES[kind], f"{reverse('report-monthly-' + kind)}?{urlencode(query)}") for kind in REPORTS]
    return render(
        request,
        "web/monthly_index.html",
        {"title": _("Báo cáo tháng"), "query": values, "links": links, "organizations": _organizations()},
    )


@login_required
def report_page(request, kind: str):
    values = _query(request)
    report, error = None, ""
    try:
        report = _build(request, kind, values, _page_number(request))
    except DomainError as refused:
        error = refused.text()
    query = {key: value for key, value in values.items() if value}
    export = reverse(f"report-monthly-{kind}-export")
    here = reverse(f"report-monthly-{kind}")
    context = {
        "title": TITLES[kind],
        "kind": kind,
        "query": values,
        "error": error,
        "report": report,
        "organizations": _organizations(),
        "index": f"{reverse('report-monthly')}?{urlencode(query)}",
        "downloads": [(fmt.upper(), f"{export}?{urlencode(query | {'format': fmt})}") for fmt in EXPORTS]
        if report
        else [],
    }
    if report is not None:
        context["tables"] = tables(report)
        context["rows"] = sum(section.count for section in report.sections)
        if report.page > 1:
            context["previous"] = f"{here}?{urlencode(query | {'page': report.page - 1})}"
        if report.page < report.pages:
            context["next"] = f"{here}?{urlencode(query | {'page': report.page + 1})}"
    return render(request, "web/monthly_report.html", context, status=400 if error else 200)


@login_required
def export(request, kind: str):
    fmt = request.GET.get("format", "xlsx").strip().lower()
    if fmt not in EXPORTS:
        return HttpResponse(_("Định dạng không hỗ trợ."), status=400, content_type="text/plain; charset=utf-8")
    values = _query(request)
    try:
        report = _build(request, kind, values, None)
    except DomainError as refused:
        return HttpResponse(refused.text(), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(render_report(report, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{file_name(report, fmt)}"'
    return response


urlpatterns = [path("reports/monthly/", index_page, name="report-monthly")]
for _kind in REPORTS:
    urlpatterns += [
        path(f"reports/monthly/{_kind}/", report_page, {"kind": _kind}, name=f"report-monthly-{_kind}"),
        path(f"reports/monthly/{_kind}/export/", export, {"kind": _kind}, name=f"report-monthly-{_kind}-export"),
    ]
