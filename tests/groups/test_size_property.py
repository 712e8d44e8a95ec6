"""Property: whatever sequence of admissions and exits is tried, the service accepts exactly those a simple model of
the size rule accepts, the group never leaves the bounds, and every accepted write (only those) is audited."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.groups.helpers import D, free_household
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent, RuleValue
from uythac.groups.selectors import group_current_board, group_member_count
from uythac.groups.services import membership_admit, membership_exit
from uythac.households.models import Household

pytestmark = pytest.mark.django_db

MIN, MAX = 3, 8
operations = st.lists(st.one_of(st.just(("admit", 0)), st.tuples(st.just("exit"), st.integers(0, 10))),
                      max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_admissions_and_exits_follow_the_dated_size_rule(world, ops):
    with transaction.atomic():  # each example rolls back to the world as built
        # a hypothetical later decision: 3–8 members from D (the rule is data, never a constant)
        RuleValue.objects.create(key="group.size", value={"min": MIN, "max": MAX}, effective_from=D,
                                 source_document="Giả định kiểm thử", confidence="L")
        group = world.group_b
        board = group_current_board(group)
        count, accepted = group_member_count(group), 0
        audit_before = AuditEvent.objects.count()
        for kind, index in ops:
            if kind == "admit":
                household = free_household(world, "Hộ thử", commune=world.commune_b, village=world.village_b)
                expected = count + 1 <= MAX

                def call(household=household):
                    membership_admit(actor=world.branch_staff, group=group, household=household, joined_on=D)
            else:
                candidates = sorted(
                    group.memberships.filter(left_on__isnull=True)
                    .exclude(household__in=[board.leader_id, board.deputy_id])
                    .values_list("household_id", flat=True)
                )
                if not candidates:
                    continue
                household = Household.objects.get(pk=candidates[index % len(candidates)])
                expected = count - 1 >= MIN

                def call(household=household):
                    membership_exit(actor=world.branch_staff, group=group, household=household, left_on=D,
                                    reason="Thử")
            try:
                call()
                assert expected, (kind, count)
                count += 1 if kind == "admit" else -1
                accepted += 1
            except DomainError as error:
                assert not expected, error.text()
                assert error.field == "household"
            assert group_member_count(group) == count
            assert MIN <= count <= MAX
        assert AuditEvent.objects.count() - audit_before == accepted
        transaction.set_rollback(True)
