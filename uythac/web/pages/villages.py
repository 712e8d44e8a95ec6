"""Village pages (thôn / ấp / bản / tổ dân phố, 8-digit codes): list, detail, create, edit.

A commune page links to ``/villages/new/?commune=<code>`` ("Thêm thôn"), which preselects the commune.
"""

from django.contrib.auth.decorators import login_required
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.accounts.access import (
    access_village,
    can_write_villages,
    commune_queryset_for,
    normalize_commune_code,
    village_queryset_for,
)
from uythac.core.access import deny_unless
from uythac.geography.services import village_create, village_update
from uythac.groups.access import group_queryset_for
from uythac.households.access import household_queryset_for
from uythac.web.crud import Breadcrumb, Column, code_and_name, edit_page, form_page, list_page
from uythac.web.detail import Action, DetailField, Section, detail_page, edit_action
from uythac.web.forms.network import VillageForm
from uythac.web.pages.geography import commune_crumbs, commune_link
from uythac.web.pages.network import group_columns

HOUSEHOLDS_SHOWN = 300


def village_link(village) -> str:
    return reverse("village-detail", args=[village.code])


def village_crumbs(village) -> list[Breadcrumb]:
    return [*commune_crumbs(village.commune), Breadcrumb(village.name, village_link(village))]


def village_create_url(commune=None) -> str:
    """The "Thêm thôn" target; from a commune page it preselects that commune."""
    url = reverse("village-create")
    return f"{url}?commune={commune.code}" if commune is not None else url


@login_required
def village_list(request):
    return list_page(
        request,
        title=_("Thôn/ấp/bản/tổ dân phố"),
        queryset=village_queryset_for(request.user).select_related("commune"),
        columns=[
            *code_and_name(_("Mã thôn"), village_link),
            Column(_("Loại"), "get_kind_display"),
            Column(_("Xã"), "commune.name", link=lambda v: commune_link(v.commune)),
            Column(_("Đang hoạt động"), "is_active"),
        ],
        create_url=village_create_url() if can_write_villages(request.user) else None,
        create_label=_("Thêm thôn"),
    )


@login_required
def village_detail(request, code):
    user = request.user
    village = access_village(user, code)
    groups = (
        group_queryset_for(user).filter(villages=village)
        .select_related("commune", "association_unit__organization")
    )
    households = household_queryset_for(user).filter(village=village).order_by("name", "customer_code")
    household_count = households.count()

    def household_link(household):
        return reverse("household-detail", args=[household.customer_code])

    return detail_page(
        request,
        title=village.name,
        breadcrumbs=village_crumbs(village),
        audit_url=reverse("audit", args=["village", village.code]),
        fields=[
            DetailField(_("Mã thôn"), village.code),
            DetailField(_("Loại"), village.get_kind_display()),
            DetailField(_("Xã"), village.commune.name, commune_link(village.commune)),
            DetailField(_("Xã cũ (trước 01/07/2025)"), village.legacy_commune.name if village.legacy_commune else None),
            DetailField(_("Đang hoạt động"), village.is_active),
            DetailField(_("Số hộ"), household_count),
        ],
        actions=[
            edit_action("village-edit", village.code, can_write_villages(user)),
            Action(_("Thêm thôn"), village_create_url(village.commune), secondary=True)
            if can_write_villages(user) else None,
        ],
        sections=[
            Section(_("Tổ TK&VV của thôn"), group_columns(), groups),
            Section(
                _("Hộ gia đình trong thôn"),
                [
                    Column(_("Mã khách hàng"), "customer_code", link=household_link),
                    Column(_("Họ tên"), "name", link=household_link),
                    Column(_("Năm sinh"), lambda h: h.birth_date.year if h.birth_date else None),
                    Column(_("Điện thoại"), "phone"),
                ],
                households[:HOUSEHOLDS_SHOWN],
                note=_("Hiển thị %(shown)d/%(total)d hộ; xem đủ ở trang Hộ vay.")
                % {"shown": HOUSEHOLDS_SHOWN, "total": household_count}
                if household_count > HOUSEHOLDS_SHOWN else "",
            ),
        ],
    )


@login_required
def village_create_page(request):
    user = request.user
    deny_unless(can_write_villages(user))
    code = request.GET.get("commune", "").strip()
    commune = commune_queryset_for(user).filter(code=normalize_commune_code(code)).first() if code else None
    crumbs = commune_crumbs(commune) if commune is not None else [Breadcrumb(_("Thôn"), reverse("village-list"))]
    return form_page(
        request,
        title=_("Thêm thôn"),
        form_class=VillageForm,
        form_kwargs={"actor": user, "initial": {"commune": commune} if commune is not None else {}},
        service=lambda data: village_create(actor=user, **VillageForm.values(data)),
        success_url=village_link,
        success_message=_("Đã thêm thôn."),
        breadcrumbs=[*crumbs, Breadcrumb(_("Thêm thôn"))],
        cancel_url=commune_link(commune) if commune is not None else reverse("village-list"),
    )


@login_required
def village_edit_page(request, code):
    user = request.user
    village = access_village(user, code, for_write=True)
    return edit_page(
        request, village, link=village_link, trail=village_crumbs(village),
        title=_("Sửa thôn %(code)s") % {"code": village.code},
        form_class=VillageForm,
        form_kwargs={"editing": village},
        service=lambda data: village_update(actor=user, village=village, **VillageForm.values(data)),
        success_message=_("Đã lưu thôn."),
    )


urlpatterns = [
    path("villages/", village_list, name="village-list"),
    path("villages/new/", village_create_page, name="village-create"),
    path("villages/<str:code>/", village_detail, name="village-detail"),
    path("villages/<str:code>/edit/", village_edit_page, name="village-edit"),
]
