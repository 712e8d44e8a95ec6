"""Entrusted organizations (11 Hội Nông dân, 12 Hội LHPN, 13 Hội CCB, 14 Đoàn TN), their units, the
province-level joint agreements (VBLT) and the commune-level entrustment contracts (HĐUT).

Navigation: … → commune → association unit → group; a province unit leads to its commune units (children),
its joint agreements and its groups.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.accounts.access import (
    access_agreement,
    access_contract,
    access_unit,
    agreement_queryset_for,
    branch_queryset_for,
    can_write_agreement,
    can_write_contract,
    can_write_unit,
    contract_queryset_for,
    office_queryset_for,
    organization_queryset_for,
    province_queryset_for,
    unit_queryset_for,
)
from uythac.core.access import deny_unless, fetch_or_404
from uythac.groups.access import group_queryset_for
from uythac.network.association_services import (
    entrustment_contract_create,
    entrustment_contract_update,
    joint_agreement_create,
    joint_agreement_update,
    unit_create,
    unit_update,
)
from uythac.network.models import UnitLevel
from uythac.web.crud import Breadcrumb, Column, code_and_name, edit_page, form_page, list_page
from uythac.web.detail import Action, DetailField, Section, detail_page, edit_action, link_if
from uythac.web.forms.network import (
    AgreementForm,
    ContractForm,
    UnitForm,
    agreement_branch_queryset_for,
    parent_unit_queryset_for,
)
from uythac.web.pages.geography import commune_crumbs, commune_link, province_crumbs, province_link
from uythac.web.pages.network import (
    branch_link,
    contract_columns,
    contract_link,
    group_columns,
    office_link,
)


def organization_link(organization) -> str:
    return reverse("organization-detail", args=[organization.code])


def unit_link(unit) -> str:
    return reverse("unit-detail", args=[unit.code])


def agreement_link(agreement) -> str:
    return reverse("agreement-detail", args=[agreement.pk])


def unit_crumbs(unit) -> list[Breadcrumb]:
    """Commune units sit under their commune, province units under their province (the navigation chain)."""
    if unit.level == UnitLevel.COMMUNE and unit.commune is not None:
        trail = commune_crumbs(unit.commune)
    elif unit.province is not None:
        trail = province_crumbs(unit.province)
    else:
        trail = [
            Breadcrumb(_("Tổ chức hội"), reverse("organization-list")),
            Breadcrumb(unit.organization.short_name, organization_link(unit.organization)),
        ]
    return [*trail, Breadcrumb(unit.name, unit_link(unit))]


def unit_columns(with_organization: bool = True) -> list[Column]:
    columns = code_and_name(_("Mã"), unit_link, _("Tên đơn vị"))
    if with_organization:
        columns.append(Column(_("Tổ chức"), "organization.short_name"))
    return [
        *columns,
        Column(_("Cấp"), "get_level_display"),
        Column(_("Tỉnh"), "province.name"),
        Column(_("Xã"), "commune.name", link=lambda u: commune_link(u.commune) if u.commune_id else None),
    ]


def agreement_columns(with_unit: bool = True) -> list[Column]:
    columns = [Column(_("Số văn bản"), "number", link=agreement_link), Column(_("Chi nhánh"), "branch.name")]
    if with_unit:
        columns.append(Column(_("Đơn vị hội"), "association_unit.name"))
    return [
        *columns,
        Column(_("Ngày ký"), "signed_on"),
        Column(_("Hiệu lực từ"), "effective_from"),
        Column(_("Hiệu lực đến"), "effective_to"),
        Column(_("Trạng thái"), "get_status_display"),
    ]


# --- organizations ----------------------------------------------------------------------------------------

@login_required
def organization_list(request):
    units = unit_queryset_for(request.user)
    organizations = organization_queryset_for(request.user).order_by("code").annotate(
        unit_count=Count("units", filter=Q(units__in=units))
    )
    return list_page(
        request,
        title=_("Tổ chức chính trị - xã hội nhận ủy thác"),
        queryset=organizations,
        columns=[
            *code_and_name(_("Mã ĐVUT"), organization_link),
            Column(_("Viết tắt"), "short_name"),
            Column(_("Số đơn vị trong phạm vi"), "unit_count"),
        ],
        code_fields=("code", "short_name", "name"),
        name_fields=(),
    )


@login_required
def organization_detail(request, code):
    user = request.user
    organization = fetch_or_404(organization_queryset_for(user), code=code)
    units = unit_queryset_for(user).filter(organization=organization).select_related("province", "commune")
    return detail_page(
        request,
        title=organization.name,
        breadcrumbs=[
            Breadcrumb(_("Tổ chức hội"), reverse("organization-list")),
            Breadcrumb(organization.short_name, organization_link(organization)),
        ],
        fields=[
            DetailField(_("Mã ĐVUT"), organization.code),
            DetailField(_("Viết tắt"), organization.short_name),
            DetailField(_("Số đơn vị trong phạm vi"), units.count()),
        ],
        actions=[
            Action(_("Thêm đơn vị hội"), reverse("unit-create") + f"?organization={organization.code}", secondary=True)
            if can_write_unit(user) and (not user.organization_id or user.organization_id == organization.pk)
            else None,
        ],
        sections=[Section(_("Đơn vị hội trong phạm vi của bạn"), unit_columns(with_organization=False), units[:500])],
    )


# --- association units ------------------------------------------------------------------------------------

@login_required
def unit_list(request):
    return list_page(
        request,
        title=_("Đơn vị hội đoàn thể"),
        queryset=unit_queryset_for(request.user).select_related("organization", "commune", "province"),
        columns=unit_columns(),
        create_url=reverse("unit-create") if can_write_unit(request.user) else None,
        create_label=_("Thêm đơn vị hội"),
    )


@login_required
def unit_detail(request, code):
    user = request.user
    unit = access_unit(user, code)
    visible_units = unit_queryset_for(user)
    parent = unit.parent
    parent_visible = parent is not None and visible_units.filter(pk=parent.pk).exists()
    children = visible_units.filter(parent=unit).select_related("organization", "province", "commune")
    groups = (
        group_queryset_for(user).filter(association_unit=unit)
        .select_related("commune", "association_unit__organization")
    )
    agreements = agreement_queryset_for(user).filter(association_unit=unit).select_related("branch")
    contracts = contract_queryset_for(user).filter(association_unit=unit).select_related("office")
    province_visible = unit.province is not None and province_queryset_for(user).filter(pk=unit.province_id).exists()
    may_edit = can_write_unit(user, unit)
    is_commune_unit = unit.level == UnitLevel.COMMUNE
    sections = []
    if not is_commune_unit:
        sections.append(Section(_("Đơn vị cấp dưới"), unit_columns(with_organization=False), children))
    sections.append(Section(_("Tổ TK&VV do đơn vị quản lý"), group_columns(), groups))
    if is_commune_unit or contracts:
        sections.append(Section(_("Hợp đồng ủy thác (HĐUT)"), contract_columns(with_unit=False), contracts))
    if not is_commune_unit or agreements:
        sections.append(Section(_("Văn bản liên tịch / thỏa thuận"), agreement_columns(with_unit=False), agreements))
    return detail_page(
        request,
        title=unit.name,
        breadcrumbs=unit_crumbs(unit),
        audit_url=reverse("audit", args=["associationunit", unit.code]),
        fields=[
            DetailField(_("Mã đơn vị"), unit.code),
            DetailField(_("Tổ chức"), unit.organization.name, organization_link(unit.organization)),
            DetailField(_("Cấp"), unit.get_level_display()),
            DetailField(_("Tỉnh"), unit.province.name if unit.province else None,
                        link_if(province_visible, province_link(unit.province)) if unit.province else None),
            DetailField(_("Xã"), unit.commune.name if unit.commune else None,
                        commune_link(unit.commune) if unit.commune else None),
            DetailField(_("Huyện (cũ)"), unit.legacy_district.name if unit.legacy_district else None),
            DetailField(_("Cấp trên"), parent.name if parent else None,
                        link_if(parent_visible, unit_link(parent)) if parent else None),
            DetailField(_("Hiệu lực từ"), unit.valid_from),
            DetailField(_("Hiệu lực đến"), unit.valid_to),
            DetailField(_("Cán bộ chuyên trách"), unit.officer_name),
            DetailField(_("Điện thoại"), unit.officer_phone),
        ],
        actions=[
            edit_action("unit-edit", unit.code, may_edit),
            Action(_("Điểm đánh giá"), reverse("score-unit", args=[unit.code]), secondary=True)
            if is_commune_unit else None,
            Action(_("Tập huấn"), reverse("training-list") + f"?unit={unit.code}", secondary=True),
            Action(_("Thêm đơn vị cấp dưới"), reverse("unit-create") + f"?parent={unit.code}", secondary=True)
            if may_edit and not is_commune_unit else None,
            Action(_("Thêm hợp đồng ủy thác"), reverse("contract-create") + f"?unit={unit.code}", secondary=True)
            if is_commune_unit and can_write_contract(user) else None,
            Action(_("Thêm văn bản liên tịch"), reverse("agreement-create") + f"?unit={unit.code}", secondary=True)
            if not is_commune_unit and can_write_agreement(user) else None,
        ],
        sections=sections,
    )


# --- joint agreements and entrustment contracts: shared parts ------------------------------------------------

def _document_list(request, queryset, *, signer: str, **options):
    """Agreements and contracts: searched by number, unit name and the signing bank unit's (``signer``) name."""
    return list_page(
        request,
        queryset=queryset.select_related(signer, "association_unit"),
        code_fields=("number",),
        name_fields=("association_unit__name_search", f"{signer}__name_search"),
        **options,
    )


