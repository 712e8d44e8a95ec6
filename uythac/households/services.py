"""Write services for households: identity record, poverty status, kinship, moved-away status.

Each service runs in one transaction: guarded fetch of what it changes and of every object it refers to (the
actor's scope) → validation with a Vietnamese message naming the field → write → audit (before/after).
Who may write: ``households.access.can_write_households`` (not commune viewers, not group leaders).
Poverty records and kinships are filed in the audit trail under their household(s), so the household's audit
page shows them.
"""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.accounts.access import access_commune, access_village
from uythac.core.access import deny_unless, fetch_or_404
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
from uythac.households import validation
from uythac.households.access import access_household, can_write_households, household_queryset_for
from uythac.households.models import Household, Kinship, KinshipKind, PovertyStatus, PovertyStatusRecord

# Fields ``household_update`` may change. ``customer_code`` is the bank's key (URL, audit history): never changed
# here; the moved-away fields change only through their own services.
HOUSEHOLD_EDITABLE_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "national_id",
    "national_id_issued_on",
    "national_id_expires_on",
    "legacy_id_number",
    "phone",
    "commune",
    "village",
    "address",
    "member_count",
)
MEMBER_COUNT_MAX = 99  # input sanity: a household register never lists 100 people
POVERTY_FIRST_YEAR = 2000  # the table's check constraint


def _household_for_write(actor, household) -> Household:
    """The household, in the actor's scope and writable (404/403 otherwise), locked for this transaction."""
    found = access_household(actor, code_of(household, "customer_code"), for_write=True)
    locked = Household.objects.select_for_update(of=("self",))  # not the commune and village rows
    return locked.select_related("commune", "village").get(pk=found.pk)


def _clean_member_count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MEMBER_COUNT_MAX:
        raise DomainError(
            _("Số nhân khẩu phải là số nguyên từ 1 đến %(max)d.") % {"max": MEMBER_COUNT_MAX}, field="member_count"
        )
    return value


