import datetime as dt

import pytest

from tests.groups.helpers import D, free_households
from uythac.groups.models import GroupMembership
from uythac.groups.selectors import (
    group_board_terms,
    group_current_board,
    group_current_members,
    group_former_members,
    group_history,
    group_member_count,
    group_members_on,
    group_size_check,
    group_size_rule,
    household_current_membership,
)
from uythac.groups.services import board_term_start, group_create, membership_exit

pytestmark = pytest.mark.django_db


def test_size_rule_is_dated_sourced_and_provisional(world):
    current = group_size_rule(D)
    assert (current.value, current.effective_from, current.confidence, current.is_provisional) == (
        {"min": 5, "max": 60}, dt.date(2026, 2, 11), "M", True
    )
    assert current.source_document.startswith("727/HD-NHCS (11/02/2026)")
    assert group_size_rule(dt.date(2026, 2, 10)).value == {"min": 3, "max": 60}
    assert group_size_rule() == current


def test_size_check(world):
    check = group_size_check(world.group_a)
    assert (check.count, check.minimum, check.maximum, check.below_minimum, check.above_maximum, check.room) == (
        6, 5, 60, False, False, 54
    )
    GroupMembership.objects.filter(household__in=world.group_b.test_members[3:]).update(left_on=D)
    assert group_size_check(world.group_b).below_minimum is True
    assert group_size_check(world.group_b, on=dt.date(2025, 1, 1)).below_minimum is False


def test_members_board_and_counts(world):
    group = world.group_a
    names = [m.household.name for m in group_current_members(group)]
    assert names == sorted(h.name for h in group.test_members)
    assert group_member_count(group) == 6
    assert group_current_board(group).leader == group.test_members[0]
    leaver = group.test_members[4]
    membership_exit(actor=world.admin, group=group, household=leaver, left_on=D, reason="Chuyển đi")
    assert [m.household for m in group_former_members(group)] == [leaver]
    assert group_member_count(group) == 5
    assert group_members_on(group, D) == 6  # still a member on the day they left
    assert group_members_on(group, D + dt.timedelta(days=1)) == 5
    assert group_members_on(group, dt.date(2019, 12, 31)) == 0
    assert household_current_membership(leaver) is None
    assert household_current_membership(group.test_members[3]).group == group
    board_term_start(actor=world.admin, group=group, leader=group.test_members[2], deputy=None, started_on=D)
    assert [t.started_on for t in group_board_terms(group)] == [D, dt.date(2020, 1, 1)]


def test_history_of_a_new_group(world):
    group = group_create(
        actor=world.admin, code="0000200", name="Tổ mới", commune=world.commune_a, villages=[world.village_a],
        association_unit=world.unit_a["13"], transaction_point=world.point_a, established_on=D,
        founding_members=free_households(world, 5),
    )
    [entry] = group_history(group)
    assert (entry.on, entry.kind, entry.text) == (D, "status", "Đang hoạt động: Thành lập tổ")