def _document_fields(document) -> list[DetailField]:
    """Detail fields an agreement and a contract share (``network.models.SignedAgreement``)."""
    return [
        DetailField(_("Ngày ký"), document.signed_on),
        DetailField(_("Hiệu lực từ"), document.effective_from),
        DetailField(_("Hiệu lực đến"), document.effective_to),
        DetailField(_("Trạng thái"), document.get_status_display()),
        DetailField(_("Người ký phía NHCSXH"), document.bank_signatory),
        DetailField(_("Người ký phía hội"), document.association_signatory),
        DetailField(_("Ghi chú"), document.note),
    ]


# --- joint agreements (VBLT) ------------------------------------------------------------------------------

@login_required
def agreement_list(request):
    return _document_list(
        request, agreement_queryset_for(request.user), signer="branch",
        create_url=reverse("agreement-create") if can_write_agreement(request.user) else None,
        title=_("Văn bản liên tịch / thỏa thuận"),
        columns=agreement_columns(),
        create_label=_("Thêm văn bản liên tịch"),
    )


def agreement_crumbs(agreement) -> list[Breadcrumb]:
    return [*unit_crumbs(agreement.association_unit), Breadcrumb(agreement.number, agreement_link(agreement))]


@login_required
def agreement_detail(request, pk):
    user = request.user
    agreement = access_agreement(user, pk)
    unit = agreement.association_unit
    branch_visible = branch_queryset_for(user).filter(pk=agreement.branch_id).exists()
    return detail_page(
        request,
        title=_("Văn bản liên tịch số %(number)s") % {"number": agreement.number},
        breadcrumbs=agreement_crumbs(agreement),
        audit_url=reverse("audit", args=["jointagreement", agreement.pk]),
        fields=[
            DetailField(_("Số văn bản"), agreement.number),
            DetailField(_("Chi nhánh NHCSXH"), agreement.branch.name,
                        link_if(branch_visible, branch_link(agreement.branch))),
            DetailField(_("Đơn vị hội"), unit.name, unit_link(unit)),
            *_document_fields(agreement),
        ],
        actions=[edit_action("agreement-edit", agreement.pk, can_write_agreement(user))],
    )


