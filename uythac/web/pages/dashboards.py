"""Dashboards: one page per node of the drill-down province → PGD → commune → association unit → group (households
link to their own page), and the comparison of two closed periods. Read-only pages over the month-end snapshots.

A node the user's scope does not fully cover answers 404 exactly like a missing one (``dashboard_node``).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.reports.comparison import compare
from uythac.reports.dashboard import available_periods, period_label
from uythac.reports.dashboard_nodes import (
    COMMUNE,
    GROUP,
    OFFICE,
    PROVINCE,
    UNIT,
    dashboard_node,
    home_node,
    node_from_key,
)
from uythac.web.crud import Breadcrumb
from uythac.web.pages.dashboards_context import dashboard_context, node_url, shown, signed


def breadcrumbs(node, *, last_linked: bool = False) -> list[Breadcrumb]:
    crumbs = [Breadcrumb(_("Tổng quan"), reverse("home"))]
    # Names already say what they are ("PGD Hoàn Kiếm", "Phường Ba Đình", "Tổ HND thôn 1"): no kind prefix.
    for crumb in node.trail:
        crumbs.append(Breadcrumb(crumb.name, node_url(crumb.kind, crumb.code) if crumb.linked else None))
    crumbs.append(Breadcrumb(node.name, node_url(node.kind, node.code) if last_linked and node.code else None))
    return crumbs


@login_required
def my_dashboard(request):
    node = home_node(request.user)
    if node is None:
        raise Http404(_("Không tìm thấy đối tượng."))
    if node.code:
        return redirect(node_url(node.kind, node.code))
    return _render_node(request, node)


def _render_node(request, node):
    context = dashboard_context(request, node)
    context.update({"title": _("Bảng điều khiển: %(name)s") % {"name": node.name},
                    "breadcrumbs": breadcrumbs(node)})
    return render(request, "web/dashboard_node.html", context, status=400 if context["error"] else 200)


def node_page(kind):
    @login_required
    def page(request, code):
        return _render_node(request, dashboard_node(request.user, kind, code))

    page.__name__ = f"dashboard_{kind}"
    return page


@login_required
def compare_page(request):
    node = node_from_key(request.user, request.GET.get("scope", ""))
    if node is None:
        raise Http404(_("Không tìm thấy đối tượng."))
    periods = available_periods(node)
    context = {
        "title": _("So sánh hai kỳ"), "node": node,
        "periods": [(p, period_label(p)) for p in periods], "error": None,
        "breadcrumbs": [*breadcrumbs(node, last_linked=True), Breadcrumb(_("So sánh hai kỳ"))],
        "chosen_from": request.GET.get("from", ""), "chosen_to": request.GET.get("to", ""),
    }
    try:
        comparison = compare(node, request.GET.get("from"), request.GET.get("to"), periods)
    except DomainError as error:
        context["error"] = error.text()
        # Bad periods the user typed are a 400; the menu's plain link before two months are closed is a normal
        # page that says why there is nothing to compare (a 400 behind a menu entry looks broken).
        asked = request.GET.get("from") or request.GET.get("to")
        return render(request, "web/dashboard_compare.html", context, status=400 if asked else 200)
    context.update({
        "comparison": comparison, "chosen_from": comparison.before, "chosen_to": comparison.after,
        "lines": [{"line": line, "before": shown(line.before, line.kind), "after": shown(line.after, line.kind),
                   "change": signed(line.change, line.kind),
                   "growth": signed(line.growth, "share") if line.kind != "percent" else ""}
                  for line in comparison.lines],
        "movers": [{"list": mover_list,
                    "improved": [_mover(m, mover_list.kind) for m in mover_list.improved],
                    "worsened": [_mover(m, mover_list.kind) for m in mover_list.worsened]}
                   for mover_list in comparison.movers],
    })
    return render(request, "web/dashboard_compare.html", context)


def _mover(mover, kind):
    return {"mover": mover, "url": node_url(mover.kind, mover.code), "before": shown(mover.before, kind),
            "after": shown(mover.after, kind), "change": signed(mover.change, kind),
            "growth": signed(mover.growth, "share") if mover.growth is not None else "—"}


urlpatterns = [
    path("dashboards/", my_dashboard, name="dashboard-home"),
    path("dashboards/compare/", compare_page, name="dashboard-compare"),
    *(path(f"dashboards/{kind}/<str:code>/", node_page(kind), name=f"dashboard-{kind}")
      for kind in (PROVINCE, OFFICE, COMMUNE, UNIT, GROUP)),
]
