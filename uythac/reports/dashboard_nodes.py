"""The places a dashboard can show — the nodes of the drill-down province → PGD → commune → association unit → group
(→ households) — resolved for a user through the guarded fetches, and where their month-end figures live.

A node is shown only when the user's scope covers ALL of it: a PGD officer sees the figures of their PGD but not the
whole province's (the province page itself stays reachable, it is the dashboard that answers 404, exactly like a
missing object); a group leader sees their group only. Association officers see the rows of their own organization
(the snapshots hold one row per organization code 11–14 at commune, PGD and province level; unit and group rows
belong to one organization).

``dashboard_node(user, kind, code)`` → ``Node`` or Http404; ``home_node(user)`` → the node of the user's own scope
(the whole country for the administrator, the communes in charge for a credit officer).
"""

from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from uythac.accounts.access import access_commune, access_office, access_province, access_unit
from uythac.accounts.models import Role
from uythac.accounts.scope import Scope, scope_for
from uythac.closing.models import (
    CommuneSnapshot,
    GroupSnapshot,
    OfficeSnapshot,
    ProvinceSnapshot,
    UnitSnapshot,
)
from uythac.geography.models import Commune
from uythac.groups.access import access_group
from uythac.network.models import Organization, UnitLevel

COUNTRY, PROVINCE, OFFICE, COMMUNES, COMMUNE, UNIT, GROUP = (
    "country", "province", "office", "communes", "commune", "unit", "group",
)
#: Kinds a URL or a ``scope=`` parameter may name (the country and the credit officer's communes are home nodes).
LINKED_KINDS = (PROVINCE, OFFICE, COMMUNE, UNIT, GROUP)
MODELS = {
    COUNTRY: ProvinceSnapshot, PROVINCE: ProvinceSnapshot, OFFICE: OfficeSnapshot, COMMUNES: CommuneSnapshot,
    COMMUNE: CommuneSnapshot, UNIT: UnitSnapshot, GROUP: GroupSnapshot,
}
#: Snapshot tables holding one row per organization code and a total row ("").
BY_ORGANIZATION = (ProvinceSnapshot, OfficeSnapshot, CommuneSnapshot)


@dataclass(frozen=True)
class Crumb:
    kind: str
    code: str
    name: str
    linked: bool


@dataclass(frozen=True)
class Node:
    kind: str
    code: str
    name: str
    rows: Q  # the node's rows in its snapshot table (any period, any organization)
    organization: str | None  # an association officer's organization code: only its rows
    province_ids: tuple[int, ...] | None  # provinces whose closes hold the node's periods (None: every province)
    commune_ids: tuple[int, ...] | None = None  # communes a commune-level node covers (office, communes)
    obj: Any = None
    trail: tuple[Crumb, ...] = field(default=())

    @property
    def model(self):
        return MODELS[self.kind]

    @property
    def by_organization(self) -> bool:
        return self.model in BY_ORGANIZATION

    @property
    def key(self) -> str:
        """How the comparison page's ``scope`` parameter names the node ("province:24" …; "" for a home node)."""
        return f"{self.kind}:{self.code}" if self.kind in LINKED_KINDS else ""

    def scoped(self, queryset):
        """``queryset`` (any snapshot table with ``organization_code``) limited to the officer's organization."""
        return queryset.filter(organization_code=self.organization) if self.organization else queryset


def organization_code(user, scope: Scope) -> str | None:
    if not scope.is_association or scope.organization_id is None:
        return None
    return Organization.objects.filter(pk=scope.organization_id).values_list("code", flat=True).first() or "-"


def _covers(scope: Scope, commune_ids) -> bool:
    """The scope holds every commune of a node (a node without communes is covered by nobody but the admin)."""
    if scope.unlimited:
        return True
    if scope.group_id is not None:
        return False
    ids = set(commune_ids)
    return bool(ids) and ids <= scope.commune_ids


def _province_node(user, scope, code, organization) -> Node:
    province = access_province(user, code)
    if not _covers(scope, Commune.objects.filter(province=province).values_list("id", flat=True)):
        raise Http404(_("Không tìm thấy đối tượng."))
    return Node(PROVINCE, province.code, str(province), Q(province_id=province.id), organization, (province.id,),
                obj=province)


def _office_node(user, scope, code, organization) -> Node:
    office = access_office(user, code)
    communes = tuple(office.communes.values_list("id", flat=True))
    if not _covers(scope, communes):
        raise Http404(_("Không tìm thấy đối tượng."))
    province_id = office.branch.province_id
    return Node(OFFICE, office.code, str(office), Q(office_id=office.id), organization, (province_id,),
                commune_ids=communes, obj=office)