# --- entrustment contracts (HĐUT) -------------------------------------------------------------------------

@login_required
def contract_list(request):
    return _document_list(
        request, contract_queryset_for(request.user), signer="office",
        create_url=reverse("contract-create") if can_write_contract(request.user) else None,
        title=_("Hợp đồng ủy thác"),
        columns=contract_columns(),
        create_label=_("Thêm hợp đồng ủy thác"),
    )


def contract_crumbs(contract) -> list[Breadcrumb]:
    return [*unit_crumbs(contract.association_unit), Breadcrumb(contract.number, contract_link(contract))]


@login_required
def contract_detail(request, pk):
    user = request.user
    contract = access_contract(user, pk)
    unit = contract.association_unit
    office_visible = office_queryset_for(user).filter(pk=contract.office_id).exists()
    return detail_page(
        request,
        title=_("Hợp đồng ủy thác số %(number)s") % {"number": contract.number},
        breadcrumbs=contract_crumbs(contract),
        audit_url=reverse("audit", args=["entrustmentcontract", contract.pk]),
        fields=[
            DetailField(_("Số hợp đồng"), contract.number),
            DetailField(_("Phòng giao dịch"), contract.office.name,
                        link_if(office_visible, office_link(contract.office))),
            DetailField(_("Hội cấp xã"), unit.name, unit_link(unit)),
            *_document_fields(contract),
        ],
        actions=[edit_action("contract-edit", contract.pk, can_write_contract(user))],
    )


