"""Household pages: list/search (without diacritics), detail, create, edit, poverty status, kinship, moved away."""

from django.contrib.auth.decorators import login_required
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.households.access import can_write_households, household_queryset_for
from uythac.web.crud import Column, list_page


def household_link(household) -> str:
    return reverse("household-detail", args=[household.customer_code])


@login_required
def household_list(request):
    return list_page(
        request,
        title=_("Hộ gia đình / khách hàng"),
        queryset=household_queryset_for(request.user).select_related("commune", "village"),
        columns=[
            Column(_("Mã khách hàng"), "customer_code", link=household_link),
            Column(_("Họ tên"), "name", link=household_link),
            Column(_("Thôn"), "village.name"),
            Column(_("Xã"), "commune.name"),
            Column(_("Điện thoại"), "phone"),
        ],
        code_fields=("customer_code", "national_id", "phone"),
        create_url=reverse("household-create") if can_write_households(request.user) else None,
    )


urlpatterns = [
    path("households/", household_list, name="household-list"),
]
