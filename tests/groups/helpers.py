"""Helpers for the group service tests: a whole-state fingerprint, refusal assertions, fast bulk members."""

import datetime as dt
import itertools

import pytest

from tests.factories import make_household
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent
from uythac.core.text import search_key
from uythac.groups.models import (
    AgencyContract,
    GroupBoardTerm,
    GroupConsolidation,
    GroupMeeting,
    GroupMembership,
    GroupStatusChange,
    SavingsGroup,
)
from uythac.households.models import Household

# A business day after the 727/HD-NHCS size rule (5–60 from 11/02/2026) and after every world membership (2020).
D = dt.date(2026, 3, 2)
SOURCE_727 = "727/HD-NHCS (11/02/2026), Phụ lục checklist: «từ 05 đến 60 tổ viên»"
SOURCE_783 = "783/QĐ-HĐQT (2003) as summarised by eng.vbsp.org.vn (2021): 3–60 members"
_bulk_numbers = itertools.count(1)


def state() -> dict:
    """Every row the group services may touch, as comparable values (plus the audit trail)."""
    return {
        "groups": sorted(
            (g.code, g.name, g.status, g.closed_on, g.commune_id, g.association_unit_id, g.transaction_point_id,
             g.approval_decision, g.convention_note, tuple(sorted(g.villages.values_list("pk", flat=True))))
            for g in SavingsGroup.objects.all()
        ),
        "memberships": sorted(
            GroupMembership.objects.values_list("pk", "group_id", "household_id", "joined_on", "left_on",
                                                "leave_reason", "moved_from_id")
        ),
        "boards": sorted(GroupBoardTerm.objects.values_list("pk", "group_id", "leader_id", "deputy_id", "started_on",
                                                            "ended_on")),
        "contracts": sorted(AgencyContract.objects.values_list("pk", "number", "effective_to")),
        "meetings": GroupMeeting.objects.count(),
        "status_changes": GroupStatusChange.objects.count(),
        "consolidations": GroupConsolidation.objects.count(),
        "households": Household.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def refused(call, *, field, message=None, contains=None) -> DomainError:
    """Assert ``call()`` raises DomainError on ``field`` with the message, and that nothing changed."""
    before = state()
    with pytest.raises(DomainError) as info:
        call()
    error = info.value
    assert error.field == field, error.text()
    if message is not None:
        assert error.text() == message, error.text()
    if contains is not None:
        assert contains in error.text(), error.text()
    assert state() == before
    return error


def last_audit(action=None) -> AuditEvent:
    events = AuditEvent.objects.order_by("-id")
    if action:
        events = events.filter(action=action)
    return events.first()


def free_household(world, name="Hộ Mới", *, commune=None, village=None, **extra) -> Household:
    """A household of commune A, village A (unless given) that belongs to no group."""
    return make_household(commune or world.commune_a, village or world.village_a, name, **extra)


def free_households(world, count, *, prefix="Hộ sáng lập", **kwargs) -> list[Household]:
    return [free_household(world, f"{prefix} {i:02d}", **kwargs) for i in range(1, count + 1)]


def bulk_households(commune, village, count, *, prefix="Hộ bổ sung") -> list[Household]:
    """Fast: one INSERT for many households (``name_search`` filled by hand, ``bulk_create`` skips save)."""
    rows = []
    for _ in range(count):
        serial = next(_bulk_numbers)
        name = f"{prefix} {serial:04d}"
        rows.append(Household(customer_code=f"9{serial:09d}", name=name, name_search=search_key(name), gender="M",
                              commune=commune, village=village))
    return Household.objects.bulk_create(rows)


def fill_group(group, total, *, joined=dt.date(2020, 1, 1)) -> list[Household]:
    """Bring the group to ``total`` current members with bulk inserts (e.g. 60 for the 61st-member test)."""
    have = GroupMembership.objects.filter(group=group, left_on__isnull=True).count()
    households = bulk_households(group.commune, group.villages.first(), total - have)
    GroupMembership.objects.bulk_create(
        [GroupMembership(group=group, household=h, joined_on=joined) for h in households]
    )
    return households


def members_of(group) -> list[str]:
    """Customer codes of the group's current members, sorted."""
    return sorted(
        GroupMembership.objects.filter(group=group, left_on__isnull=True).values_list(
            "household__customer_code", flat=True
        )
    )


def group_edit_payload(group, **overrides) -> dict:
    """The POST data of the group edit page that keeps every field as it is, except ``overrides``."""
    payload = {
        "name": group.name,
        "commune": group.commune.code,
        "villages": [v.code for v in group.villages.all()],
        "association_unit": group.association_unit.code,
        "transaction_point": group.transaction_point.code,
        "approval_decision": group.approval_decision,
        "convention_note": group.convention_note,
    }
    payload.update(overrides)
    return payload


def current_member_ids(group) -> set[int]:
    return set(GroupMembership.objects.filter(group=group, left_on__isnull=True).values_list("household_id",
                                                                                             flat=True))