# --- create and edit --------------------------------------------------------------------------------------

def _unit_initial(request, user) -> dict:
    """Preselections from the page the user came from: ``?parent=``, ``?organization=`` or ``?commune=``."""
    initial = {}
    organization = request.GET.get("organization", "").strip()
    if organization:
        found = organization_queryset_for(user).filter(code=organization).first()
        if found is not None:
            initial["organization"] = found
    parent_code = request.GET.get("parent", "").strip()
    parent = parent_unit_queryset_for(user).filter(code=parent_code).first() if parent_code else None
    if parent is not None:
        initial.update(parent=parent, organization=parent.organization, province=parent.province,
                       level=UnitLevel.PROVINCE if parent.level == UnitLevel.CENTRAL else UnitLevel.COMMUNE)
    return initial


@login_required
def unit_create_page(request):
    user = request.user
    deny_unless(can_write_unit(user))
    return form_page(
        request,
        title=_("Thêm đơn vị hội"),
        form_class=UnitForm,
        form_kwargs={"actor": user, "initial": _unit_initial(request, user)},
        service=lambda data: unit_create(actor=user, **UnitForm.values(data)),
        success_url=unit_link,
        success_message=_("Đã thêm đơn vị hội."),
        breadcrumbs=[Breadcrumb(_("Đơn vị hội"), reverse("unit-list")), Breadcrumb(_("Thêm mới"))],
        cancel_url=reverse("unit-list"),
        intro=_("Đơn vị cấp tỉnh chọn tỉnh; đơn vị cấp xã chọn xã (tỉnh theo xã); đơn vị cấp huyện chỉ để lưu "
                "lịch sử trước 01/07/2025."),
    )


@login_required
def unit_edit_page(request, code):
    user = request.user
    unit = access_unit(user, code, for_write=True)
    return edit_page(
        request, unit, link=unit_link, trail=unit_crumbs(unit),
        title=_("Sửa đơn vị hội %(code)s") % {"code": unit.code},
        intro=_("%(organization)s · %(level)s") % {"organization": unit.organization.name,
                                                   "level": unit.get_level_display()},
        form_class=UnitForm,
        form_kwargs={"editing": unit},
        service=lambda data: unit_update(actor=user, unit=unit, **UnitForm.values(data)),
        success_message=_("Đã lưu đơn vị hội."),
    )


