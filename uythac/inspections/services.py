"""Recording and correcting inspections (no deletion: a wrong record is corrected, and the correction is audited).

``inspection_record(*, actor, subject_kind, subject, level, inspected_on, reason, …) -> Inspection``
    The subject (a loan number, customer code, group code or association unit code) is fetched through its guarded
    fetch: out of the actor's scope reads as missing. The actor records at a level their role works at
    (``uythac.inspections.access.LEVELS_BY_ROLE``); an association level inspects its own organization's subjects.
``inspection_correct(*, actor, inspection, note, **changes) -> Inspection``
    Within ``inspection.correction`` days (RuleValue, 30) of the entry; afterwards only the system administrator.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uythac.accounts.access import access_unit
from uythac.accounts.models import ASSOCIATION_ROLES, Role
from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import (
    apply_changes,
    check_not_before,
    clean_choice,
    clean_date,
    clean_text,
    fetch_referenced,
    format_date,
    today,
)
from uythac.groups.access import access_group
from uythac.groups.models import GroupMembership
from uythac.households.access import access_household
from uythac.inspections.access import access_inspection, recordable_levels
from uythac.inspections.models import (
    ASSOCIATION_LEVELS,
    Inspection,
    InspectionReason,
    InspectorLevel,
    MisappropriationLevel,
    SubjectKind,
    UseOfFunds,
)
from uythac.inspections.rules import correction_days
from uythac.loans.access import access_loan
from uythac.network.models import Organization, UnitLevel

EDITABLE = ("inspected_on", "reason", "inspector_name", "use_of_funds", "misappropriation_level", "findings",
            "follow_up_required")
IMMUTABLE = {
    "subject_kind": gettext_lazy("Không được đổi đối tượng kiểm tra; hãy ghi một lần kiểm tra mới."),
    "subject": gettext_lazy("Không được đổi đối tượng kiểm tra; hãy ghi một lần kiểm tra mới."),
    "level": gettext_lazy("Không được đổi cấp kiểm tra; hãy ghi một lần kiểm tra mới."),
    "organization": gettext_lazy("Không được đổi tổ chức hội kiểm tra; hãy ghi một lần kiểm tra mới."),
}
#: Reasons that name what the subject must be (727 targets).
REASON_SUBJECT = {
    InspectionReason.POST_DISBURSEMENT: SubjectKind.LOAN,
    InspectionReason.INACTIVE_3M: SubjectKind.LOAN,
    InspectionReason.ANNUAL_GROUP: SubjectKind.GROUP,
}


def _subject(actor, kind: str, value, group) -> dict:
    """Fetch the subject through its guarded fetch and copy its place and managing unit."""
    if kind == SubjectKind.LOAN:
        loan = fetch_referenced(access_loan, actor, value, field="subject", attr="loan_number",
                                message=_("Không tìm thấy món vay «%(code)s»."), empty=_("Chưa chọn món vay."))
        if group not in (None, "") and (loan.group is None or loan.group.code != str(getattr(group, "code", group))
                                        .strip().zfill(7)):
            raise DomainError(_("Món vay %(loan)s không thuộc tổ %(group)s.")
                              % {"loan": loan.loan_number, "group": getattr(group, "code", group)}, field="subject")
        return {"loan": loan, "household": loan.household, "group": loan.group, "managing_unit": loan.association_unit,
                "commune": loan.commune, "province_id": loan.commune.province_id, "starts_on": loan.disbursed_on,
                "starts_label": _("ngày giải ngân")}
    if kind == SubjectKind.HOUSEHOLD:
        household = fetch_referenced(access_household, actor, value, field="subject", attr="customer_code",
                                     message=_("Không tìm thấy hộ vay «%(code)s»."), empty=_("Chưa chọn hộ vay."))
        membership = (GroupMembership.objects.filter(household=household, left_on__isnull=True)
                      .select_related("group__association_unit").first())
        current = membership.group if membership else None
        return {"household": household, "group": current, "commune": household.commune,
                "managing_unit": current.association_unit if current else None,
                "province_id": household.commune.province_id, "starts_on": None, "starts_label": ""}
    if kind == SubjectKind.GROUP:
        found = fetch_referenced(access_group, actor, value, field="subject",
                                 message=_("Không tìm thấy tổ TK&VV «%(code)s»."), empty=_("Chưa chọn tổ TK&VV."))
        return {"group": found, "managing_unit": found.association_unit, "commune": found.commune,
                "province_id": found.commune.province_id, "starts_on": found.established_on,
                "starts_label": _("ngày thành lập tổ")}
    if kind == SubjectKind.UNIT:
        unit = fetch_referenced(access_unit, actor, value, field="subject",
                                message=_("Không tìm thấy đơn vị hội «%(code)s»."), empty=_("Chưa chọn đơn vị hội."))
        if unit.level not in {UnitLevel.DISTRICT, UnitLevel.COMMUNE}:
            raise DomainError(_("Chỉ ghi kiểm tra đơn vị hội cấp huyện (cũ) hoặc cấp xã."), field="subject")
        return {"inspected_unit": unit, "managing_unit": unit, "commune": unit.commune,
                "province_id": unit.province_id, "starts_on": None, "starts_label": ""}
    raise DomainError(_("Đối tượng kiểm tra không hợp lệ."), field="subject_kind")


def _organization(actor, level: str, organization) -> Organization | None:
    if level not in ASSOCIATION_LEVELS:
        if organization not in (None, ""):
            raise DomainError(_("Chỉ ghi tổ chức hội khi hội kiểm tra."), field="organization")
        return None
    if actor is not None and actor.role in ASSOCIATION_ROLES:
        own = Organization.objects.get(pk=actor.organization_id)
        if organization not in (None, "") and str(getattr(organization, "code", organization)) != own.code:
            raise DomainError(_("Bạn chỉ ghi kết quả kiểm tra của hội mình."), field="organization")
        return own
    code = str(getattr(organization, "code", organization or "")).strip()
    found = Organization.objects.filter(code=code).first() if code else None
    if found is None:
        raise DomainError(_("Chưa chọn tổ chức hội kiểm tra."), field="organization")
    return found


def _clean_findings(raw: dict, subject_kind: str, subject: dict) -> dict:
    inspected_on = clean_date(raw.get("inspected_on"), field="inspected_on", label=_("ngày kiểm tra"))
    if subject.get("starts_on"):
        check_not_before(inspected_on, subject["starts_on"], field="inspected_on", label=_("ngày kiểm tra"),
                         bound_label=subject["starts_label"])
    reason = clean_choice(raw.get("reason"), InspectionReason, field="reason", label=_("lý do kiểm tra"))
    needed = REASON_SUBJECT.get(reason)
    if needed is not None and needed != subject_kind:
        raise DomainError(_("Lý do «%(reason)s» chỉ dùng cho đối tượng «%(kind)s».")
                          % {"reason": InspectionReason(reason).label, "kind": SubjectKind(needed).label},
                          field="reason")
    use = clean_choice(raw.get("use_of_funds") or UseOfFunds.NOT_CHECKED, UseOfFunds, field="use_of_funds",
                       label=_("sử dụng vốn vay"))
    if use != UseOfFunds.NOT_CHECKED and subject_kind not in {SubjectKind.LOAN, SubjectKind.HOUSEHOLD}:
        raise DomainError(_("Kết quả sử dụng vốn chỉ ghi khi kiểm tra món vay hoặc hộ vay."), field="use_of_funds")
    level = raw.get("misappropriation_level") or ""
    if level:
        clean_choice(level, MisappropriationLevel, field="misappropriation_level", label=_("cấp chiếm dụng"))
    return {
        "inspected_on": inspected_on, "reason": reason, "use_of_funds": use, "misappropriation_level": level,
        "inspector_name": clean_text(raw.get("inspector_name"), field="inspector_name",
                                     label=_("người/đoàn kiểm tra"), max_length=150),
        "findings": clean_text(raw.get("findings"), field="findings", label=_("kết quả kiểm tra"), required=False,
                               multiline=True, max_length=4000),
        "follow_up_required": bool(raw.get("follow_up_required")),
    }


@transaction.atomic
def inspection_record(
    *, actor, subject_kind: str, subject, level: str, inspected_on: dt.date, reason: str, inspector_name: str,
    organization=None, group=None, use_of_funds: str = UseOfFunds.NOT_CHECKED, misappropriation_level: str = "",
    findings: str = "", follow_up_required: bool = False,
) -> Inspection:
    if actor is not None and level not in recordable_levels(actor):
        raise DomainError(_("Bạn không được ghi kết quả kiểm tra ở cấp này."), field="level")
    if level not in InspectorLevel.values:
        raise DomainError(_("Cấp kiểm tra không hợp lệ."), field="level")
    kind = clean_choice(subject_kind, SubjectKind, field="subject_kind", label=_("đối tượng kiểm tra"))
    if kind == SubjectKind.UNIT and level == InspectorLevel.ASSOCIATION_COMMUNE:
        raise DomainError(_("Hội cấp xã không kiểm tra đơn vị hội."), field="subject_kind")
    place = _subject(actor, kind, subject, group)
    inspecting = _organization(actor, level, organization)
    managing = place.get("managing_unit")
    if inspecting is not None and (managing is None or managing.organization_id != inspecting.pk):
        raise DomainError(_("Hội chỉ kiểm tra tổ, hộ vay, món vay và đơn vị do hội mình quản lý."), field="subject")
    data = _clean_findings(
        {"inspected_on": inspected_on, "reason": reason, "use_of_funds": use_of_funds, "findings": findings,
         "misappropriation_level": misappropriation_level, "inspector_name": inspector_name,
         "follow_up_required": follow_up_required},
        kind, place,
    )
    del place["starts_on"], place["starts_label"]
    inspection = Inspection.objects.create(
        level=level, organization=inspecting, inspector=actor if getattr(actor, "pk", None) else None,
        subject_kind=kind, entered_on=today(), **place, **data,
    )
    audit_event_record(actor=actor, action="inspection.record", instance=inspection, before=None,
                       after=snapshot(inspection), parent=inspection.group)
    return inspection


@transaction.atomic
def inspection_correct(*, actor, inspection, note: str, **changes) -> Inspection:
    apply_changes(changes, EDITABLE, immutable=IMMUTABLE)
    pk = getattr(inspection, "pk", inspection)
    if actor is not None:
        access_inspection(actor, pk, for_write=True)
    target = Inspection.objects.select_for_update().get(pk=pk)
    reason_note = clean_text(note, field="note", label=_("lý do sửa"), max_length=255)
    limit = correction_days(target.entered_on)
    if actor is not None and actor.role != Role.ADMIN and today() > target.entered_on + dt.timedelta(days=limit):
        raise DomainError(
            _("Chỉ được sửa kết quả kiểm tra trong %(days)d ngày kể từ ngày nhập (%(date)s).")
            % {"days": limit, "date": format_date(target.entered_on)},
            field="inspected_on",
        )
    starts = {SubjectKind.LOAN: (target.loan.disbursed_on if target.loan_id else None, _("ngày giải ngân")),
              SubjectKind.GROUP: (target.group.established_on if target.group_id else None, _("ngày thành lập tổ"))}
    starts_on, starts_label = starts.get(target.subject_kind, (None, ""))
    raw = {field: getattr(target, field) for field in EDITABLE}
    raw.update(changes)
    data = _clean_findings(raw, target.subject_kind, {"starts_on": starts_on, "starts_label": starts_label})
    before = snapshot(target)
    for field, value in data.items():
        setattr(target, field, value)
    if snapshot(target) == before:
        return target
    # A check cannot have been entered before it took place: a later inspection date moves the entry date with it.
    target.entered_on = max(target.entered_on, target.inspected_on)
    target.correction_count += 1
    target.corrected_at = timezone.now()
    target.save()
    audit_event_record(actor=actor, action="inspection.correct", instance=target, before=before,
                       after=snapshot(target), note=reason_note, parent=target.group)
    return target
