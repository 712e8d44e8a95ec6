"""The entrustment report's member count: the close's members per group on a month end, memberships otherwise —
both give the same number (16 members in the province's three groups, conftest.py)."""

import pytest

from tests.closing.support import D
from uythac.closing.models import GroupSnapshot
from uythac.closing.scope import scope_parse
from uythac.reports import entrustment_sources as src

pytestmark = pytest.mark.django_db
ORGANIZATIONS = ("11", "12", "13", "14")


def test_members_from_the_snapshots_then_from_the_memberships(mw, django_assert_num_queries):
    province = scope_parse("01")
    with django_assert_num_queries(1):  # one sum over the group snapshots, no membership read
        assert src.members(province, D(2026, 10, 31), ORGANIZATIONS) == 16
    assert src.members(province, D(2026, 10, 31), ("12",)) == 5  # the women's group
    assert src.members(province, D(2026, 10, 15), ORGANIZATIONS) == 16  # not a month end: the memberships
    # A month closed before the close wrote members (0 in every row): the memberships are counted instead.
    GroupSnapshot.objects.filter(period="2026-10").update(members=0)
    with django_assert_num_queries(2):
        assert src.members(province, D(2026, 10, 31), ORGANIZATIONS) == 16
