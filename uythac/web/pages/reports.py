"""Report pages. The entrustment report (seed 001) for a scope and a month-end: ``/reports/entrustment/?period=…
&compare=…&scope=…`` shows it as HTML with download buttons; ``/reports/entrustment/export/?…&format=xlsx`` sends a
file. Scope codes travel as GET parameters: a scope outside the user's (or unknown) answers 404, as a missing object.
"""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.reports.entrustment import (
    ScopeOutOfReach,
    default_scope_code,
    entrustment_report,
    latest_closed_day,
    resolve_scope,
)
from uythac.reports.render import CONTENT_TYPES, FORMATS, render_entrustment
from uythac.reports.render.html_render import report_context

DOWNLOADS = ("xlsx", "docx", "pdf", "json")


def _day(text: str, *, field: str, label: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise DomainError(_("%(label)s «%(value)s» không hợp lệ: dùng dạng dd/mm/yyyy.") % {"label": label, "value": text},
                      field=field)


def _parameters(request) -> dict:
    """scope (the user's own by default), period (the latest closed month by default) and compare."""
    user = request.user
    scope = request.GET.get("scope", "").strip() or default_scope_code(user)
    if scope == "-":
        raise Http404
    try:
        resolve_scope(scope, user)
    except ScopeOutOfReach as refused:
        raise Http404 from refused
    period = _day(request.GET.get("period", ""), field="period", label=_("Ngày báo cáo"))
    compare = _day(request.GET.get("compare", ""), field="compare", label=_("Ngày so sánh"))
    if period is None:
        period = latest_closed_day(scope, user)
    return {"scope": scope, "period": period, "compare": compare}


@login_required
def entrustment_page(request):
    report, error = None, ""
    params = {"scope": "", "period": None, "compare": None}
    try:
        params = _parameters(request)
        if params["period"] is None:
            error = _("Chưa có tháng nào được khóa sổ cho phạm vi này: chưa lập được báo cáo.")
        else:
            report = entrustment_report(user=request.user, **params)
    except ScopeOutOfReach as refused:
        raise Http404 from refused
    except DomainError as refused:
        error = refused.text()
    query = {"scope": params["scope"], "period": params["period"].isoformat() if params["period"] else "",
             "compare": params["compare"].isoformat() if params["compare"] else ""}
    export = reverse("report-entrustment-export")
    context = {
        "title": _("Báo cáo kết quả thực hiện ủy thác"),
        "query": query,
        "error": error,
        "downloads": [(fmt.upper(), f"{export}?{urlencode(query | {'format': fmt})}") for fmt in DOWNLOADS]
        if report else [],
    }
    if report is not None:
        context |= report_context(report)
    return render(request, "web/report_entrustment.html", context, status=200 if not error else 400)


@login_required
def entrustment_export(request):
    fmt = request.GET.get("format", "").strip().lower()
    if fmt not in FORMATS:
        return HttpResponse(_("Định dạng không hỗ trợ."), status=400, content_type="text/plain; charset=utf-8")
    try:
        params = _parameters(request)
        if params["period"] is None:
            raise DomainError(_("Chưa có tháng nào được khóa sổ cho phạm vi này: chưa lập được báo cáo."),
                              field="period")
        report = entrustment_report(user=request.user, **params)
    except ScopeOutOfReach as refused:
        raise Http404 from refused
    except DomainError as refused:
        return HttpResponse(refused.text(), status=400, content_type="text/plain; charset=utf-8")
    content = render_entrustment(report, fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = f"bao-cao-uy-thac-{report.scope_key.replace(':', '-')}-{report.period:%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("reports/entrustment/", entrustment_page, name="report-entrustment"),
    path("reports/entrustment/export/", entrustment_export, name="report-entrustment-export"),
]