@login_required
def agreement_create_page(request):
    user = request.user
    deny_unless(can_write_agreement(user))
    initial = {}
    unit_code = request.GET.get("unit", "").strip()
    unit = unit_queryset_for(user).filter(code=unit_code).first() if unit_code else None
    if unit is not None:
        initial["association_unit"] = unit
        branch = agreement_branch_queryset_for(user).filter(province_id=unit.province_id).first()
        if branch is not None:
            initial["branch"] = branch
    return form_page(
        request,
        title=_("Thêm văn bản liên tịch"),
        form_class=AgreementForm,
        form_kwargs={"actor": user, "initial": initial},
        service=lambda data: joint_agreement_create(actor=user, **AgreementForm.values(data)),
        success_url=agreement_link,
        success_message=_("Đã thêm văn bản liên tịch."),
        breadcrumbs=[*(unit_crumbs(unit) if unit else [Breadcrumb(_("Văn bản liên tịch"),
                                                                  reverse("agreement-list"))]),
                     Breadcrumb(_("Thêm văn bản liên tịch"))],
        cancel_url=unit_link(unit) if unit else reverse("agreement-list"),
    )


@login_required
def agreement_edit_page(request, pk):
    user = request.user
    agreement = access_agreement(user, pk, for_write=True)
    return edit_page(
        request, agreement, link=agreement_link, trail=agreement_crumbs(agreement),
        title=_("Sửa văn bản liên tịch %(number)s") % {"number": agreement.number},
        form_class=AgreementForm,
        service=lambda data: joint_agreement_update(actor=user, agreement=agreement, **AgreementForm.values(data)),
        success_message=_("Đã lưu văn bản liên tịch."),
    )


@login_required
def contract_create_page(request):
    user = request.user
    deny_unless(can_write_contract(user))
    initial = {}
    unit_code = request.GET.get("unit", "").strip()
    unit = (
        unit_queryset_for(user).filter(code=unit_code, level=UnitLevel.COMMUNE).first() if unit_code else None
    )
    offices = office_queryset_for(user)
    if unit is not None:
        initial["association_unit"] = unit
        offices = offices.filter(communes=unit.commune_id)
    office_code = request.GET.get("office", "").strip()
    office = offices.filter(code=office_code).first() if office_code else offices.first() if unit else None
    if office is not None:
        initial["office"] = office
    crumbs = (
        unit_crumbs(unit) if unit else [Breadcrumb(_("Hợp đồng ủy thác"), reverse("contract-list"))]
    )
    return form_page(
        request,
        title=_("Thêm hợp đồng ủy thác"),
        form_class=ContractForm,
        form_kwargs={"actor": user, "initial": initial},
        service=lambda data: entrustment_contract_create(actor=user, **ContractForm.values(data)),
        success_url=contract_link,
        success_message=_("Đã thêm hợp đồng ủy thác."),
        breadcrumbs=[*crumbs, Breadcrumb(_("Thêm hợp đồng ủy thác"))],
        cancel_url=unit_link(unit) if unit else reverse("contract-list"),
    )


@login_required
def contract_edit_page(request, pk):
    user = request.user
    contract = access_contract(user, pk, for_write=True)
    return edit_page(
        request, contract, link=contract_link, trail=contract_crumbs(contract),
        title=_("Sửa hợp đồng ủy thác %(number)s") % {"number": contract.number},
        form_class=ContractForm,
        service=lambda data: entrustment_contract_update(actor=user, contract=contract, **ContractForm.values(data)),
        success_message=_("Đã lưu hợp đồng ủy thác."),
    )


urlpatterns = [
    path("organizations/", organization_list, name="organization-list"),
    path("organizations/<str:code>/", organization_detail, name="organization-detail"),
    path("units/", unit_list, name="unit-list"),
    path("units/new/", unit_create_page, name="unit-create"),
    path("units/<str:code>/", unit_detail, name="unit-detail"),
    path("units/<str:code>/edit/", unit_edit_page, name="unit-edit"),
    path("agreements/", agreement_list, name="agreement-list"),
    path("agreements/new/", agreement_create_page, name="agreement-create"),
    path("agreements/<int:pk>/", agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/edit/", agreement_edit_page, name="agreement-edit"),
    path("contracts/", contract_list, name="contract-list"),
    path("contracts/new/", contract_create_page, name="contract-create"),
    path("contracts/<int:pk>/", contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/edit/", contract_edit_page, name="contract-edit"),
]
