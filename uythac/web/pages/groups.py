"""Savings & Loan Group pages: list, detail, create, edit, members, board, meetings, merge, split."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.groups.access import can_write_groups, group_queryset_for
from uythac.web.crud import Column, list_page


def group_link(group) -> str:
    return reverse("group-detail", args=[group.code])


@login_required
def group_list(request):
    groups = (
        group_queryset_for(request.user)
        .select_related("commune", "association_unit__organization", "transaction_point")
        .annotate(members=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
    )
    return list_page(
        request,
        title=_("Tổ tiết kiệm và vay vốn"),
        queryset=groups,
        columns=[
            Column(_("Mã tổ"), "code", link=group_link),
            Column(_("Tên tổ"), "name", link=group_link),
            Column(_("Xã"), "commune.name", link=lambda g: reverse("commune-detail", args=[g.commune.code])),
            Column(_("Hội"), "association_unit.organization.short_name"),
            Column(_("Số tổ viên"), "members"),
            Column(_("Trạng thái"), "get_status_display"),
        ],
        create_url=reverse("group-create") if can_write_groups(request.user) else None,
    )


urlpatterns = [
    path("groups/", group_list, name="group-list"),
]
