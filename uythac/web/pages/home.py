"""Home: what the signed-in user is responsible for — counts, the first steps of the navigation — and the dashboard of
the user's scope (KPI cards, 24-month trend, breakdowns and drill-down, read from the month-end snapshots)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from uythac.accounts.access import commune_queryset_for, office_queryset_for, province_queryset_for, unit_queryset_for
from uythac.accounts.scope import scope_for
from uythac.groups.access import group_queryset_for
from uythac.groups.models import GroupStatus
from uythac.households.access import household_queryset_for
from uythac.reports.dashboard_nodes import home_node
from uythac.web.crud import Column, code_and_name, detail_link, table
from uythac.web.pages.dashboards_context import dashboard_context


def scope_label(user) -> str:
    parts = [user.get_role_display()]
    for place in (user.province, user.office, user.commune, user.group, user.organization):
        if place is not None:
            parts.append(str(place))
    return " · ".join(parts)


@login_required
def home(request):
    user = request.user
    scope = scope_for(user)
    groups = group_queryset_for(user).filter(status=GroupStatus.ACTIVE)
    node = home_node(user)
    dashboard = dashboard_context(request, node) if node is not None else {}
    cards = [
        (_("Xã/phường"), commune_queryset_for(user).count(), reverse("commune-list")),
        (_("Tổ TK&VV đang hoạt động"), groups.count(), reverse("group-list")),
    ]
    if not dashboard.get("period"):
        # Counting every household of a province reads ~100,000 rows: once a month is closed, the dashboard's
        # "households with a balance" (from the snapshots) takes the card's place.
        cards.append((_("Hộ"), household_queryset_for(user).count(), reverse("household-list")))
    if scope.is_bank:
        cards.append((_("Phòng giao dịch"), office_queryset_for(user).count(), reverse("office-list")))
    provinces = table(
        code_and_name(_("Mã"), detail_link("province-detail"), _("Tỉnh/thành phố")),
        province_queryset_for(user)[:40],
    )
    units = table(
        [
            *code_and_name(_("Mã"), detail_link("unit-detail"), _("Đơn vị hội")),
            Column(_("Cấp"), "get_level_display"),
        ],
        unit_queryset_for(user).select_related("organization").order_by("level", "code")[:12]
        if scope.is_association or scope.group_id
        else [],
    )
    context = {
        "title": _("Tổng quan"),
        "scope_label": scope_label(user),
        "cards": cards,
        "provinces": provinces,
        "units": units,
        "show_units": bool(units["rows"]),
    }
    if scope.group_id is not None:
        context["my_group"] = user.group
    if node is not None:
        context.update(dashboard)
        context["dashboard_node"] = node
    return render(request, "web/home.html", context, status=400 if context.get("error") else 200)
