"""Write services for villages (thôn, ấp, bản, tổ dân phố): the only geography users create.

Provinces and communes come from the maintained ``vietnam-provinces`` package (data migration) and are not
edited here. Village code: 8 digits (export-formats.md §1.4). Writers: ``can_write_villages`` (bank staff), in
communes of their scope. Like every write service it sits above ``accounts`` (scope) in the import layers.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from uythac.accounts.access import access_commune, access_village, can_write_villages
from uythac.core.access import deny_unless
from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import (
    apply_changes,
    clean_choice,
    clean_text,
    code_of,
    fetch_referenced,
    is_missing,
    update_with_audit,
)
from uythac.core.identifiers import check_digits
from uythac.geography.models import Commune, LegacyCommune, Village, VillageKind

VILLAGE_CODE_WIDTH = 8
VILLAGE_EDITABLE_FIELDS = ("name", "kind", "commune", "legacy_commune", "is_active")


def _clean_commune(actor, commune) -> Commune:
    return fetch_referenced(
        access_commune, actor, commune, field="commune", empty=_("Chưa chọn xã."),
        message=_("Xã %(code)s không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
    )


def clean_legacy_commune(value, *, province_id: int, field: str = "legacy_commune") -> LegacyCommune | None:
    """An optional pre-2025 commune; its old province must have become (part of) the current one."""
    if is_missing(value):
        return None
    code = code_of(value)
    legacy = LegacyCommune.objects.select_related("district__province").filter(code=code).first()
    if legacy is None:
        raise DomainError(_("Không có xã cũ mã %(code)s.") % {"code": code}, field=field)
    successor_id = legacy.district.province.successor_id
    if successor_id is not None and successor_id != province_id:
        raise DomainError(
            _("Xã cũ %(name)s (%(province)s) không thuộc tỉnh của xã hiện nay.")
            % {"name": legacy.name, "province": legacy.district.province.name},
            field=field,
        )
    return legacy


def _clean_village(actor, raw: dict, *, current: Village | None) -> dict:
    commune = _clean_commune(actor, raw["commune"])
    if current is not None and commune.id != current.commune_id and (
        current.households.exists() or current.savings_groups.exists()
    ):
        # Households and groups name both their commune and village: moving the village would split them.
        raise DomainError(
            _("Không thể chuyển thôn %(name)s sang xã khác vì thôn còn hộ hoặc tổ TK&VV.") % {"name": current.name},
            field="commune",
        )
    return {
        "name": clean_text(raw["name"], field="name", label=_("tên thôn"), max_length=100),
        "kind": clean_choice(raw["kind"], VillageKind, field="kind", label=_("loại thôn")),
        "commune": commune,
        "legacy_commune": clean_legacy_commune(raw["legacy_commune"], province_id=commune.province_id),
        "is_active": bool(raw["is_active"]),
    }


def village_create(
    *, actor, code, name, commune, kind=VillageKind.THON, legacy_commune=None, is_active=True
) -> Village:
    """Create a village in a commune of the actor's scope."""
    deny_unless(can_write_villages(actor))
    with transaction.atomic():
        code = str(code or "").strip()
        if check_digits(code, VILLAGE_CODE_WIDTH):
            raise DomainError(_("Mã thôn phải gồm đúng 8 chữ số."), field="code")
        data = _clean_village(
            actor,
            {"name": name, "kind": kind, "commune": commune, "legacy_commune": legacy_commune, "is_active": is_active},
            current=None,
        )
        if Village.objects.filter(code=code).exists():
            raise DomainError(_("Mã thôn %(code)s đã tồn tại.") % {"code": code}, field="code")
        village = Village(code=code, **data)
        village.save()
        audit_event_record(actor=actor, action="village_create", instance=village, before=None, after=snapshot(village))
    return village


def village_update(*, actor, village, **changes) -> Village:
    """Change a village's name, kind, commune, former commune or active flag (the code is its key)."""
    apply_changes(changes, VILLAGE_EDITABLE_FIELDS, immutable={"code": _("Không thể thay đổi mã thôn.")})
    with transaction.atomic():
        found = access_village(actor, code_of(village), for_write=True)
        target = Village.objects.select_for_update().get(pk=found.pk)
        return update_with_audit(actor, target, changes, VILLAGE_EDITABLE_FIELDS, _clean_village, "village_update")
