"""Group-specific checks of the group services: scope, consistency, the size and kinship rules, audit helpers.

The generic checks (required text, dates not in the future, date order, referenced objects fetched through their
guarded fetch) are ``uythac.core.guards``, shared with the other apps' services.

Every function here either returns the validated (fresh, database) object or raises ``DomainError`` naming the
field the caller's form shows it on. Scope is checked only through the access functions of each app
(``access_<entity>`` / ``<entity>_queryset_for``): an object outside the actor's scope is refused exactly like one
that does not exist, with a message on the field.
"""

import datetime as dt
import re

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.accounts.access import access_commune, access_office, access_point, access_unit, access_village
from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import fetch_referenced, format_date, today
from uythac.core.models import RuleValue
from uythac.core.rules import rule_get
from uythac.groups.access import access_group, can_write_groups
from uythac.groups.models import (
    AgencyContract,
    GroupBoardTerm,
    GroupMembership,
    GroupStatus,
    GroupStatusChange,
    SavingsGroup,
)
from uythac.households.access import household_queryset_for
from uythac.households.models import Household, Kinship, KinshipKind
from uythac.network.models import UnitLevel

GROUP_CODE = re.compile(r"^\d{7}$")
SIZE_RULE = "group.size"
KINSHIP_RULE = "group.board.forbidden_kinship"


# --- actor and group --------------------------------------------------------------------------------------

def ensure_group_writer(actor) -> None:
    """Group leaders and commune viewers may not change groups (leaders only record their meetings)."""
    if not can_write_groups(actor):
        raise DomainError(_("Bạn không có quyền thay đổi tổ TK&VV."))


def writable_group(actor, group: SavingsGroup, *, field: str = "group", for_meeting: bool = False) -> SavingsGroup:
    """The group re-read through the guarded fetch and locked for the rest of the transaction.

    The row lock serialises concurrent writes on one group (e.g. two admissions racing for the 60th place).
    """
    if not isinstance(group, SavingsGroup):
        raise DomainError(_("Chưa chọn tổ."), field=field)
    try:
        found = fetch_referenced(
            access_group, actor, group, field=field, message=_("Tổ %(code)s không thuộc phạm vi quản lý của bạn."),
            for_write=not for_meeting, for_meeting=for_meeting,
        )
    except PermissionDenied:
        raise DomainError(_("Bạn không có quyền thay đổi tổ TK&VV."), field=field) from None
    return SavingsGroup.objects.select_for_update().get(pk=found.pk)


def ensure_active(group: SavingsGroup, *, field: str = "group") -> None:
    if group.status != GroupStatus.ACTIVE:
        raise DomainError(
            _("Tổ %(code)s %(status)s từ ngày %(on)s; không thể thay đổi.")
            % {"code": group.code, "status": group.get_status_display().lower(), "on": format_date(group.closed_on)},
            field=field,
        )


# --- group code -------------------------------------------------------------------------------------------

def check_group_code(code, *, field: str = "code", taken: set[str] | frozenset[str] = frozenset()) -> str:
    """Exactly 7 digits (export-formats.md §1.4), unique across the whole system (also outside the scope)."""
    text = str(code or "").strip()
    if not GROUP_CODE.match(text):
        raise DomainError(_("Mã tổ phải gồm đúng 7 chữ số (ví dụ 0001234)."), field=field)
    if text in taken or SavingsGroup.objects.filter(code=text).exists():
        raise DomainError(_("Mã tổ %(code)s đã tồn tại.") % {"code": text}, field=field)
    return text


# --- places and units -------------------------------------------------------------------------------------

def scoped_commune(actor, commune, *, field: str = "commune"):
    return fetch_referenced(
        access_commune, actor, commune, field=field, empty=_("Chưa chọn xã."),
        message=_("Xã không thuộc phạm vi quản lý của bạn."),
    )


def check_villages(actor, villages, commune, *, field: str = "villages") -> list:
    chosen = list(villages or [])
    if not chosen:
        raise DomainError(_("Phải chọn ít nhất một thôn của tổ."), field=field)
    if len({v.pk for v in chosen}) != len(chosen):
        raise DomainError(_("Một thôn được chọn hai lần."), field=field)
    fresh = []
    for village in chosen:
        found = fetch_referenced(
            access_village, actor, village, field=field, message=_("Thôn %(code)s không thuộc phạm vi quản lý của bạn.")
        )
        if found.commune_id != commune.id:
            raise DomainError(
                _("Thôn %(village)s không thuộc %(commune)s.") % {"village": found.name, "commune": commune.name},
                field=field,
            )
        if not found.is_active:
            raise DomainError(_("Thôn %(village)s đã ngừng hoạt động.") % {"village": found.name}, field=field)
        fresh.append(found)
    return fresh


