"""Write services for the bank's network: provincial branches, transaction offices (PGD), transaction points.

Writers follow ``accounts.access``: branches — system administrator only; PGDs — administrator and branch staff
(their province); transaction points — bank staff (``can_write_points``), in communes of their scope served by a
PGD they may see. Every referenced object goes through its guarded fetch, so e.g. a PGD officer cannot put a
point in a commune its PGD does not serve. Association units, joint agreements and entrustment contracts are in
``association_services``. These services sit above ``accounts`` in the import layers (pyproject ignore_imports).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from uythac.accounts.access import (
    access_branch,
    access_commune,
    access_office,
    access_point,
    access_province,
    can_write_office,
    can_write_points,
)
from uythac.accounts.models import Role
from uythac.core.access import deny_unless
from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import apply_changes, clean_text, code_of, fetch_referenced, is_missing, update_with_audit
from uythac.core.identifiers import check_digits, check_transaction_point_code
from uythac.geography.services import clean_legacy_commune
from uythac.network.models import BankUnitLevel, Branch, TransactionOffice, TransactionPoint

BANK_UNIT_CODE_WIDTH = 6
BRANCH_EDITABLE_FIELDS = ("name", "province", "address")
OFFICE_EDITABLE_FIELDS = ("name", "branch", "communes", "address", "is_active")
POINT_EDITABLE_FIELDS = ("name", "commune", "office", "session_day_of_month", "location", "legacy_commune", "is_active")


def _clean_bank_unit_code(value, *, label: str) -> str:
    """Branch and PGD codes: 6 digits from one list of bank unit codes (a PGD never reuses a branch's code)."""
    code = str(value or "").strip()
    if check_digits(code, BANK_UNIT_CODE_WIDTH):
        raise DomainError(_("%(label)s phải gồm đúng 6 chữ số.") % {"label": label}, field="code")
    if Branch.objects.filter(code=code).exists() or TransactionOffice.objects.filter(code=code).exists():
        raise DomainError(_("Mã %(code)s đã được dùng cho một chi nhánh hoặc PGD.") % {"code": code}, field="code")
    return code


def _save_and_audit(actor, action: str, instance, *, extra=None) -> None:
    """Insert a new record and audit it (updates go through ``update_with_audit``)."""
    instance.save()
    after = snapshot(instance, extra=extra() if extra else None)
    audit_event_record(actor=actor, action=action, instance=instance, before=None, after=after)


# --- branches ------------------------------------------------------------------------------------------------

def _clean_branch(actor, raw: dict, *, current: Branch | None) -> dict:
    data = {
        "name": clean_text(raw["name"], field="name", label=_("tên chi nhánh"), max_length=150),
        "address": clean_text(raw["address"], field="address", label=_("địa chỉ"), max_length=255, required=False),
    }
    if current is not None and current.level == BankUnitLevel.HEAD_OFFICE:
        if not is_missing(raw["province"]):
            raise DomainError(_("Hội sở chính không gắn với tỉnh nào."), field="province")
        data["province"] = None
        return data
    province = fetch_referenced(
        access_province, actor, raw["province"], field="province", empty=_("Chưa chọn tỉnh của chi nhánh."),
        message=_("Tỉnh %(code)s không tồn tại."),
    )
    other = Branch.objects.filter(province=province)
    if current is not None:
        other = other.exclude(pk=current.pk)
    other = other.first()
    if other is not None:
        raise DomainError(
            _("%(province)s đã có chi nhánh %(code)s (%(name)s); mỗi tỉnh chỉ có một chi nhánh.")
            % {"province": province.name, "code": other.code, "name": other.name},
            field="province",
        )
    if current is not None and province.pk != current.province_id and current.offices.exists():
        raise DomainError(_("Không thể đổi tỉnh của chi nhánh vì chi nhánh còn PGD trực thuộc."), field="province")
    data["province"] = province
    return data


def branch_create(*, actor, code, name, province, address="") -> Branch:
    """Create a provincial branch (one per province since the 2025 reorganisation). Administrator only."""
    deny_unless(actor.role == Role.ADMIN)
    with transaction.atomic():
        code = _clean_bank_unit_code(code, label=_("Mã chi nhánh"))
        data = _clean_branch(actor, {"name": name, "province": province, "address": address}, current=None)
        branch = Branch(code=code, level=BankUnitLevel.BRANCH, **data)
        _save_and_audit(actor, "branch_create", branch)
    return branch


def branch_update(*, actor, branch, **changes) -> Branch:
    """Change a branch's name, address or province (the head office keeps no province). Administrator only."""
    apply_changes(changes, BRANCH_EDITABLE_FIELDS, immutable={"code": _("Không thể thay đổi mã chi nhánh.")})
    with transaction.atomic():
        found = access_branch(actor, code_of(branch), for_write=True)
        target = Branch.objects.select_for_update().get(pk=found.pk)
        return update_with_audit(actor, target, changes, BRANCH_EDITABLE_FIELDS, _clean_branch, "branch_update")


# --- transaction offices (PGD) -------------------------------------------------------------------------------

def _office_extra(office: TransactionOffice):
    return lambda: {"communes": sorted(office.communes.values_list("code", flat=True))}


def _clean_office_communes(actor, communes, *, branch: Branch, current: TransactionOffice | None) -> list:
    chosen = {}
    for value in communes or ():
        commune = fetch_referenced(
            access_commune, actor, value, field="communes",
            message=_("Xã %(code)s không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
        )
        if commune.province_id != branch.province_id:
            raise DomainError(
                _("%(commune)s thuộc %(province)s, không thuộc tỉnh của %(branch)s.")
                % {"commune": commune.name, "province": commune.province.name, "branch": branch.name},
                field="communes",
            )
        chosen[commune.pk] = commune
    if current is not None:
        # A point stays attached to the PGD that serves its commune: drop the point (or move it) first.
        orphaned = current.transaction_points.exclude(commune_id__in=chosen).select_related("commune").first()
        if orphaned is not None:
            raise DomainError(
                _("Không thể bỏ %(commune)s khỏi PGD vì PGD còn điểm giao dịch %(point)s tại xã này.")
                % {"commune": orphaned.commune.name, "point": orphaned.code},
                field="communes",
            )
    return list(chosen.values())


def _clean_office(actor, raw: dict, *, current: TransactionOffice | None) -> dict:
    branch = fetch_referenced(
        access_branch, actor, raw["branch"], field="branch", empty=_("Chưa chọn chi nhánh của PGD."),
        message=_("Chi nhánh %(code)s không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
    )
    if branch.level != BankUnitLevel.BRANCH:
        raise DomainError(_("PGD phải thuộc một chi nhánh tỉnh, không thuộc Hội sở chính."), field="branch")
    is_active = bool(raw["is_active"])
    if current is not None and not is_active and current.transaction_points.filter(is_active=True).exists():
        raise DomainError(
            _("Không thể ngừng hoạt động PGD vì PGD còn điểm giao dịch đang hoạt động."), field="is_active"
        )
    return {
        "name": clean_text(raw["name"], field="name", label=_("tên PGD"), max_length=150),
        "branch": branch,
        "communes": _clean_office_communes(actor, raw["communes"], branch=branch, current=current),
        "address": clean_text(raw["address"], field="address", label=_("địa chỉ"), max_length=255, required=False),
        "is_active": is_active,
    }


def office_create(*, actor, code, name, branch, communes=(), address="", is_active=True) -> TransactionOffice:
    """Create a PGD of a branch, serving a set of communes of the branch's province."""
    deny_unless(can_write_office(actor))
    with transaction.atomic():
        code = _clean_bank_unit_code(code, label=_("Mã PGD"))
        data = _clean_office(
            actor,
            {"name": name, "branch": branch, "communes": communes, "address": address, "is_active": is_active},
            current=None,
        )
        served = data.pop("communes")
        office = TransactionOffice(code=code, **data)
        office.save()
        office.communes.set(served)
        _save_and_audit(actor, "office_create", office, extra=_office_extra(office))
    return office


def office_update(*, actor, office, **changes) -> TransactionOffice:
    """Change a PGD's name, branch, served communes (a list replacing the current set), address or activity."""
    apply_changes(changes, OFFICE_EDITABLE_FIELDS, immutable={"code": _("Không thể thay đổi mã PGD.")})
    with transaction.atomic():
        found = access_office(actor, code_of(office), for_write=True)
        target = TransactionOffice.objects.select_for_update().get(pk=found.pk)
        return update_with_audit(
            actor, target, changes, OFFICE_EDITABLE_FIELDS, _clean_office, "office_update",
            extra=_office_extra(target), m2m="communes",
        )


# --- transaction points ------------------------------------------------------------------------------------

def _clean_session_day(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 31:
        raise DomainError(
            _("Ngày giao dịch cố định phải là một ngày từ 1 đến 31 trong tháng."), field="session_day_of_month"
        )
    return value


def _clean_point(actor, raw: dict, *, current: TransactionPoint | None) -> dict:
    if is_missing(raw["office"]):
        raise DomainError(_("Chưa chọn PGD của điểm giao dịch."), field="office")
    if is_missing(raw["commune"]):
        raise DomainError(_("Chưa chọn xã của điểm giao dịch."), field="commune")
    office = fetch_referenced(
        access_office, actor, raw["office"], field="office",
        message=_("PGD %(code)s không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
    )
    if not office.is_active and (current is None or current.office_id != office.pk):
        raise DomainError(_("%(name)s đã ngừng hoạt động.") % {"name": office.name}, field="office")
    commune = fetch_referenced(
        access_commune, actor, raw["commune"], field="commune",
        message=_("Xã %(code)s không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
    )
    if not office.communes.filter(pk=commune.pk).exists():
        raise DomainError(
            _("%(commune)s không do %(office)s phục vụ.") % {"commune": commune.name, "office": office.name},
            field="commune",
        )
    if current is not None and commune.pk != current.commune_id and current.savings_groups.exists():
        raise DomainError(
            _("Không thể đổi xã của điểm giao dịch vì còn tổ TK&VV giao dịch tại điểm này."), field="commune"
        )
    return {
        "name": clean_text(raw["name"], field="name", label=_("tên điểm giao dịch"), max_length=150),
        "office": office,
        "commune": commune,
        "session_day_of_month": _clean_session_day(raw["session_day_of_month"]),
        "location": clean_text(raw["location"], field="location", label=_("địa điểm"), max_length=255, required=False),
        "legacy_commune": clean_legacy_commune(raw["legacy_commune"], province_id=commune.province_id),
        "is_active": bool(raw["is_active"]),
    }


def point_create(
    *, actor, code, name, commune, office, session_day_of_month, location="", legacy_commune=None, is_active=True
) -> TransactionPoint:
    """Create a commune transaction point (``TXN…``) with its fixed monthly session day."""
    deny_unless(can_write_points(actor))
    with transaction.atomic():
        code = str(code or "").strip().upper()
        if check_transaction_point_code(code):
            raise DomainError(
                _("Mã điểm giao dịch phải bắt đầu bằng TXN, tiếp theo là 1–17 chữ số hoặc chữ in hoa (ví dụ TXN0001)."),
                field="code",
            )
        if TransactionPoint.objects.filter(code=code).exists():
            raise DomainError(_("Mã điểm giao dịch %(code)s đã tồn tại.") % {"code": code}, field="code")
        data = _clean_point(
            actor,
            {
                "name": name, "commune": commune, "office": office, "session_day_of_month": session_day_of_month,
                "location": location, "legacy_commune": legacy_commune, "is_active": is_active,
            },
            current=None,
        )
        point = TransactionPoint(code=code, **data)
        _save_and_audit(actor, "point_create", point)
    return point


def point_update(*, actor, point, **changes) -> TransactionPoint:
    """Change a point's name, place, PGD, session day, former commune or activity (the code is its key)."""
    apply_changes(changes, POINT_EDITABLE_FIELDS, immutable={"code": _("Không thể thay đổi mã điểm giao dịch.")})
    with transaction.atomic():
        found = access_point(actor, code_of(point), for_write=True)
        target = TransactionPoint.objects.select_for_update().get(pk=found.pk)
        return update_with_audit(actor, target, changes, POINT_EDITABLE_FIELDS, _clean_point, "point_update")
