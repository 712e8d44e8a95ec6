"""Guarded fetches and scoped lists for geography and network objects.

Each entity has ``<entity>_queryset_for(user)`` (what the user may see), ``access_<entity>(user, code,
for_write=False)`` (the only way to turn a code into an object; 404 when missing or out of scope, 403 when
visible but not writable) and a ``can_write_…`` predicate the UI uses to show or hide edit buttons.
"""

from django.db.models import Q

from uythac.accounts.models import Role, User
from uythac.accounts.scope import scope_for
from uythac.core.access import deny_unless, fetch_or_404
from uythac.geography.models import Commune, Province, Village
from uythac.network.models import (
    AssociationUnit,
    Branch,
    EntrustmentContract,
    JointAgreement,
    Organization,
    TransactionOffice,
    TransactionPoint,
    UnitLevel,
)

BANK_WRITERS = {Role.ADMIN, Role.BRANCH_STAFF, Role.PGD_STAFF, Role.CREDIT_OFFICER}


def normalize_commune_code(code: str) -> str:
    """Accept the 5-digit national code or the bank's 6-digit left-padded form."""
    code = str(code).strip()
    if len(code) == 6 and code.startswith("0"):
        return code[1:]
    return code.zfill(5) if code.isdigit() else code


# --- provinces, communes, villages -------------------------------------------------------------------------

def province_queryset_for(user: User):
    scope = scope_for(user)
    if scope.unlimited:
        return Province.objects.all()
    return Province.objects.filter(Q(id=scope.province_id) | Q(communes__id__in=scope.commune_ids)).distinct()


def access_province(user: User, code: str, *, for_write: bool = False) -> Province:
    province = fetch_or_404(province_queryset_for(user), code=str(code).zfill(2))
    if for_write:
        deny_unless(user.role == Role.ADMIN)
    return province


def commune_queryset_for(user: User):
    scope = scope_for(user)
    return Commune.objects.all() if scope.unlimited else Commune.objects.filter(id__in=scope.commune_ids)


def access_commune(user: User, code: str, *, for_write: bool = False) -> Commune:
    commune = fetch_or_404(commune_queryset_for(user).select_related("province"), code=normalize_commune_code(code))
    if for_write:
        deny_unless(user.role in {Role.ADMIN, Role.BRANCH_STAFF})
    return commune


def can_write_villages(user: User) -> bool:
    return user.role in BANK_WRITERS


def village_queryset_for(user: User):
    return Village.objects.filter(scope_for(user).commune_q("commune"))


def access_village(user: User, code: str, *, for_write: bool = False) -> Village:
    village = fetch_or_404(village_queryset_for(user).select_related("commune"), code=code)
    if for_write:
        deny_unless(can_write_villages(user))
    return village


# --- bank network ----------------------------------------------------------------------------------------

def branch_queryset_for(user: User):
    scope = scope_for(user)
    if scope.unlimited:
        return Branch.objects.all()
    if scope.is_bank:
        return Branch.objects.filter(province_id=scope.province_id)
    return Branch.objects.none()


def access_branch(user: User, code: str, *, for_write: bool = False) -> Branch:
    branch = fetch_or_404(branch_queryset_for(user), code=code)
    if for_write:
        deny_unless(user.role == Role.ADMIN)
    return branch


def office_queryset_for(user: User):
    scope = scope_for(user)
    if scope.unlimited:
        return TransactionOffice.objects.all()
    if user.role == Role.BRANCH_STAFF:
        return TransactionOffice.objects.filter(branch__province_id=scope.province_id)
    if scope.office_id is not None:
        return TransactionOffice.objects.filter(id=scope.office_id)
    return TransactionOffice.objects.filter(communes__id__in=scope.commune_ids).distinct()


def can_write_office(user: User) -> bool:
    return user.role in {Role.ADMIN, Role.BRANCH_STAFF}


def access_office(user: User, code: str, *, for_write: bool = False) -> TransactionOffice:
    office = fetch_or_404(office_queryset_for(user).select_related("branch"), code=code)
    if for_write:
        deny_unless(can_write_office(user))
    return office


def point_queryset_for(user: User):
    return TransactionPoint.objects.filter(scope_for(user).commune_q("commune"))


def can_write_points(user: User) -> bool:
    return user.role in BANK_WRITERS


def access_point(user: User, code: str, *, for_write: bool = False) -> TransactionPoint:
    point = fetch_or_404(point_queryset_for(user).select_related("commune", "office"), code=code)
    if for_write:
        deny_unless(can_write_points(user))
    return point


# --- organizations and their units ---------------------------------------------------------------------------

def organization_queryset_for(user: User):
    """The four organizations are public reference data: every signed-in user sees them."""
    return Organization.objects.all() if scope_for(user).role != "none" else Organization.objects.none()


def unit_queryset_for(user: User):
    scope = scope_for(user)
    units = AssociationUnit.objects.all()
    if scope.unlimited:
        return units
    if scope.group_id is not None:
        return units.filter(savings_groups__id=scope.group_id)
    in_province = Q(level__in=[UnitLevel.PROVINCE, UnitLevel.DISTRICT], province_id=scope.province_id)
    if user.role in {Role.PGD_STAFF, Role.CREDIT_OFFICER, Role.COMMUNE_ASSOCIATION, Role.COMMUNE_VIEWER}:
        in_province = Q(pk__in=[])  # commune-level users see their commune's units only
    visible = Q(level=UnitLevel.COMMUNE, commune_id__in=scope.commune_ids) | in_province
    return units.filter(visible).filter(scope.organization_q("organization"))


def can_write_unit(user: User, unit: AssociationUnit | None = None) -> bool:
    if user.role in {Role.ADMIN, Role.BRANCH_STAFF}:
        return True
    if user.role == Role.PROVINCE_ASSOCIATION:
        return unit is None or unit.organization_id == user.organization_id
    return False


def access_unit(user: User, code: str, *, for_write: bool = False) -> AssociationUnit:
    unit = fetch_or_404(unit_queryset_for(user).select_related("organization", "province", "commune"), code=code)
    if for_write:
        deny_unless(can_write_unit(user, unit))
    return unit


def agreement_queryset_for(user: User):
    return JointAgreement.objects.filter(association_unit__in=unit_queryset_for(user))


def can_write_agreement(user: User) -> bool:
    return user.role in {Role.ADMIN, Role.BRANCH_STAFF, Role.PROVINCE_ASSOCIATION}


def access_agreement(user: User, pk: int | str, *, for_write: bool = False) -> JointAgreement:
    agreement = fetch_or_404(agreement_queryset_for(user).select_related("association_unit", "branch"), pk=_int(pk))
    if for_write:
        deny_unless(can_write_agreement(user))
    return agreement


def contract_queryset_for(user: User):
    return EntrustmentContract.objects.filter(association_unit__in=unit_queryset_for(user))


def can_write_contract(user: User) -> bool:
    return user.role in {Role.ADMIN, Role.BRANCH_STAFF, Role.PGD_STAFF, Role.CREDIT_OFFICER}


def access_contract(user: User, pk: int | str, *, for_write: bool = False) -> EntrustmentContract:
    contract = fetch_or_404(contract_queryset_for(user).select_related("association_unit", "office"), pk=_int(pk))
    if for_write:
        deny_unless(can_write_contract(user))
    return contract


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
