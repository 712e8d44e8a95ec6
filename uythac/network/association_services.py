"""Write services for the entrusted organizations' units and the documents they sign.

- Association units (Hội cấp tỉnh / cấp xã …): level and places must agree — CENTRAL has no place, PROVINCE a
  province, COMMUNE a commune (its province follows), DISTRICT (pre-2025, history only) a former district and an
  end date not after 30/06/2025. One current unit per organization per commune / province. The parent is a unit of
  the same organization one level up. Writers: ``can_write_unit`` (administrator, branch staff, the province
  officer of that organization).
- Joint agreements (văn bản liên tịch, VBLT): between the provincial branch and a province-level (or, historically,
  district-level) unit of the same province; number unique per branch. Writers: ``can_write_agreement``.
- Entrustment contracts (hợp đồng ủy thác, HĐUT): between a PGD and a commune-level unit of a commune the PGD
  serves; number unique per PGD. Writers: ``can_write_contract`` (bank staff).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from uythac.accounts.access import (
    access_agreement,
    access_branch,
    access_commune,
    access_contract,
    access_office,
    access_province,
    access_unit,
    can_write_agreement,
    can_write_contract,
    can_write_unit,
    province_queryset_for,
)
from uythac.accounts.models import Role
from uythac.accounts.scope import scope_for
from uythac.core.access import deny_unless
from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import (
    apply_changes,
    check_not_before,
    clean_choice,
    clean_date,
    clean_phone,
    clean_text,
    code_of,
    fetch_referenced,
    format_date,
    is_missing,
    today,
    update_with_audit,
)
from uythac.geography.models import LEGACY_VALID_TO, LegacyDistrict
from uythac.network.models import (
    AgreementStatus,
    AssociationUnit,
    BankUnitLevel,
    Branch,
    EntrustmentContract,
    JointAgreement,
    Organization,
    UnitLevel,
)

UNIT_EDITABLE_FIELDS = (
    "name", "province", "commune", "legacy_district", "parent", "valid_from", "valid_to", "officer_name",
    "officer_phone",
)
DOCUMENT_FIELDS = (
    "number", "association_unit", "signed_on", "effective_from", "effective_to", "status", "bank_signatory",
    "association_signatory", "note",
)
AGREEMENT_EDITABLE_FIELDS = ("branch", *DOCUMENT_FIELDS)
CONTRACT_EDITABLE_FIELDS = ("office", *DOCUMENT_FIELDS)
PARENT_LEVEL = {
    UnitLevel.PROVINCE: UnitLevel.CENTRAL,
    UnitLevel.DISTRICT: UnitLevel.PROVINCE,
    UnitLevel.COMMUNE: UnitLevel.PROVINCE,
}


# --- association units ---------------------------------------------------------------------------------------

def _unit_places(actor, level: str, raw: dict) -> dict:
    """Province / commune / former district for the level, each inside the actor's scope."""
    province = commune = legacy_district = None
    if level == UnitLevel.CENTRAL:
        if not (is_missing(raw["province"]) and is_missing(raw["commune"]) and is_missing(raw["legacy_district"])):
            raise DomainError(_("Đơn vị cấp trung ương không gắn với tỉnh, huyện hay xã."), field="province")
        return {"province": None, "commune": None, "legacy_district": None}
    if level != UnitLevel.DISTRICT and not is_missing(raw["legacy_district"]):
        raise DomainError(_("Chỉ đơn vị cấp huyện (trước 01/07/2025) mới gắn với huyện cũ."), field="legacy_district")
    if level != UnitLevel.COMMUNE and not is_missing(raw["commune"]):
        raise DomainError(_("Chỉ đơn vị cấp xã mới gắn với một xã."), field="commune")
    if level == UnitLevel.COMMUNE:
        if is_missing(raw["commune"]):
            raise DomainError(_("Đơn vị cấp xã phải gắn với một xã."), field="commune")
        commune = fetch_referenced(
            access_commune, actor, raw["commune"], field="commune",
            message=_("Xã %(code)s không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
        )
        if not is_missing(raw["province"]) and code_of(raw["province"]) != commune.province.code:
            raise DomainError(
                _("%(commune)s không thuộc tỉnh đã chọn.") % {"commune": commune.name}, field="province"
            )
        return {"province": commune.province, "commune": commune, "legacy_district": None}
    if level == UnitLevel.DISTRICT:
        if is_missing(raw["legacy_district"]):
            raise DomainError(_("Đơn vị cấp huyện phải gắn với một huyện cũ."), field="legacy_district")
        district_code = code_of(raw["legacy_district"])
        legacy_district = LegacyDistrict.objects.select_related("province").filter(code=district_code).first()
        if legacy_district is None:
            raise DomainError(_("Không có huyện cũ mã %(code)s.") % {"code": district_code}, field="legacy_district")
        if is_missing(raw["province"]) and legacy_district.province.successor_id is None:
            raise DomainError(_("Chưa chọn tỉnh hiện nay của huyện cũ."), field="province")
    if is_missing(raw["province"]):
        if level == UnitLevel.PROVINCE:
            raise DomainError(_("Đơn vị cấp tỉnh phải gắn với một tỉnh."), field="province")
        raw = {**raw, "province": legacy_district.province.successor}
    province = fetch_referenced(
        access_province, actor, raw["province"], field="province",
        message=_("Tỉnh %(code)s không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
    )
    if legacy_district is not None:
        successor_id = legacy_district.province.successor_id
        if successor_id is not None and successor_id != province.pk:
            raise DomainError(
                _("Huyện cũ %(district)s (%(old)s) không thuộc %(province)s.")
                % {"district": legacy_district.name, "old": legacy_district.province.name, "province": province.name},
                field="legacy_district",
            )
    return {"province": province, "commune": commune, "legacy_district": legacy_district}


def _unit_parent(actor, parent, *, organization: Organization, level: str, places: dict, current):
    if is_missing(parent):
        return None
    expected = PARENT_LEVEL.get(level)
    if expected is None:
        raise DomainError(_("Đơn vị cấp trung ương không có đơn vị cấp trên."), field="parent")
    parent_code = code_of(parent)
    found = AssociationUnit.objects.filter(code=parent_code, level=UnitLevel.CENTRAL).first()
    if found is None:  # central units are reference data; the others must be in the actor's scope
        found = fetch_referenced(
            access_unit, actor, parent_code, field="parent",
            message=_("Đơn vị cấp trên %(code)s không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
        )
    if current is not None and found.pk == current.pk:
        raise DomainError(_("Đơn vị không thể là cấp trên của chính nó."), field="parent")
    if found.organization_id != organization.pk:
        raise DomainError(
            _("Đơn vị cấp trên phải thuộc cùng tổ chức (%(organization)s).") % {"organization": organization.name},
            field="parent",
        )
    if found.level != expected:
        raise DomainError(
            _("Đơn vị cấp trên của đơn vị %(level)s phải là đơn vị %(expected)s.")
            % {"level": UnitLevel(level).label.lower(), "expected": UnitLevel(expected).label.lower()},
            field="parent",
        )
    if expected != UnitLevel.CENTRAL and found.province_id != places["province"].pk:
        raise DomainError(_("Đơn vị cấp trên phải ở cùng tỉnh."), field="parent")
    return found


def _clean_unit(actor, raw: dict, *, current: AssociationUnit | None) -> dict:
    organization, level = raw["organization"], raw["level"]
    places = _unit_places(actor, level, raw)
    valid_from = clean_date(raw["valid_from"], field="valid_from", label=_("ngày hiệu lực"), required=False)
    valid_to = clean_date(
        raw["valid_to"], field="valid_to", label=_("ngày hết hiệu lực"), required=False, allow_future=True
    )
    if valid_from and valid_to:
        check_not_before(valid_to, valid_from, field="valid_to", label=_("ngày hết hiệu lực"),
                         bound_label=_("ngày hiệu lực"))
    if level == UnitLevel.DISTRICT and (valid_to is None or valid_to > LEGACY_VALID_TO):
        raise DomainError(
            _("Cấp huyện đã bỏ từ 01/07/2025: đơn vị cấp huyện chỉ lưu lịch sử, ngày hết hiệu lực phải có và "
              "không sau %(date)s.") % {"date": format_date(LEGACY_VALID_TO)},
            field="valid_to",
        )
    if valid_to is None and level != UnitLevel.DISTRICT:
        place = {UnitLevel.COMMUNE: "commune", UnitLevel.PROVINCE: "province"}.get(level)
        others = AssociationUnit.objects.filter(organization=organization, level=level, valid_to__isnull=True)
        if place:
            others = others.filter(**{place: places[place]})
        if current is not None:
            others = others.exclude(pk=current.pk)
        other = others.first()
        if other is not None:
            raise DomainError(
                _("%(organization)s đã có đơn vị %(level)s đang hoạt động ở đây: %(code)s (%(name)s).")
                % {"organization": organization.name, "level": UnitLevel(level).label.lower(), "code": other.code,
                   "name": other.name},
                field=place or "level",
            )
    if current is not None and places["commune"] != current.commune and current.savings_groups.exists():
        raise DomainError(_("Không thể đổi xã của đơn vị vì đơn vị còn quản lý tổ TK&VV."), field="commune")
    return {
        "name": clean_text(raw["name"], field="name", label=_("tên đơn vị"), max_length=200),
        **places,
        "parent": _unit_parent(
            actor, raw["parent"], organization=organization, level=level, places=places, current=current
        ),
        "valid_from": valid_from,
        "valid_to": valid_to,
        "officer_name": clean_text(
            raw["officer_name"], field="officer_name", label=_("cán bộ chuyên trách"), max_length=150, required=False
        ),
        "officer_phone": clean_phone(raw["officer_phone"], field="officer_phone"),
    }


def unit_create(
    *, actor, code, organization, level, name, province=None, commune=None, legacy_district=None, parent=None,
    valid_from=None, valid_to=None, officer_name="", officer_phone="",
) -> AssociationUnit:
    """Create a unit of an organization at one level (places and parent checked against the level)."""
    deny_unless(can_write_unit(actor))
    with transaction.atomic():
        code = clean_text(code, field="code", label=_("mã đơn vị"), max_length=20).replace(" ", "")
        if AssociationUnit.objects.filter(code=code).exists():
            raise DomainError(_("Mã đơn vị %(code)s đã tồn tại.") % {"code": code}, field="code")
        organization_code = code_of(organization)
        found = Organization.objects.filter(code=organization_code).first()
        if found is None:
            raise DomainError(_("Không có tổ chức mã %(code)s.") % {"code": organization_code}, field="organization")
        if actor.role == Role.PROVINCE_ASSOCIATION and found.pk != actor.organization_id:
            raise DomainError(_("Bạn chỉ được quản lý đơn vị của tổ chức mình."), field="organization")
        level = clean_choice(level, UnitLevel, field="level", label=_("cấp đơn vị"))
        if level == UnitLevel.CENTRAL and actor.role != Role.ADMIN:
            raise DomainError(_("Chỉ quản trị hệ thống được tạo đơn vị cấp trung ương."), field="level")
        data = _clean_unit(
            actor,
            {
                "organization": found, "level": level, "name": name, "province": province, "commune": commune,
                "legacy_district": legacy_district, "parent": parent, "valid_from": valid_from, "valid_to": valid_to,
                "officer_name": officer_name, "officer_phone": officer_phone,
            },
            current=None,
        )
        unit = AssociationUnit(code=code, organization=found, level=level, **data)
        unit.save()
        audit_event_record(actor=actor, action="unit_create", instance=unit, before=None, after=snapshot(unit))
    return unit


def unit_update(*, actor, unit, **changes) -> AssociationUnit:
    """Change a unit's name, places, parent, validity or officer; organization, level and code are fixed."""
    apply_changes(
        changes, UNIT_EDITABLE_FIELDS,
        immutable={
            "code": _("Không thể thay đổi mã đơn vị."),
            "organization": _("Không thể đổi tổ chức của đơn vị; hãy tạo đơn vị mới."),
            "level": _("Không thể đổi cấp của đơn vị; hãy tạo đơn vị mới."),
        },
    )
    with transaction.atomic():
        found = access_unit(actor, code_of(unit), for_write=True)
        locked = AssociationUnit.objects.select_for_update(of=("self",))
        target = locked.select_related("organization", "commune").get(pk=found.pk)

        def clean(actor, raw, *, current):
            return _clean_unit(actor, {**raw, "organization": current.organization, "level": current.level},
                               current=current)

        return update_with_audit(actor, target, changes, UNIT_EDITABLE_FIELDS, clean, "unit_update")


# --- agreements and contracts: shared document fields ----------------------------------------------------------

def _clean_document(raw: dict) -> dict:
    status = clean_choice(raw["status"], AgreementStatus, field="status", label=_("trạng thái"))
    signed_on = clean_date(
        raw["signed_on"], field="signed_on", label=_("ngày ký"), allow_future=status == AgreementStatus.DRAFT
    )
    effective_from = clean_date(
        raw["effective_from"], field="effective_from", label=_("ngày hiệu lực"), allow_future=True
    )
    effective_to = clean_date(
        raw["effective_to"], field="effective_to", label=_("ngày hết hiệu lực"), required=False, allow_future=True
    )
    check_not_before(effective_from, signed_on, field="effective_from", label=_("ngày hiệu lực"),
                     bound_label=_("ngày ký"))
    if effective_to is not None:
        check_not_before(effective_to, effective_from, field="effective_to", label=_("ngày hết hiệu lực"),
                         bound_label=_("ngày hiệu lực"))
    if status == AgreementStatus.EXPIRED and (effective_to is None or effective_to > today()):
        raise DomainError(
            _("Văn bản hết hiệu lực phải có ngày hết hiệu lực không sau hôm nay."), field="effective_to"
        )
    return {
        "number": clean_text(raw["number"], field="number", label=_("số văn bản"), max_length=60),
        "signed_on": signed_on,
        "effective_from": effective_from,
        "effective_to": effective_to,
        "status": status,
        "bank_signatory": clean_text(
            raw["bank_signatory"], field="bank_signatory", label=_("người ký phía NHCSXH"), max_length=150
        ),
        "association_signatory": clean_text(
            raw["association_signatory"], field="association_signatory", label=_("người ký phía hội"),
            max_length=150,
        ),
        "note": clean_text(raw["note"], field="note", label=_("ghi chú"), max_length=2000, required=False),
    }


def _document_unit(actor, value, *, levels: tuple[str, ...], level_message: str) -> AssociationUnit:
    unit = fetch_referenced(
        access_unit, actor, value, field="association_unit", empty=_("Chưa chọn đơn vị hội."),
        message=_("Đơn vị hội %(code)s không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
    )
    if unit.level not in levels:
        raise DomainError(level_message, field="association_unit")
    return unit


def _ensure_number_free(model, number: str, *, current, message: str, **signer) -> None:
    """A document number is unique per signing bank unit (branch or PGD), whatever its letter case."""
    others = model.objects.filter(number__iexact=number, **signer)
    if current is not None:
        others = others.exclude(pk=current.pk)
    if others.exists():
        raise DomainError(message % {"number": number}, field="number")


def _document_create(actor, model, clean, action: str, raw: dict):
    with transaction.atomic():
        document = model.objects.create(**clean(actor, raw, current=None))
        audit_event_record(actor=actor, action=action, instance=document, before=None, after=snapshot(document))
    return document


def _document_update(actor, document, changes: dict, *, access, model, editable: tuple, clean, action: str):
    apply_changes(changes, editable)
    with transaction.atomic():
        found = access(actor, getattr(document, "pk", document), for_write=True)
        target = model.objects.select_for_update().get(pk=found.pk)
        return update_with_audit(actor, target, changes, editable, clean, action)


# --- joint agreements ---------------------------------------------------------------------------------------

def _agreement_branch(actor, value, *, unit: AssociationUnit) -> Branch:
    if is_missing(value):
        raise DomainError(_("Chưa chọn chi nhánh."), field="branch")
    message = _("Chi nhánh %(code)s không tồn tại hoặc không thuộc phạm vi quản lý của bạn.")
    if scope_for(actor).is_bank:
        branch = fetch_referenced(access_branch, actor, value, field="branch", message=message)
    else:
        # Association officers do not browse the bank's units: the branch of a province they cover will do.
        branch = Branch.objects.filter(code=code_of(value), province__in=province_queryset_for(actor)).first()
        if branch is None:
            raise DomainError(message % {"code": code_of(value)}, field="branch")
    if branch.level != BankUnitLevel.BRANCH or branch.province_id != unit.province_id:
        raise DomainError(
            _("%(branch)s không phải chi nhánh của tỉnh nơi có %(unit)s.") % {"branch": branch.name, "unit": unit.name},
            field="branch",
        )
    return branch


def _clean_agreement(actor, raw: dict, *, current: JointAgreement | None) -> dict:
    unit = _document_unit(
        actor, raw["association_unit"], levels=(UnitLevel.PROVINCE, UnitLevel.DISTRICT),
        level_message=_("Văn bản liên tịch được ký với đơn vị hội cấp tỉnh (hoặc cấp huyện trước 01/07/2025)."),
    )
    branch = _agreement_branch(actor, raw["branch"], unit=unit)
    data = _clean_document(raw)
    _ensure_number_free(
        JointAgreement, data["number"], branch=branch, current=current,
        message=_("Chi nhánh đã có văn bản số %(number)s."),
    )
    return {**data, "branch": branch, "association_unit": unit}


def joint_agreement_create(
    *, actor, number, branch, association_unit, signed_on, effective_from, bank_signatory, association_signatory,
    effective_to=None, status=AgreementStatus.ACTIVE, note="",
) -> JointAgreement:
    """Record a joint agreement (VBLT) between a provincial branch and a province-level association unit."""
    deny_unless(can_write_agreement(actor))
    raw = {
        "number": number, "branch": branch, "association_unit": association_unit, "signed_on": signed_on,
        "effective_from": effective_from, "effective_to": effective_to, "status": status,
        "bank_signatory": bank_signatory, "association_signatory": association_signatory, "note": note,
    }
    return _document_create(actor, JointAgreement, _clean_agreement, "joint_agreement_create", raw)


def joint_agreement_update(*, actor, agreement, **changes) -> JointAgreement:
    return _document_update(
        actor, agreement, changes, access=access_agreement, model=JointAgreement,
        editable=AGREEMENT_EDITABLE_FIELDS, clean=_clean_agreement, action="joint_agreement_update",
    )


# --- entrustment contracts -----------------------------------------------------------------------------------

def _clean_contract(actor, raw: dict, *, current: EntrustmentContract | None) -> dict:
    unit = _document_unit(
        actor, raw["association_unit"], levels=(UnitLevel.COMMUNE,),
        level_message=_("Hợp đồng ủy thác được ký với đơn vị hội cấp xã."),
    )
    office = fetch_referenced(
        access_office, actor, raw["office"], field="office", empty=_("Chưa chọn PGD."),
        message=_("PGD %(code)s không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
    )
    if not office.communes.filter(pk=unit.commune_id).exists():
        raise DomainError(
            _("%(office)s không phục vụ %(commune)s của %(unit)s.")
            % {"office": office.name, "commune": unit.commune.name, "unit": unit.name},
            field="office",
        )
    data = _clean_document(raw)
    _ensure_number_free(
        EntrustmentContract, data["number"], office=office, current=current,
        message=_("PGD đã có hợp đồng số %(number)s."),
    )
    return {**data, "office": office, "association_unit": unit}


def entrustment_contract_create(
    *, actor, number, office, association_unit, signed_on, effective_from, bank_signatory, association_signatory,
    effective_to=None, status=AgreementStatus.ACTIVE, note="",
) -> EntrustmentContract:
    """Record an entrustment contract (HĐUT) between a PGD and a commune-level unit of a commune it serves."""
    deny_unless(can_write_contract(actor))
    raw = {
        "number": number, "office": office, "association_unit": association_unit, "signed_on": signed_on,
        "effective_from": effective_from, "effective_to": effective_to, "status": status,
        "bank_signatory": bank_signatory, "association_signatory": association_signatory, "note": note,
    }
    return _document_create(actor, EntrustmentContract, _clean_contract, "entrustment_contract_create", raw)


def entrustment_contract_update(*, actor, contract, **changes) -> EntrustmentContract:
    return _document_update(
        actor, contract, changes, access=access_contract, model=EntrustmentContract,
        editable=CONTRACT_EDITABLE_FIELDS, clean=_clean_contract, action="entrustment_contract_update",
    )