def check_unit(actor, unit, commune, *, field: str = "association_unit"):
    """A current commune-level unit of the group's commune, visible to the actor (association officers: their own
    organization only, which the unit scope already enforces)."""
    found = fetch_referenced(
        access_unit, actor, unit, field=field, empty=_("Chưa chọn hội quản lý tổ."),
        message=_("Hội quản lý không thuộc phạm vi quản lý của bạn."),
    )
    if found.level != UnitLevel.COMMUNE or found.commune_id != commune.id:
        raise DomainError(
            _("Hội quản lý tổ phải là hội cấp xã của %(commune)s.") % {"commune": commune.name}, field=field
        )
    if found.valid_to is not None and found.valid_to < today():
        raise DomainError(
            _("Đơn vị hội %(unit)s đã hết hiệu lực từ %(on)s.")
            % {"unit": found.name, "on": format_date(found.valid_to)},
            field=field,
        )
    return found


def check_point(actor, point, commune, *, field: str = "transaction_point"):
    found = fetch_referenced(
        access_point, actor, point, field=field, empty=_("Chưa chọn điểm giao dịch."),
        message=_("Điểm giao dịch không thuộc phạm vi quản lý của bạn."),
    )
    if found.commune_id != commune.id:
        raise DomainError(
            _("Điểm giao dịch %(point)s không thuộc %(commune)s.") % {"point": found.code, "commune": commune.name},
            field=field,
        )
    if not found.is_active:
        raise DomainError(_("Điểm giao dịch %(point)s đã ngừng hoạt động.") % {"point": found.code}, field=field)
    return found


def check_office(actor, office, commune, *, field: str = "office"):
    found = fetch_referenced(
        access_office, actor, office, field=field, empty=_("Chưa chọn phòng giao dịch."),
        message=_("Phòng giao dịch không thuộc phạm vi quản lý của bạn."),
    )
    if not found.is_active:
        raise DomainError(_("%(office)s đã ngừng hoạt động.") % {"office": found.name}, field=field)
    if not found.communes.filter(pk=commune.pk).exists():
        raise DomainError(
            _("%(office)s không phục vụ %(commune)s.") % {"office": found.name, "commune": commune.name}, field=field
        )
    return found


# --- households -------------------------------------------------------------------------------------------

def scoped_households(actor, households, *, field: str) -> list[Household]:
    """Fresh copies of the chosen households, in the given order, all visible to the actor; no duplicates."""
    chosen = [h for h in (households or []) if h is not None]
    ids = [h.pk for h in chosen]
    seen: set[int] = set()
    for household in chosen:
        if household.pk in seen:
            raise DomainError(_("Hộ %(code)s được chọn hai lần.") % {"code": household.customer_code}, field=field)
        seen.add(household.pk)
    visible = {
        h.pk: h for h in household_queryset_for(actor).filter(pk__in=ids).select_related("village", "commune")
    }
    for household in chosen:
        if household.pk not in visible:
            raise DomainError(
                _("Hộ %(code)s không thuộc phạm vi quản lý của bạn.") % {"code": household.customer_code},
                field=field,
            )
    return [visible[pk] for pk in ids]


def check_households_can_join(households, *, commune, village_ids, on: dt.date, field: str) -> None:
    """Residence, moved-away status and membership history of households about to join a group on ``on``."""
    ids = [h.pk for h in households]
    current = {
        m.household_id: m
        for m in GroupMembership.objects.filter(household_id__in=ids, left_on__isnull=True).select_related("group")
    }
    left_later = {
        m.household_id: m
        for m in GroupMembership.objects.filter(household_id__in=ids, left_on__gt=on)
        .select_related("group")
        .order_by("left_on")
    }
    for household in households:
        params = {"household": household.name, "code": household.customer_code}
        if household.commune_id != commune.id:
            raise DomainError(
                _("Hộ %(household)s (%(code)s) không cư trú tại %(commune)s.") % {**params, "commune": commune.name},
                field=field,
            )
        if household.village_id not in village_ids:
            raise DomainError(
                _("Hộ %(household)s (%(code)s) ở %(village)s, không thuộc các thôn của tổ.")
                % {**params, "village": household.village.name},
                field=field,
            )
        if household.moved_away_on is not None:
            raise DomainError(
                _("Hộ %(household)s (%(code)s) đã đi khỏi nơi cư trú từ %(on)s.")
                % {**params, "on": format_date(household.moved_away_on)},
                field=field,
            )
        if household.pk in current:
            raise DomainError(
                _("Hộ %(household)s (%(code)s) đang là tổ viên tổ %(group)s.")
                % {**params, "group": current[household.pk].group.code},
                field=field,
            )
        if household.pk in left_later:
            earlier = left_later[household.pk]
            raise DomainError(
                _("Hộ %(household)s (%(code)s) rời tổ %(group)s ngày %(left)s; ngày vào tổ không được trước ngày đó.")
                % {**params, "group": earlier.group.code, "left": format_date(earlier.left_on)},
                field=field,
            )


