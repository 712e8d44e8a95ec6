"""A user's scope as plain data, computed once per request.

Every guarded fetch and every scoped list starts from ``scope_for(user)``. ``commune_ids`` is ``None`` for
the system administrator (no limit) and otherwise the set of communes the user may see at all;
association roles are further limited to their organization, group leaders to their group.
"""

from dataclasses import dataclass

from django.db.models import Q

from uythac.accounts.models import ASSOCIATION_ROLES, Role, User
from uythac.geography.models import Commune


@dataclass(frozen=True)
class Scope:
    role: str
    commune_ids: frozenset[int] | None
    province_id: int | None = None
    office_id: int | None = None
    organization_id: int | None = None
    group_id: int | None = None
    read_only: bool = False

    @property
    def unlimited(self) -> bool:
        return self.commune_ids is None

    @property
    def is_bank(self) -> bool:
        return self.role in {Role.ADMIN, Role.BRANCH_STAFF, Role.PGD_STAFF, Role.CREDIT_OFFICER}

    @property
    def is_association(self) -> bool:
        return self.role in ASSOCIATION_ROLES

    def commune_q(self, path: str = "commune") -> Q:
        """Q limiting ``<path>_id`` to the scope's communes (empty Q when unlimited)."""
        if self.commune_ids is None:
            return Q()
        return Q(**{f"{path}_id__in": self.commune_ids})

    def organization_q(self, path: str) -> Q:
        """Q limiting an organization FK path to the user's organization (association roles only)."""
        if self.is_association and self.organization_id is not None:
            return Q(**{f"{path}_id": self.organization_id})
        return Q()

    def allows_commune(self, commune_id: int) -> bool:
        return self.commune_ids is None or commune_id in self.commune_ids


NO_SCOPE = Scope(role="none", commune_ids=frozenset(), read_only=True)


def scope_for(user: User) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_uythac_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._uythac_scope = scope
    return scope


def _ids(queryset) -> frozenset[int]:
    return frozenset(queryset.values_list("id", flat=True))


def _compute_scope(user: User) -> Scope:
    role = user.role
    if role == Role.ADMIN:
        return Scope(role=role, commune_ids=None)
    if role in {Role.BRANCH_STAFF, Role.PROVINCE_ASSOCIATION}:
        return Scope(
            role=role,
            commune_ids=_ids(Commune.objects.filter(province_id=user.province_id)),
            province_id=user.province_id,
            organization_id=user.organization_id if role == Role.PROVINCE_ASSOCIATION else None,
        )
    if role == Role.PGD_STAFF:
        office = user.office
        return Scope(
            role=role, commune_ids=_ids(office.communes.all()), province_id=office.branch.province_id,
            office_id=office.id,
        )
    if role == Role.CREDIT_OFFICER:
        office = user.office
        return Scope(
            role=role, commune_ids=_ids(user.responsible_communes.all()), province_id=office.branch.province_id,
            office_id=office.id,
        )
    if role in {Role.COMMUNE_ASSOCIATION, Role.COMMUNE_VIEWER}:
        commune = user.commune
        return Scope(
            role=role, commune_ids=frozenset({commune.id}), province_id=commune.province_id,
            organization_id=user.organization_id if role == Role.COMMUNE_ASSOCIATION else None,
            read_only=role == Role.COMMUNE_VIEWER,
        )
    if role == Role.GROUP_LEADER:
        group = user.group
        return Scope(
            role=role, commune_ids=frozenset({group.commune_id}), province_id=group.commune.province_id,
            organization_id=group.association_unit.organization_id, group_id=group.id,
        )
    return NO_SCOPE