def _clean_place(actor, commune, village, *, current: Household | None) -> dict:
    if is_missing(commune):
        raise DomainError(_("Chưa chọn xã."), field="commune")
    if is_missing(village):
        raise DomainError(_("Chưa chọn thôn."), field="village")
    commune = fetch_referenced(
        access_commune, actor, commune, field="commune",
        message=_("Xã %(code)s không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
    )
    village = fetch_referenced(
        access_village, actor, village, field="village",
        message=_("Thôn %(code)s không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
    )
    if village.commune_id != commune.id:
        raise DomainError(
            _("Thôn %(village)s không thuộc %(commune)s.") % {"village": village.name, "commune": commune.name},
            field="village",
        )
    if not village.is_active and (current is None or current.village_id != village.id):
        raise DomainError(_("Thôn %(village)s đã ngừng hoạt động.") % {"village": village.name}, field="village")
    return {"commune": commune, "village": village}


def _clean_identity(data: dict, *, current: Household | None) -> dict:
    """CCCD with its dates, old CMND, phone; ``data`` already holds the cleaned gender and birth date."""
    birth_date = data["birth_date"]
    national_id = validation.clean_national_id(data["national_id"], birth_date=birth_date, gender=data["gender"])
    issued_on = clean_date(
        data["national_id_issued_on"], field="national_id_issued_on", label=_("ngày cấp CCCD"), required=False
    )
    expires_on = clean_date(
        data["national_id_expires_on"], field="national_id_expires_on", label=_("ngày hết hạn CCCD"),
        required=False, allow_future=True,
    )
    if (issued_on or expires_on) and not national_id:
        raise DomainError(_("Chưa nhập số CCCD nên không thể ghi ngày cấp hoặc ngày hết hạn."), field="national_id")
    if issued_on and birth_date:
        check_not_before(issued_on, birth_date, field="national_id_issued_on", label=_("ngày cấp CCCD"),
                         bound_label=_("ngày sinh"))
    if issued_on and expires_on and expires_on <= issued_on:
        raise DomainError(
            _("Ngày hết hạn CCCD (%(expires)s) phải sau ngày cấp (%(issued)s).")
            % {"expires": format_date(expires_on), "issued": format_date(issued_on)},
            field="national_id_expires_on",
        )
    if national_id:
        others = Household.objects.filter(national_id=national_id)
        if current is not None:
            others = others.exclude(pk=current.pk)
        if others.exists():
            # The other household may be outside the actor's scope: do not name it.
            raise DomainError(
                _("Số CCCD %(number)s đã được dùng cho một hộ khác.") % {"number": national_id}, field="national_id"
            )
    return {
        "national_id": national_id,
        "national_id_issued_on": issued_on,
        "national_id_expires_on": expires_on,
        "legacy_id_number": validation.clean_legacy_id_number(data["legacy_id_number"]),
        "phone": clean_phone(data["phone"]),
    }


def _clean_household(actor, raw: dict, *, current: Household | None) -> dict:
    data = {
        "name": validation.clean_name(raw["name"]),
        "gender": validation.clean_gender(raw["gender"]),
        "birth_date": clean_date(raw["birth_date"], field="birth_date", label=_("ngày sinh"), required=False),
        "ethnicity": validation.clean_ethnicity(raw["ethnicity"]),
    }
    data.update(
        national_id=raw["national_id"],
        national_id_issued_on=raw["national_id_issued_on"],
        national_id_expires_on=raw["national_id_expires_on"],
        legacy_id_number=raw["legacy_id_number"],
        phone=raw["phone"],
    )
    data.update(_clean_identity(data, current=current))
    data.update(_clean_place(actor, raw["commune"], raw["village"], current=current))
    data["address"] = clean_text(raw["address"], field="address", label=_("địa chỉ"), max_length=255, required=False)
    data["member_count"] = _clean_member_count(raw["member_count"])
    return data


def household_create(
    *,
    actor,
    customer_code,
    name,
    gender,
    commune,
    village,
    birth_date=None,
    ethnicity="Kinh",
    national_id="",
    national_id_issued_on=None,
    national_id_expires_on=None,
    legacy_id_number="",
    phone="",
    address="",
    member_count=1,
) -> Household:
    """Create a household (customer) in a commune and village of the actor's scope."""
    deny_unless(can_write_households(actor))
    raw = {
        "name": name, "gender": gender, "birth_date": birth_date, "ethnicity": ethnicity, "national_id": national_id,
        "national_id_issued_on": national_id_issued_on, "national_id_expires_on": national_id_expires_on,
        "legacy_id_number": legacy_id_number, "phone": phone, "commune": commune, "village": village,
        "address": address, "member_count": member_count,
    }
    with transaction.atomic():
        code = validation.clean_customer_code(customer_code)
        data = _clean_household(actor, raw, current=None)
        if Household.objects.filter(customer_code=code).exists():
            raise DomainError(_("Mã khách hàng %(code)s đã tồn tại.") % {"code": code}, field="customer_code")
        household = Household(customer_code=code, **data)
        household.save()
        audit_event_record(
            actor=actor, action="household_create", instance=household, before=None, after=snapshot(household)
        )
    return household


def household_update(*, actor, household, **changes) -> Household:
    """Change a household's identity, contact or place fields (``HOUSEHOLD_EDITABLE_FIELDS``).

    The whole record is validated again with the changes applied (e.g. a new birth date is checked against the
    CCCD). Returns the saved household; no audit event when nothing changed.
    """
    apply_changes(
        changes, HOUSEHOLD_EDITABLE_FIELDS, immutable={"customer_code": _("Không thể thay đổi mã khách hàng.")}
    )
    with transaction.atomic():
        target = _household_for_write(actor, household)
        return update_with_audit(
            actor, target, changes, HOUSEHOLD_EDITABLE_FIELDS, _clean_household, "household_update"
        )


# --- poverty status ------------------------------------------------------------------------------------------

def poverty_status_record(*, actor, household, status, year, source_list, recorded_on) -> PovertyStatusRecord:
    """Record the household's status on one year's commune list (one record per year)."""
    with transaction.atomic():
        target = _household_for_write(actor, household)
        status = clean_choice(status, PovertyStatus, field="status", label=_("diện hộ"))
        current_year = today().year
        if isinstance(year, bool) or not isinstance(year, int):
            raise DomainError(_("Năm của danh sách không hợp lệ."), field="year")
        if year > current_year:
            raise DomainError(
                _("Năm của danh sách (%(year)d) không được sau năm hiện tại (%(current)d).")
                % {"year": year, "current": current_year},
                field="year",
            )
        if year < POVERTY_FIRST_YEAR:
            raise DomainError(
                _("Năm của danh sách phải từ năm %(first)d trở đi.") % {"first": POVERTY_FIRST_YEAR}, field="year"
            )
        source_list = clean_text(
            source_list, field="source_list", label=_("danh sách/quyết định của xã"), max_length=150
        )
        recorded_on = clean_date(recorded_on, field="recorded_on", label=_("ngày ghi nhận"))
        existing = PovertyStatusRecord.objects.filter(household=target, year=year).first()
        if existing is not None:
            raise DomainError(
                _("Hộ đã có diện hộ năm %(year)d (%(status)s, theo %(source)s); mỗi năm chỉ ghi một lần.")
                % {"year": year, "status": existing.get_status_display(), "source": existing.source_list},
                field="year",
            )
        record = PovertyStatusRecord.objects.create(
            household=target, status=status, year=year, source_list=source_list, recorded_on=recorded_on
        )
        audit_event_record(
            actor=actor, action="poverty_status_record", instance=record, before=None, after=snapshot(record),
            object_type="household", object_key=target.customer_code,
        )
    return record


# --- kinship -------------------------------------------------------------------------------------------------

def _audit_kinship(actor, action: str, kinship: Kinship, *, before, after, note: str = "") -> None:
    for household in (kinship.person, kinship.relative):
        audit_event_record(
            actor=actor, action=action, instance=kinship, before=before, after=after, note=note,
            object_type="household", object_key=household.customer_code,
        )


def kinship_declare(*, actor, person, relative, kind) -> Kinship:
    """Declare that ``person`` is ``kind`` of ``relative`` (both households visible to the actor).

    A pair is declared once, whichever direction: "A is parent of B" and "B is child of A" are the same tie.
    """
    with transaction.atomic():
        person = _household_for_write(actor, person)
        relative = fetch_referenced(
            access_household, actor, relative, field="relative", attr="customer_code",
            empty=_("Chưa chọn hộ có quan hệ."),
            message=_("Hộ %(code)s không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
        )
        kind = clean_choice(kind, KinshipKind, field="kind", label=_("quan hệ"))
        if relative.pk == person.pk:
            raise DomainError(_("Không thể khai báo quan hệ của một hộ với chính hộ đó."), field="relative")
        existing = Kinship.objects.filter(
            Q(person=person, relative=relative) | Q(person=relative, relative=person)
        ).first()
        if existing is not None:
            raise DomainError(
                _("Quan hệ giữa %(person)s và %(relative)s đã được khai báo (%(kind)s).")
                % {"person": person.name, "relative": relative.name, "kind": existing.get_kind_display()},
                field="relative",
            )
        kinship = Kinship.objects.create(person=person, relative=relative, kind=kind)
        _audit_kinship(actor, "kinship_declare", kinship, before=None, after=snapshot(kinship))
    return kinship


def kinship_remove(*, actor, kinship, note: str = "") -> None:
    """Remove a declared tie (e.g. declared by mistake); both households must be visible to the actor."""
    deny_unless(can_write_households(actor))
    with transaction.atomic():
        visible = household_queryset_for(actor)
        found = fetch_or_404(
            Kinship.objects.select_for_update(of=("self",))
            .select_related("person", "relative")
            .filter(person__in=visible, relative__in=visible),
            pk=getattr(kinship, "pk", kinship),
        )
        note = clean_text(note, field="note", label=_("ghi chú"), max_length=255, required=False)
        before = snapshot(found)
        found.delete()
        _audit_kinship(actor, "kinship_remove", found, before=before, after=None, note=note)


# --- moved away ----------------------------------------------------------------------------------------------

def household_mark_moved_away(*, actor, household, moved_away_on, note: str = "") -> Household:
    """Record that the household left its place of residence (hộ bỏ đi khỏi nơi cư trú) on a date."""
    with transaction.atomic():
        target = _household_for_write(actor, household)
        if target.moved_away_on is not None:
            raise DomainError(
                _("Hộ đã được ghi nhận đi khỏi địa phương từ ngày %(date)s.")
                % {"date": format_date(target.moved_away_on)},
                field="moved_away_on",
            )
        moved_away_on = clean_date(moved_away_on, field="moved_away_on", label=_("ngày đi khỏi địa phương"))
        if target.birth_date:
            check_not_before(moved_away_on, target.birth_date, field="moved_away_on",
                             label=_("ngày đi khỏi địa phương"), bound_label=_("ngày sinh"))
        note = clean_text(note, field="note", label=_("ghi chú"), max_length=255, required=False)
        before = snapshot(target)
        target.moved_away_on = moved_away_on
        target.moved_away_note = note
        target.save(update_fields=["moved_away_on", "moved_away_note"])
        audit_event_record(
            actor=actor, action="household_mark_moved_away", instance=target, before=before,
            after=snapshot(target), note=note,
        )
    return target


def household_clear_moved_away(*, actor, household, note) -> Household:
    """Clear the moved-away status (the household came back or was recorded by mistake); the reason is required."""
    with transaction.atomic():
        target = _household_for_write(actor, household)
        if target.moved_away_on is None:
            raise DomainError(_("Hộ chưa được ghi nhận đi khỏi địa phương."), field="moved_away_on")
        note = clean_text(note, field="note", label=_("lý do"), max_length=255)
        before = snapshot(target)
        target.moved_away_on = None
        target.moved_away_note = ""
        target.save(update_fields=["moved_away_on", "moved_away_note"])
        audit_event_record(
            actor=actor, action="household_clear_moved_away", instance=target, before=before,
            after=snapshot(target), note=note,
        )
    return target