def _commune_node(user, scope, code, organization) -> Node:
    commune = access_commune(user, code)
    if scope.group_id is not None:
        raise Http404(_("Không tìm thấy đối tượng."))
    return Node(COMMUNE, commune.code, str(commune), Q(commune_id=commune.id), organization, (commune.province_id,),
                commune_ids=(commune.id,), obj=commune)


def _unit_node(user, scope, code, organization) -> Node:
    unit = access_unit(user, code)
    # Groups belong to commune units: the month-end rows of a unit exist at that level only (a provincial
    # association's figures are its province dashboard, limited to its organization).
    if scope.group_id is not None or unit.level != UnitLevel.COMMUNE:
        raise Http404(_("Không tìm thấy đối tượng."))
    return Node(UNIT, unit.code, str(unit), Q(association_unit_id=unit.id), organization, (unit.province_id,),
                commune_ids=(unit.commune_id,), obj=unit)


def _group_node(user, scope, code, organization) -> Node:
    group = access_group(user, code)
    return Node(GROUP, group.code, str(group.name), Q(group_id=group.id), organization,
                (group.commune.province_id,), commune_ids=(group.commune_id,), obj=group)


RESOLVERS = {PROVINCE: _province_node, OFFICE: _office_node, COMMUNE: _commune_node, UNIT: _unit_node,
             GROUP: _group_node}


def dashboard_node(user, kind: str, code: str, *, with_trail: bool = True) -> Node:
    """The node ``kind``/``code`` as ``user`` may see it; Http404 when missing, out of scope or not fully covered."""
    resolver = RESOLVERS.get(kind)
    if resolver is None:
        raise Http404(_("Không tìm thấy đối tượng."))
    scope = scope_for(user)
    node = resolver(user, scope, str(code).strip(), organization_code(user, scope))
    if with_trail:
        node = replace(node, trail=_trail(user, node))
    return node


def _crumb(user, kind: str, code: str, name: str) -> Crumb:
    scope = scope_for(user)
    if scope.unlimited or user.role in (Role.BRANCH_STAFF, Role.PROVINCE_ASSOCIATION):
        # The ancestors of a node such a user sees lie in their province (and organization): all visible.
        return Crumb(kind, code, name, linked=True)
    try:
        dashboard_node(user, kind, code, with_trail=False)
    except Http404:
        return Crumb(kind, code, name, linked=False)
    return Crumb(kind, code, name, linked=True)


def _trail(user, node: Node) -> tuple[Crumb, ...]:
    """The ancestors of a node, linked when the user may open their dashboard."""
    obj, ancestors = node.obj, []
    if node.kind == GROUP:
        ancestors.append((UNIT, obj.association_unit.code, str(obj.association_unit)))
        obj = obj.commune
    elif node.kind == UNIT:
        obj = obj.commune
    if node.kind in (GROUP, UNIT):
        ancestors.append((COMMUNE, obj.code, str(obj)))
    if node.kind in (GROUP, UNIT, COMMUNE):
        commune = obj if node.kind != COMMUNE else node.obj
        office = commune.transaction_offices.order_by("code").first()
        if office is not None:
            ancestors.append((OFFICE, office.code, str(office)))
        ancestors.append((PROVINCE, commune.province.code, str(commune.province)))
    elif node.kind == OFFICE:
        province = obj.branch.province
        ancestors.append((PROVINCE, province.code, str(province)))
    return tuple(_crumb(user, *ancestor) for ancestor in reversed(ancestors))


def home_node(user) -> Node | None:
    """The dashboard of the user's own scope; None for a user without one."""
    scope = scope_for(user)
    organization = organization_code(user, scope)
    if scope.unlimited:
        return Node(COUNTRY, "", _("Toàn quốc"), Q(), None, None)
    role = user.role
    if role in (Role.BRANCH_STAFF, Role.PROVINCE_ASSOCIATION) and user.province_id:
        return dashboard_node(user, PROVINCE, user.province.code)
    if role == Role.PGD_STAFF:
        return dashboard_node(user, OFFICE, user.office.code)
    if role == Role.CREDIT_OFFICER:
        communes = tuple(sorted(scope.commune_ids))
        return Node(COMMUNES, "", _("Các xã phụ trách"), Q(commune_id__in=communes), organization,
                    (scope.province_id,), commune_ids=communes)
    if role in (Role.COMMUNE_ASSOCIATION, Role.COMMUNE_VIEWER):
        return dashboard_node(user, COMMUNE, user.commune.code)
    if role == Role.GROUP_LEADER:
        return dashboard_node(user, GROUP, user.group.code)
    return None


def node_from_key(user, key: str) -> Node | None:
    """``"province:24"`` → that node; "" → the user's home node; anything else → Http404."""
    key = (key or "").strip()
    if not key:
        return home_node(user)
    kind, _sep, code = key.partition(":")
    if kind not in LINKED_KINDS or not code:
        raise Http404(_("Không tìm thấy đối tượng."))
    return dashboard_node(user, kind, code)
