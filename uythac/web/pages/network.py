"""Bank network pages: provincial branches, transaction offices (PGD) and commune transaction points.

Navigation: province → PGD → commune (→ association unit → group → household). Villages are in
``pages/villages.py``; organizations, association units, joint agreements and entrustment contracts in
``pages/associations.py``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.accounts.access import (
    access_branch,
    access_office,
    access_point,
    agreement_queryset_for,
    branch_queryset_for,
    can_write_contract,
    can_write_office,
    can_write_points,
    commune_queryset_for,
    contract_queryset_for,
    normalize_commune_code,
    office_queryset_for,
    point_queryset_for,
    province_queryset_for,
)
from uythac.accounts.models import Role
from uythac.core.access import deny_unless
from uythac.groups.access import group_queryset_for
from uythac.network.models import BankUnitLevel
from uythac.network.services import (
    branch_create,
    branch_update,
    office_create,
    office_update,
    point_create,
    point_update,
)
from uythac.web.crud import Breadcrumb, Column, code_and_name, detail_link, edit_page, form_page, list_page
from uythac.web.detail import Action, DetailField, Section, detail_page, edit_action, link_if
from uythac.web.forms.network import BranchForm, OfficeForm, PointForm
from uythac.web.pages.geography import commune_crumbs, commune_link, province_crumbs, province_link


def branch_link(branch) -> str:
    return reverse("branch-detail", args=[branch.code])


def office_link(office) -> str:
    return reverse("office-detail", args=[office.code])


def point_link(point) -> str:
    return reverse("point-detail", args=[point.code])


def contract_link(contract) -> str:
    return reverse("contract-detail", args=[contract.pk])


def session_day_label(day: int | None) -> str:
    """The fixed monthly session day, as staff say it: "ngày 12 hằng tháng"."""
    if not day:
        return "—"
    return _("ngày %(day)d hằng tháng") % {"day": day}


def branch_crumbs(branch) -> list[Breadcrumb]:
    return [Breadcrumb(_("Chi nhánh"), reverse("branch-list")), Breadcrumb(branch.name, branch_link(branch))]


def office_crumbs(office) -> list[Breadcrumb]:
    """Province → PGD: the bank side of the navigation."""
    province = office.branch.province
    trail = province_crumbs(province) if province is not None else branch_crumbs(office.branch)
    return [*trail, Breadcrumb(office.name, office_link(office))]


def point_crumbs(point) -> list[Breadcrumb]:
    return [*commune_crumbs(point.commune), Breadcrumb(point.name, point_link(point))]


def contract_columns(with_office: bool = True, with_unit: bool = True) -> list[Column]:
    columns = [Column(_("Số hợp đồng"), "number", link=contract_link)]
    if with_office:
        columns.append(Column(_("PGD"), "office.name"))
    if with_unit:
        columns.append(Column(_("Hội cấp xã"), "association_unit.name"))
    columns += [
        Column(_("Ngày ký"), "signed_on"),
        Column(_("Hiệu lực từ"), "effective_from"),
        Column(_("Hiệu lực đến"), "effective_to"),
        Column(_("Trạng thái"), "get_status_display"),
    ]
    return columns


def group_columns() -> list[Column]:
    return [
        *code_and_name(_("Mã tổ"), detail_link("group-detail"), _("Tên tổ")),
        Column(_("Xã"), "commune.name", link=lambda g: commune_link(g.commune)),
        Column(_("Hội"), "association_unit.organization.short_name"),
        Column(_("Trạng thái"), "get_status_display"),
    ]


# --- branches ---------------------------------------------------------------------------------------------

@login_required
def branch_list(request):
    return list_page(
        request,
        title=_("Chi nhánh"),
        queryset=branch_queryset_for(request.user).select_related("province"),
        columns=[
            *code_and_name(_("Mã chi nhánh"), branch_link),
            Column(_("Cấp"), "get_level_display"),
            Column(_("Tỉnh"), "province.name", link=lambda b: province_link(b.province) if b.province else None),
        ],
        create_url=reverse("branch-create") if request.user.role == Role.ADMIN else None,
        create_label=_("Thêm chi nhánh"),
    )


@login_required
def branch_detail(request, code):
    user = request.user
    branch = access_branch(user, code)
    offices = (
        office_queryset_for(user).filter(branch=branch).annotate(served=Count("communes")).order_by("code")
    )
    province = branch.province
    province_visible = province is not None and province_queryset_for(user).filter(pk=province.pk).exists()
    agreements = agreement_queryset_for(user).filter(branch=branch).select_related("association_unit")
    return detail_page(
        request,
        title=branch.name,
        breadcrumbs=branch_crumbs(branch),
        audit_url=reverse("audit", args=["branch", branch.code]),
        fields=[
            DetailField(_("Mã chi nhánh"), branch.code),
            DetailField(_("Cấp"), branch.get_level_display()),
            DetailField(_("Tỉnh"), province.name if province else None,
                        link_if(province_visible, province_link(province)) if province else None),
            DetailField(_("Địa chỉ"), branch.address),
            DetailField(_("Số phòng giao dịch"), len(offices)),
        ],
        actions=[
            edit_action("branch-edit", branch.code, user.role == Role.ADMIN),
            Action(_("Thêm phòng giao dịch"), reverse("office-create") + f"?branch={branch.code}", secondary=True)
            if can_write_office(user) else None,
        ],
        sections=[
            Section(_("Phòng giao dịch"), [
                *code_and_name(_("Mã PGD"), office_link),
                Column(_("Số xã phục vụ"), "served"),
                Column(_("Đang hoạt động"), "is_active"),
            ], offices),
            Section(_("Văn bản liên tịch"), [
                Column(_("Số văn bản"), "number", link=lambda a: reverse("agreement-detail", args=[a.pk])),
                Column(_("Đơn vị hội"), "association_unit.name"),
                Column(_("Ngày ký"), "signed_on"),
                Column(_("Trạng thái"), "get_status_display"),
            ], agreements),
        ],
    )


# --- transaction offices (PGD) ----------------------------------------------------------------------------

@login_required
def office_list(request):
    return list_page(
        request,
        title=_("Phòng giao dịch"),
        queryset=office_queryset_for(request.user).select_related("branch", "branch__province"),
        columns=[
            *code_and_name(_("Mã PGD"), office_link),
            Column(_("Chi nhánh"), "branch.name"),
            Column(_("Tỉnh"), "branch.province.name"),
            Column(_("Đang hoạt động"), "is_active"),
        ],
        create_url=reverse("office-create") if can_write_office(request.user) else None,
        create_label=_("Thêm phòng giao dịch"),
    )


@login_required
def office_detail(request, code):
    user = request.user
    office = access_office(user, code)
    branch_visible = branch_queryset_for(user).filter(pk=office.branch_id).exists()
    communes = commune_queryset_for(user).filter(transaction_offices=office).order_by("name")
    points = point_queryset_for(user).filter(office=office).select_related("commune")
    contracts = contract_queryset_for(user).filter(office=office).select_related("association_unit")
    return detail_page(
        request,
        title=office.name,
        breadcrumbs=office_crumbs(office),
        audit_url=reverse("audit", args=["transactionoffice", office.code]),
        fields=[
            DetailField(_("Mã PGD"), office.code),
            DetailField(_("Chi nhánh"), office.branch.name, link_if(branch_visible, branch_link(office.branch))),
            DetailField(_("Địa chỉ"), office.address),
            DetailField(_("Đang hoạt động"), office.is_active),
            DetailField(_("Số xã phục vụ"), office.communes.count()),
        ],
        actions=[
            edit_action("office-edit", office.code, can_write_office(user)),
            Action(_("Thêm điểm giao dịch"), reverse("point-create") + f"?office={office.code}", secondary=True)
            if can_write_points(user) else None,
            Action(_("Thêm hợp đồng ủy thác"), reverse("contract-create") + f"?office={office.code}", secondary=True)
            if can_write_contract(user) else None,
        ],
        sections=[
            Section(_("Xã/phường phục vụ"), [
                *code_and_name(_("Mã xã"), commune_link),
                Column(_("Loại"), "division_type"),
            ], communes),
            Section(_("Điểm giao dịch"), [
                *code_and_name(_("Mã điểm"), point_link),
                Column(_("Xã"), "commune.name", link=lambda p: commune_link(p.commune)),
                Column(_("Ngày giao dịch"), lambda p: session_day_label(p.session_day_of_month)),
            ], points),
            Section(_("Hợp đồng ủy thác"), contract_columns(with_office=False), contracts),
        ],
    )


# --- transaction points -----------------------------------------------------------------------------------

@login_required
def point_list(request):
    return list_page(
        request,
        title=_("Điểm giao dịch xã"),
        queryset=point_queryset_for(request.user).select_related("commune", "office"),
        columns=[
            *code_and_name(_("Mã điểm"), point_link),
            Column(_("Xã"), "commune.name", link=lambda p: commune_link(p.commune)),
            Column(_("PGD"), "office.name"),
            Column(_("Ngày giao dịch"), lambda p: session_day_label(p.session_day_of_month)),
            Column(_("Đang hoạt động"), "is_active"),
        ],
        create_url=reverse("point-create") if can_write_points(request.user) else None,
        create_label=_("Thêm điểm giao dịch"),
    )


@login_required
def point_detail(request, code):
    user = request.user
    point = access_point(user, code)
    office_visible = office_queryset_for(user).filter(pk=point.office_id).exists()
    groups = (
        group_queryset_for(user).filter(transaction_point=point)
        .select_related("commune", "association_unit__organization")
    )
    return detail_page(
        request,
        title=point.name,
        breadcrumbs=point_crumbs(point),
        audit_url=reverse("audit", args=["transactionpoint", point.code]),
        fields=[
            DetailField(_("Mã điểm giao dịch"), point.code),
            DetailField(_("Xã"), point.commune.name, commune_link(point.commune)),
            DetailField(_("PGD"), point.office.name, link_if(office_visible, office_link(point.office))),
            DetailField(_("Ngày giao dịch cố định"), session_day_label(point.session_day_of_month)),
            DetailField(_("Địa điểm"), point.location),
            DetailField(_("Xã cũ (trước 01/07/2025)"), point.legacy_commune.name if point.legacy_commune else None),
            DetailField(_("Đang hoạt động"), point.is_active),
        ],
        actions=[edit_action("point-edit", point.code, can_write_points(user))],
        sections=[Section(_("Tổ TK&VV giao dịch tại điểm"), group_columns(), groups)],
    )


# --- create and edit --------------------------------------------------------------------------------------

def _scoped_initial(request, name: str, queryset, normalize=str) -> dict:
    """Preselect a choice from ``?<name>=<code>`` when that object is in the user's scope."""
    code = request.GET.get(name, "").strip()
    found = queryset.filter(code=normalize(code)).first() if code else None
    return {name: found} if found is not None else {}


