"""Forms for the bank network, villages, association units, joint agreements and entrustment contracts.

Forms only parse: every choice is limited to the user's scoped queryset, and the rules (code formats, places
agreeing with the level, one unit per commune, dates in order …) are checked by the services, whose
DomainErrors land on the named field. ``values(cleaned_data)`` turns a form's data into the service's keywords.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from uythac.accounts.access import (
    branch_queryset_for,
    commune_queryset_for,
    normalize_commune_code,
    office_queryset_for,
    organization_queryset_for,
    province_queryset_for,
    unit_queryset_for,
)
from uythac.accounts.models import Role
from uythac.accounts.scope import scope_for
from uythac.geography.models import VillageKind
from uythac.network.models import AgreementStatus, AssociationUnit, BankUnitLevel, Branch, UnitLevel
from uythac.web.crud import StyledFormMixin
from uythac.web.forms.fields import CodeChoiceField, CodeMultipleChoiceField


def _code(label, max_length, **kwargs):
    return forms.CharField(label=label, max_length=max_length, **kwargs)


def _commune_field(actor, **kwargs) -> CodeChoiceField:
    return CodeChoiceField(
        commune_queryset_for(actor).select_related("province"), label=_("Xã/phường"),
        normalize=normalize_commune_code, hint=_("Mã xã, 5 hoặc 6 số"), **kwargs,
    )


def _legacy_commune_field() -> forms.CharField:
    return forms.CharField(
        label=_("Mã xã cũ (trước 01/07/2025)"), max_length=5, required=False,
        help_text=_("Không bắt buộc: xã trước sáp nhập, để đối chiếu số liệu cũ."),
    )


class _ValuesForm(StyledFormMixin, forms.Form):
    """``values(data)`` → keyword arguments of the service (only the fields this form has)."""

    service_fields: tuple[str, ...] = ()

    @classmethod
    def values(cls, data: dict) -> dict:
        return {name: data.get(name) for name in cls.service_fields if name in data}


# --- branches ------------------------------------------------------------------------------------------------

class BranchForm(_ValuesForm):
    code = _code(_("Mã chi nhánh (6 số)"), 6)
    name = forms.CharField(label=_("Tên chi nhánh"), max_length=150)
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    service_fields = ("code", "name", "province", "address")

    def __init__(self, *args, actor, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"] = CodeChoiceField(
            province_queryset_for(actor), label=_("Tỉnh/thành phố"), required=False,
            normalize=lambda v: v.strip().zfill(2),
        )
        self.order_fields(["code", "name", "province", "address"])
        if editing is not None:
            del self.fields["code"]
            if editing.level == BankUnitLevel.HEAD_OFFICE:
                del self.fields["province"]

    @staticmethod
    def initial_for(branch) -> dict:
        return {"name": branch.name, "province": branch.province, "address": branch.address}


# --- transaction offices (PGD) ----------------------------------------------------------------------------

class OfficeForm(_ValuesForm):
    """The branch is fixed by the page (``?branch=`` or the office's own); communes are those of its province."""

    code = _code(_("Mã PGD (6 số)"), 6)
    name = forms.CharField(label=_("Tên PGD"), max_length=150)
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    is_active = forms.BooleanField(label=_("Đang hoạt động"), required=False, initial=True)
    service_fields = ("code", "name", "communes", "address", "is_active")

    def __init__(self, *args, actor, branch: Branch, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        communes = CodeMultipleChoiceField(
            commune_queryset_for(actor).filter(province_id=branch.province_id).order_by("name"),
            label=_("Các xã/phường phục vụ"), required=False, normalize=normalize_commune_code,
            hint=_("Mã xã, cách nhau bởi dấu phẩy"),
            help_text=_("Chỉ các xã/phường thuộc %(province)s (tỉnh của chi nhánh).")
            % {"province": branch.province.name if branch.province else "—"},
        )
        if not communes.uses_text_input:
            communes.widget = forms.CheckboxSelectMultiple(attrs={"class": "checkgrid"})
            communes.widget.choices = communes.choices
        self.fields["communes"] = communes
        self.order_fields(["code", "name", "communes", "address", "is_active"])
        if editing is not None:
            del self.fields["code"]

    @staticmethod
    def initial_for(office) -> dict:
        return {
            "name": office.name, "address": office.address, "is_active": office.is_active,
            "communes": list(office.communes.all()),
        }

    @classmethod
    def values(cls, data: dict) -> dict:
        values = super().values(data)
        values["communes"] = list(values.get("communes") or [])
        return values


# --- transaction points -----------------------------------------------------------------------------------

class PointForm(_ValuesForm):
    code = _code(_("Mã điểm giao dịch"), 20, help_text=_("Dạng TXN…, ví dụ TXN0001."))
    name = forms.CharField(label=_("Tên điểm giao dịch"), max_length=150)
    session_day_of_month = forms.IntegerField(
        label=_("Ngày giao dịch cố định hằng tháng"), required=False,
        help_text=_("Một ngày từ 1 đến 31; phiên giao dịch họp cả khi trùng thứ Bảy, Chủ nhật."),
    )
    location = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    is_active = forms.BooleanField(label=_("Đang hoạt động"), required=False, initial=True)
    service_fields = (
        "code", "name", "commune", "office", "session_day_of_month", "location", "legacy_commune", "is_active",
    )

    def __init__(self, *args, actor, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"] = CodeChoiceField(
            office_queryset_for(actor).filter(is_active=True) if editing is None else office_queryset_for(actor),
            label=_("Phòng giao dịch"), hint=_("Mã PGD, 6 số"),
        )
        self.fields["commune"] = _commune_field(actor, help_text=_("Xã phải do PGD đã chọn phục vụ."))
        self.fields["legacy_commune"] = _legacy_commune_field()
        self.order_fields(list(self.service_fields))
        if editing is not None:
            del self.fields["code"]

    @staticmethod
    def initial_for(point) -> dict:
        return {
            "name": point.name, "commune": point.commune, "office": point.office,
            "session_day_of_month": point.session_day_of_month, "location": point.location,
            "legacy_commune": point.legacy_commune.code if point.legacy_commune else "", "is_active": point.is_active,
        }


# --- villages --------------------------------------------------------------------------------------------

class VillageForm(_ValuesForm):
    code = _code(_("Mã thôn (8 số)"), 8)
    name = forms.CharField(label=_("Tên thôn"), max_length=100)
    kind = forms.ChoiceField(label=_("Loại"), choices=VillageKind.choices, initial=VillageKind.THON)
    is_active = forms.BooleanField(label=_("Đang hoạt động"), required=False, initial=True)
    service_fields = ("code", "name", "kind", "commune", "legacy_commune", "is_active")

    def __init__(self, *args, actor, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"] = _commune_field(actor)
        self.fields["legacy_commune"] = _legacy_commune_field()
        self.order_fields(list(self.service_fields))
        if editing is not None:
            del self.fields["code"]

    @staticmethod
    def initial_for(village) -> dict:
        return {
            "name": village.name, "kind": village.kind, "commune": village.commune, "is_active": village.is_active,
            "legacy_commune": village.legacy_commune.code if village.legacy_commune else "",
        }


# --- association units ------------------------------------------------------------------------------------

def parent_unit_queryset_for(actor):
    """Possible parents: province (or legacy district) units in scope, and the central units (reference data)."""
    in_scope = unit_queryset_for(actor).exclude(level=UnitLevel.COMMUNE).values("pk")
    units = AssociationUnit.objects.filter(Q(pk__in=in_scope) | Q(level=UnitLevel.CENTRAL))
    return units.filter(scope_for(actor).organization_q("organization")).select_related("organization")


class UnitForm(_ValuesForm):
    code = _code(_("Mã đơn vị"), 20)
    level = forms.ChoiceField(label=_("Cấp"), choices=UnitLevel.choices, initial=UnitLevel.COMMUNE)
    name = forms.CharField(label=_("Tên đơn vị"), max_length=200)
    legacy_district = forms.CharField(
        label=_("Mã huyện cũ (3 số)"), max_length=3, required=False,
        help_text=_("Chỉ cho đơn vị cấp huyện trước 01/07/2025."),
    )
    valid_from = forms.DateField(label=_("Hiệu lực từ"), required=False)
    valid_to = forms.DateField(label=_("Hiệu lực đến"), required=False)
    officer_name = forms.CharField(label=_("Cán bộ chuyên trách"), max_length=150, required=False)
    officer_phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    service_fields = (
        "code", "organization", "level", "name", "province", "commune", "legacy_district", "parent",
        "valid_from", "valid_to", "officer_name", "officer_phone",
    )

    def __init__(self, *args, actor, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = organization_queryset_for(actor)
        if actor.role == Role.PROVINCE_ASSOCIATION:
            organizations = organizations.filter(pk=actor.organization_id)
        self.fields["organization"] = CodeChoiceField(organizations, label=_("Tổ chức"))
        self.fields["province"] = CodeChoiceField(
            province_queryset_for(actor), label=_("Tỉnh/thành phố"), required=False,
            normalize=lambda v: v.strip().zfill(2), help_text=_("Đơn vị cấp xã lấy tỉnh của xã."),
        )
        self.fields["commune"] = _commune_field(actor, required=False, help_text=_("Chỉ cho đơn vị cấp xã."))
        self.fields["parent"] = CodeChoiceField(
            parent_unit_queryset_for(actor), label=_("Đơn vị cấp trên"), required=False, hint=_("Mã đơn vị"),
        )
        self.order_fields(list(self.service_fields))
        if editing is not None:
            for fixed in ("code", "organization", "level"):
                del self.fields[fixed]

    @staticmethod
    def initial_for(unit) -> dict:
        return {
            "name": unit.name, "province": unit.province, "commune": unit.commune,
            "legacy_district": unit.legacy_district.code if unit.legacy_district else "", "parent": unit.parent,
            "valid_from": unit.valid_from, "valid_to": unit.valid_to, "officer_name": unit.officer_name,
            "officer_phone": unit.officer_phone,
        }


# --- joint agreements and entrustment contracts ----------------------------------------------------------------

class _DocumentForm(_ValuesForm):
    number = forms.CharField(label=_("Số văn bản"), max_length=60)
    signed_on = forms.DateField(label=_("Ngày ký"), required=False)
    effective_from = forms.DateField(label=_("Hiệu lực từ"), required=False)
    effective_to = forms.DateField(label=_("Hiệu lực đến"), required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), choices=AgreementStatus.choices, initial=AgreementStatus.ACTIVE)
    bank_signatory = forms.CharField(label=_("Người ký phía NHCSXH"), max_length=150)
    association_signatory = forms.CharField(label=_("Người ký phía hội"), max_length=150)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    document_fields = (
        "number", "association_unit", "signed_on", "effective_from", "effective_to", "status", "bank_signatory",
        "association_signatory", "note",
    )

    @staticmethod
    def initial_for(document) -> dict:
        return {
            "number": document.number, "association_unit": document.association_unit,
            "signed_on": document.signed_on, "effective_from": document.effective_from,
            "effective_to": document.effective_to, "status": document.status,
            "bank_signatory": document.bank_signatory, "association_signatory": document.association_signatory,
            "note": document.note,
        }


def agreement_branch_queryset_for(actor):
    """Bank staff choose among the branches they see; association officers among the branches of their
    provinces (they do not browse the bank's units, but sign with their province's branch)."""
    if scope_for(actor).is_bank:
        branches = branch_queryset_for(actor)
    else:
        branches = Branch.objects.filter(province__in=province_queryset_for(actor))
    return branches.filter(level=BankUnitLevel.BRANCH)


class AgreementForm(_DocumentForm):
    service_fields = ("branch", *_DocumentForm.document_fields)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"] = CodeChoiceField(agreement_branch_queryset_for(actor), label=_("Chi nhánh NHCSXH"))
        self.fields["association_unit"] = CodeChoiceField(
            unit_queryset_for(actor).filter(level__in=[UnitLevel.PROVINCE, UnitLevel.DISTRICT]),
            label=_("Đơn vị hội cấp tỉnh"), hint=_("Mã đơn vị"),
        )
        self.fields["number"].help_text = _("Ví dụ 12/VBLT-NHCS-HND.")
        self.order_fields(list(self.service_fields))

    @staticmethod
    def initial_for(agreement) -> dict:
        return {**_DocumentForm.initial_for(agreement), "branch": agreement.branch}


class ContractForm(_DocumentForm):
    service_fields = ("office", *_DocumentForm.document_fields)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].label = _("Số hợp đồng")
        self.fields["number"].help_text = _("Ví dụ 05/HĐUT.")
        self.fields["office"] = CodeChoiceField(office_queryset_for(actor), label=_("Phòng giao dịch"),
                                                hint=_("Mã PGD, 6 số"))
        self.fields["association_unit"] = CodeChoiceField(
            unit_queryset_for(actor).filter(level=UnitLevel.COMMUNE).select_related("commune"),
            label=_("Hội cấp xã"), hint=_("Mã đơn vị"), help_text=_("Xã của hội phải do PGD đã chọn phục vụ."),
        )
        self.order_fields(list(self.service_fields))

    @staticmethod
    def initial_for(contract) -> dict:
        return {**_DocumentForm.initial_for(contract), "office": contract.office}