# --- rules ------------------------------------------------------------------------------------------------

def size_rule(on: dt.date) -> RuleValue:
    """``group.size`` in force on ``on`` (5–60 from 11/02/2026, 3–60 before; M)."""
    return rule_get(SIZE_RULE, on=on)


def rule_source(rule: RuleValue) -> str:
    """The document part of the source (before the first ';'), enough for a message."""
    return rule.source_document.split(";")[0].strip()


def size_params(rule: RuleValue, **extra) -> dict:
    return {"min": int(rule.value["min"]), "max": int(rule.value["max"]), "source": rule_source(rule), **extra}


def check_founding_size(count: int, *, on: dt.date, field: str, code: str) -> None:
    rule = size_rule(on)
    params = size_params(rule, count=count, code=code)
    if not params["min"] <= count <= params["max"]:
        raise DomainError(
            _("Tổ %(code)s phải có từ %(min)d đến %(max)d tổ viên (%(source)s); danh sách có %(count)d hộ.")
            % params,
            field=field,
        )


def check_kinship(leader: Household, deputy: Household, *, on: dt.date, field: str = "deputy") -> None:
    """Leader and deputy must not be close relatives (727 checklist, M): a declared ``Kinship`` in either direction
    whose kind is in the dated rule ``group.board.forbidden_kinship``."""
    forbidden = list(rule_get(KINSHIP_RULE, on=on).value)
    tie = (
        Kinship.objects.filter(
            Q(person=leader, relative=deputy) | Q(person=deputy, relative=leader), kind__in=forbidden
        )
        .select_related("person", "relative")
        .first()
    )
    if tie is None:
        return
    labels = [str(KinshipKind(kind).label).lower() for kind in forbidden if kind in KinshipKind.values]
    listed = labels[0] if len(labels) == 1 else _("%(first)s hoặc %(last)s") % {
        "first": ", ".join(labels[:-1]), "last": labels[-1]
    }
    role = {leader.pk: _("tổ trưởng"), deputy.pk: _("tổ phó")}
    relation = _("%(role)s %(person)s là %(kind)s của %(other_role)s %(relative)s") % {
        "role": role[tie.person_id],
        "person": tie.person.name,
        "kind": tie.get_kind_display().lower(),
        "other_role": role[tie.relative_id],
        "relative": tie.relative.name,
    }
    raise DomainError(
        _("Tổ trưởng và tổ phó không được là %(listed)s của nhau (%(relation)s).")
        % {"listed": listed, "relation": relation},
        field=field,
    )


# --- writes shared by several services --------------------------------------------------------------------

def save_new_group(group: SavingsGroup, *, field: str = "code") -> None:
    """Insert under a savepoint so a concurrent insert of the same code becomes the same clear message."""
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:
        raise DomainError(_("Mã tổ %(code)s đã tồn tại.") % {"code": group.code}, field=field) from None


def move_memberships(memberships: list[GroupMembership], target: SavingsGroup, *, on: dt.date, reason: str):
    """Close each current membership on ``on`` and open one in ``target`` that remembers it (``moved_from``)."""
    ids = [m.pk for m in memberships]
    GroupMembership.objects.filter(pk__in=ids).update(left_on=on, leave_reason=reason[:255])
    return GroupMembership.objects.bulk_create(
        [GroupMembership(group=target, household_id=m.household_id, joined_on=on, moved_from_id=m.pk)
         for m in memberships]
    )


def close_group(group: SavingsGroup, *, status: str, on: dt.date, reason: str) -> None:
    """Status change with history; ends the board term and the agency contracts still in force."""
    GroupStatusChange.objects.create(
        group=group, from_status=group.status, to_status=status, changed_on=on, reason=reason[:255]
    )
    group.status = status
    group.closed_on = on
    group.save(update_fields=["status", "closed_on"])
    GroupBoardTerm.objects.filter(group=group, ended_on__isnull=True).update(ended_on=on)
    AgencyContract.objects.filter(group=group).filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on)).update(
        effective_to=on
    )


# --- audit ------------------------------------------------------------------------------------------------

def group_snapshot(group: SavingsGroup) -> dict:
    """The group's fields plus its villages and current members (customer codes), for before/after."""
    villages = sorted(group.villages.values_list("code", flat=True))
    members = sorted(
        GroupMembership.objects.filter(group=group, left_on__isnull=True).values_list(
            "household__customer_code", flat=True
        )
    )
    return snapshot(group, extra={"villages": villages, "members": members})


def record(actor, action: str, group: SavingsGroup, *, instance=None, before, after, note: str = ""):
    """File the event under the group (its audit page tells the whole story: members, board, meetings…)."""
    return audit_event_record(
        actor=actor, action=action, instance=instance if instance is not None else group, before=before,
        after=after, note=note, object_type="savingsgroup", object_key=group.code,
    )