@login_required
def branch_create_page(request):
    deny_unless(request.user.role == Role.ADMIN)
    return form_page(
        request,
        title=_("Thêm chi nhánh"),
        form_class=BranchForm,
        form_kwargs={"actor": request.user},
        service=lambda data: branch_create(actor=request.user, **BranchForm.values(data)),
        success_url=branch_link,
        success_message=_("Đã thêm chi nhánh."),
        breadcrumbs=[Breadcrumb(_("Chi nhánh"), reverse("branch-list")), Breadcrumb(_("Thêm mới"))],
        cancel_url=reverse("branch-list"),
    )


@login_required
def branch_edit_page(request, code):
    branch = access_branch(request.user, code, for_write=True)
    return edit_page(
        request, branch, link=branch_link, trail=branch_crumbs(branch),
        title=_("Sửa chi nhánh %(code)s") % {"code": branch.code},
        form_class=BranchForm,
        form_kwargs={"editing": branch},
        service=lambda data: branch_update(actor=request.user, branch=branch, **BranchForm.values(data)),
        success_message=_("Đã lưu chi nhánh."),
    )


@login_required
def office_create_page(request):
    user = request.user
    deny_unless(can_write_office(user))
    branches = branch_queryset_for(user).filter(level=BankUnitLevel.BRANCH)
    code = request.GET.get("branch", "").strip()
    branch = branches.filter(code=code).first() if code else (branches.first() if branches.count() == 1 else None)
    if branch is None:
        # The communes a PGD serves are chosen among its branch's province: pick the branch first.
        messages.info(request, _("Chọn chi nhánh, rồi bấm “Thêm phòng giao dịch” trên trang chi nhánh."))
        return redirect("branch-list")
    return form_page(
        request,
        title=_("Thêm phòng giao dịch"),
        intro=_("Chi nhánh: %(branch)s") % {"branch": branch.name},
        form_class=OfficeForm,
        form_kwargs={"actor": user, "branch": branch},
        service=lambda data: office_create(actor=user, branch=branch, **OfficeForm.values(data)),
        success_url=office_link,
        success_message=_("Đã thêm phòng giao dịch."),
        breadcrumbs=[*branch_crumbs(branch), Breadcrumb(_("Thêm phòng giao dịch"))],
        cancel_url=branch_link(branch),
    )


