"""Provinces and communes: the first two steps of the navigation (province → PGD → commune → …)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.accounts.access import (
    access_commune,
    access_province,
    can_write_villages,
    commune_queryset_for,
    office_queryset_for,
    point_queryset_for,
    province_queryset_for,
    unit_queryset_for,
    village_queryset_for,
)
from uythac.geography.models import LegacyCommune
from uythac.groups.access import group_queryset_for
from uythac.groups.models import GroupStatus
from uythac.network.models import UnitLevel
from uythac.web.crud import Breadcrumb, Column, code_and_name, detail_link, list_page, table


def province_link(province) -> str:
    return reverse("province-detail", args=[province.code])


def commune_link(commune) -> str:
    return reverse("commune-detail", args=[commune.code])


def province_crumbs(province) -> list[Breadcrumb]:
    return [
        Breadcrumb(_("Tỉnh/thành phố"), reverse("province-list")),
        Breadcrumb(province.name, province_link(province)),
    ]


def commune_crumbs(commune) -> list[Breadcrumb]:
    return [*province_crumbs(commune.province), Breadcrumb(commune.name, commune_link(commune))]


@login_required
def province_list(request):
    return list_page(
        request,
        title=_("Tỉnh/thành phố"),
        queryset=province_queryset_for(request.user),
        columns=[
            *code_and_name(_("Mã"), province_link),
            Column(_("Loại"), "division_type"),
        ],
    )


@login_required
def province_detail(request, code):
    user = request.user
    province = access_province(user, code)
    communes = commune_queryset_for(user).filter(province=province)
    offices = office_queryset_for(user).filter(branch__province=province)
    context = {
        "title": province.name,
        "province": province,
        "breadcrumbs": province_crumbs(province),
        "fields": [(_("Mã tỉnh"), province.code), (_("Loại"), province.division_type),
                   (_("Số xã/phường trong phạm vi"), communes.count())],
        "offices": table(
            code_and_name(_("Mã PGD"), detail_link("office-detail")),
            offices,
        ),
        "communes": table(
            [*code_and_name(_("Mã xã"), commune_link),
             Column(_("Loại"), "division_type")],
            communes.order_by("name")[:400],
        ),
        "audit_url": reverse("audit", args=["province", province.code]),
    }
    return render(request, "web/province_detail.html", context)


@login_required
def commune_list(request):
    return list_page(
        request,
        title=_("Xã/phường"),
        queryset=commune_queryset_for(request.user).select_related("province"),
        columns=[
            *code_and_name(_("Mã xã"), commune_link),
            Column(_("Tỉnh"), "province.name", link=lambda c: province_link(c.province)),
        ],
    )


@login_required
def commune_detail(request, code):
    user = request.user
    commune = access_commune(user, code)
    groups = (
        group_queryset_for(user)
        .filter(commune=commune)
        .select_related("association_unit__organization", "transaction_point")
        .annotate(members=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("association_unit__organization__code", "code")
    )
    context = {
        "title": commune.name,
        "commune": commune,
        "breadcrumbs": commune_crumbs(commune),
        "fields": [
            (_("Mã xã"), commune.code), (_("Mã xã (NHCSXH, 6 số)"), commune.bank_code),
            (_("Loại"), commune.division_type), (_("Tỉnh"), commune.province.name),
            (_("Xã đặc biệt khó khăn"), commune.is_difficult_area),
            (_("Tổ TK&VV đang hoạt động"), sum(1 for g in groups if g.status == GroupStatus.ACTIVE)),
        ],
        "offices": table(
            code_and_name(_("Mã PGD"), detail_link("office-detail")),
            office_queryset_for(user).filter(communes=commune),
        ),
        "points": table(
            [*code_and_name(_("Mã điểm"), detail_link("point-detail")),
             Column(_("Ngày giao dịch"), "session_day_of_month")],
            point_queryset_for(user).filter(commune=commune),
        ),
        "units": table(
            [*code_and_name(_("Mã"), detail_link("unit-detail"), _("Đơn vị hội")),
             Column(_("Tổ chức"), "organization.short_name")],
            unit_queryset_for(user).filter(level=UnitLevel.COMMUNE, commune=commune).select_related("organization"),
        ),
        "villages": table(
            [*code_and_name(_("Mã thôn"), detail_link("village-detail")),
             Column(_("Loại"), "get_kind_display")],
            village_queryset_for(user).filter(commune=commune),
        ),
        "groups": table(
            [*code_and_name(_("Mã tổ"), detail_link("group-detail"), _("Tên tổ")),
             Column(_("Hội"), "association_unit.organization.short_name"),
             Column(_("Điểm GD"), "transaction_point.code"),
             Column(_("Số tổ viên"), "members"),
             Column(_("Trạng thái"), "get_status_display")],
            groups,
        ),
        "audit_url": reverse("audit", args=["commune", commune.code]),
        "village_create_url": (
            f"{reverse('village-create')}?commune={commune.code}" if can_write_villages(user) else None
        ),
    }
    return render(request, "web/commune_detail.html", context)


@login_required
def legacy_commune_list(request):
    """Pre-01/07/2025 communes with their district and province: old exports and history refer to them."""
    return list_page(
        request,
        title=_("Xã/phường cũ (trước 01/07/2025)"),
        queryset=LegacyCommune.objects.select_related("district__province").order_by("code"),
        columns=[
            Column(_("Mã xã cũ"), "code"),
            Column(_("Tên"), "name"),
            Column(_("Huyện"), "district.name"),
            Column(_("Tỉnh"), "district.province.name"),
            Column(_("Hiệu lực đến"), "valid_to"),
        ],
        code_fields=("code", "district__code"),
        name_fields=("name_search", "district__name_search"),
        extra={"intro": _("Đơn vị hành chính trước sắp xếp 2025, giữ lại để tra cứu lịch sử và đọc báo cáo cũ.")},
    )


urlpatterns = [
    path("provinces/", province_list, name="province-list"),
    path("provinces/<str:code>/", province_detail, name="province-detail"),
    path("communes/", commune_list, name="commune-list"),
    path("communes/<str:code>/", commune_detail, name="commune-detail"),
    path("legacy-communes/", legacy_commune_list, name="legacy-commune-list"),
]
