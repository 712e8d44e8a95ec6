"""Bank network and association pages: branches, PGDs, transaction points, villages, organizations, units,
joint agreements (VBLT) and entrustment contracts (HĐUT)."""

from django.contrib.auth.decorators import login_required
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.accounts.access import office_queryset_for, unit_queryset_for
from uythac.web.crud import Column, list_page


def office_link(office) -> str:
    return reverse("office-detail", args=[office.code])


def unit_link(unit) -> str:
    return reverse("unit-detail", args=[unit.code])


@login_required
def office_list(request):
    return list_page(
        request,
        title=_("Phòng giao dịch"),
        queryset=office_queryset_for(request.user).select_related("branch"),
        columns=[
            Column(_("Mã PGD"), "code", link=office_link),
            Column(_("Tên"), "name", link=office_link),
            Column(_("Chi nhánh"), "branch.name"),
        ],
    )


@login_required
def unit_list(request):
    return list_page(
        request,
        title=_("Đơn vị hội đoàn thể"),
        queryset=unit_queryset_for(request.user).select_related("organization", "commune", "province"),
        columns=[
            Column(_("Mã"), "code", link=unit_link),
            Column(_("Tên đơn vị"), "name", link=unit_link),
            Column(_("Tổ chức"), "organization.short_name"),
            Column(_("Cấp"), "get_level_display"),
            Column(_("Xã"), "commune.name"),
        ],
    )


urlpatterns = [
    path("offices/", office_list, name="office-list"),
    path("units/", unit_list, name="unit-list"),
]