@login_required
def office_edit_page(request, code):
    user = request.user
    office = access_office(user, code, for_write=True)
    return edit_page(
        request, office, link=office_link, trail=office_crumbs(office),
        title=_("Sửa phòng giao dịch %(code)s") % {"code": office.code},
        intro=_("Chi nhánh: %(branch)s") % {"branch": office.branch.name},
        form_class=OfficeForm,
        form_kwargs={"branch": office.branch, "editing": office},
        service=lambda data: office_update(actor=user, office=office, **OfficeForm.values(data)),
        success_message=_("Đã lưu phòng giao dịch."),
    )


@login_required
def point_create_page(request):
    user = request.user
    deny_unless(can_write_points(user))
    initial = {
        **_scoped_initial(request, "office", office_queryset_for(user)),
        **_scoped_initial(request, "commune", commune_queryset_for(user), normalize_commune_code),
    }
    return form_page(
        request,
        title=_("Thêm điểm giao dịch"),
        form_class=PointForm,
        form_kwargs={"actor": user, "initial": initial},
        service=lambda data: point_create(actor=user, **PointForm.values(data)),
        success_url=point_link,
        success_message=_("Đã thêm điểm giao dịch."),
        breadcrumbs=[Breadcrumb(_("Điểm giao dịch"), reverse("point-list")), Breadcrumb(_("Thêm mới"))],
        cancel_url=reverse("point-list"),
    )


@login_required
def point_edit_page(request, code):
    user = request.user
    point = access_point(user, code, for_write=True)
    return edit_page(
        request, point, link=point_link, trail=point_crumbs(point),
        title=_("Sửa điểm giao dịch %(code)s") % {"code": point.code},
        form_class=PointForm,
        form_kwargs={"editing": point},
        service=lambda data: point_update(actor=user, point=point, **PointForm.values(data)),
        success_message=_("Đã lưu điểm giao dịch."),
    )


urlpatterns = [
    path("branches/", branch_list, name="branch-list"),
    path("branches/new/", branch_create_page, name="branch-create"),
    path("branches/<str:code>/", branch_detail, name="branch-detail"),
    path("branches/<str:code>/edit/", branch_edit_page, name="branch-edit"),
    path("offices/", office_list, name="office-list"),
    path("offices/new/", office_create_page, name="office-create"),
    path("offices/<str:code>/", office_detail, name="office-detail"),
    path("offices/<str:code>/edit/", office_edit_page, name="office-edit"),
    path("points/", point_list, name="point-list"),
    path("points/new/", point_create_page, name="point-create"),
    path("points/<str:code>/", point_detail, name="point-detail"),
    path("points/<str:code>/edit/", point_edit_page, name="point-edit"),
]
