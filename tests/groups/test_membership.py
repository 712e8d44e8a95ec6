import datetime as dt

import pytest
from django.utils import timezone

from tests.groups.helpers import SOURCE_727, D, current_member_ids, fill_group, free_household, last_audit, refused
from uythac.core.models import AuditEvent
from uythac.geography.models import Village
from uythac.groups.models import GroupMembership
from uythac.groups.services import group_dissolve, membership_admit, membership_exit, membership_transfer

pytestmark = pytest.mark.django_db


# --- admit ------------------------------------------------------------------------------------------------

def test_admit_a_household_of_the_village(world):
    household = free_household(world, "Hộ Kết Nạp")
    membership = membership_admit(actor=world.commune_association, group=world.group_a, household=household,
                                  joined_on=D)
    assert (membership.group, membership.household, membership.joined_on, membership.left_on) == (
        world.group_a, household, D, None
    )
    assert len(current_member_ids(world.group_a)) == 7
    event = last_audit("membership.admit")
    assert (event.object_type, event.object_key, event.before) == ("savingsgroup", "0000001", None)
    assert (event.after["household_code"], event.after["joined_on"]) == (household.customer_code, "2026-03-02")


def test_61st_member_is_refused_with_the_limit_and_its_source(world):
    # Issue 2, bad input: a 61st member. Bring the group to 59 with bulk inserts; the 60th is admitted.
    fill_group(world.group_a, 59)
    membership_admit(actor=world.admin, group=world.group_a, household=free_household(world, "Hộ thứ 60"),
                     joined_on=D)
    sixty_first = free_household(world, "Hộ thứ 61")
    refused(lambda: membership_admit(actor=world.admin, group=world.group_a, household=sixty_first, joined_on=D),
            field="household",
            message=f"Tổ đã có 60 tổ viên, tối đa 60 ({SOURCE_727}): không thể kết nạp thêm.")
    assert len(current_member_ids(world.group_a)) == 60
    assert not GroupMembership.objects.filter(household=sixty_first).exists()


def test_admit_refuses_households_outside_the_groups_territory(world):
    far = free_household(world, "Hộ Ba Đình", commune=world.commune_b, village=world.village_b)
    refused(lambda: membership_admit(actor=world.admin, group=world.group_a, household=far, joined_on=D),
            field="household",
            message=f"Hộ Hộ Ba Đình ({far.customer_code}) không cư trú tại Phường Hoàn Kiếm.")
    refused(lambda: membership_admit(actor=world.commune_association, group=world.group_a, household=far,
                                     joined_on=D),
            field="household", message=f"Hộ {far.customer_code} không thuộc phạm vi quản lý của bạn.")
    other = Village.objects.create(code="00070002", name="Tổ dân phố số 2", commune=world.commune_a)
    neighbour = free_household(world, "Hộ thôn bên", village=other)
    refused(lambda: membership_admit(actor=world.admin, group=world.group_a, household=neighbour, joined_on=D),
            field="household",
            message=f"Hộ Hộ thôn bên ({neighbour.customer_code}) ở Tổ dân phố số 2, không thuộc các thôn của tổ.")


def test_admit_refuses_a_member_of_another_group_or_a_moved_away_household(world):
    member = world.household_a_women
    refused(lambda: membership_admit(actor=world.admin, group=world.group_a, household=member, joined_on=D),
            field="household",
            message=f"Hộ {member.name} ({member.customer_code}) đang là tổ viên tổ 0000002.")
    gone = free_household(world, "Hộ đi xa", moved_away_on=dt.date(2026, 1, 10))
    refused(lambda: membership_admit(actor=world.admin, group=world.group_a, household=gone, joined_on=D),
            field="household",
            message=f"Hộ Hộ đi xa ({gone.customer_code}) đã đi khỏi nơi cư trú từ 10/01/2026.")


def test_admit_dates(world):
    household = free_household(world)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused(lambda: membership_admit(actor=world.admin, group=world.group_a, household=household,
                                     joined_on=tomorrow),
            field="joined_on", message=f"Ngày vào tổ ({tomorrow:%d/%m/%Y}) không được sau ngày hôm nay.")
    refused(lambda: membership_admit(actor=world.admin, group=world.group_a, household=household,
                                     joined_on=dt.date(2015, 2, 28)),
            field="joined_on",
            message="Ngày vào tổ (28/02/2015) không được trước ngày thành lập tổ (01/03/2015).")


def test_admit_refused_on_a_closed_group_and_for_read_only_personas(world):
    household = free_household(world)
    for actor in (world.group_leader, world.commune_viewer):
        refused(lambda actor=actor: membership_admit(actor=actor, group=world.group_a, household=household,
                                                     joined_on=D),
                field="group", message="Bạn không có quyền thay đổi tổ TK&VV.")
    group_dissolve(actor=world.admin, group=world.group_a, on=D, reason="Giải thể")
    refused(lambda: membership_admit(actor=world.admin, group=world.group_a, household=household, joined_on=D),
            field="group", message="Tổ 0000001 đã giải thể từ ngày 02/03/2026; không thể thay đổi.")


# --- exit -------------------------------------------------------------------------------------------------

def test_exit_a_member(world):
    member = world.group_a.test_members[3]
    membership = membership_exit(actor=world.commune_association, group=world.group_a, household=member,
                                 left_on=D, reason="Chuyển đi nơi khác")
    assert (membership.left_on, membership.leave_reason) == (D, "Chuyển đi nơi khác")
    assert member.pk not in current_member_ids(world.group_a)
    event = last_audit("membership.exit")
    assert (event.before["left_on"], event.after["left_on"]) == (None, "2026-03-02")
    assert event.note == "Chuyển đi nơi khác"


def test_exit_by_membership_object(world):
    membership = GroupMembership.objects.get(group=world.group_a, household=world.group_a.test_members[4])
    membership_exit(actor=world.admin, membership=membership, left_on=D, reason="Xin ra khỏi tổ")
    membership.refresh_from_db()
    assert membership.left_on == D
    refused(lambda: membership_exit(actor=world.admin, membership=membership, left_on=D, reason="Lần hai"),
            field="household",
            message=f"Hộ {membership.household.name} không phải là tổ viên hiện tại của tổ 0000001.")


def test_exit_below_the_minimum_suggests_merging_or_dissolving(world):
    member = world.group_b.test_members[3]
    refused(lambda: membership_exit(actor=world.admin, group=world.group_b, household=member, left_on=D,
                                    reason="Chuyển đi"),
            field="household",
            message=f"Tổ 0000003 có 5 tổ viên, tối thiểu 5 ({SOURCE_727}): không thể cho tổ viên rời tổ. "
                    "Hãy sáp nhập tổ vào tổ khác hoặc giải thể tổ.")


def test_exit_of_a_board_member_needs_a_board_change_first(world):
    leader, deputy = world.group_a.test_members[:2]
    refused(lambda: membership_exit(actor=world.admin, group=world.group_a, household=leader, left_on=D,
                                    reason="Chuyển đi"),
            field="household",
            message=f"Hộ {leader.name} đang là tổ trưởng của tổ 0000001: phải kiện toàn ban quản lý tổ "
                    "trước khi cho hộ rời tổ.")
    refused(lambda: membership_exit(actor=world.admin, group=world.group_a, household=deputy, left_on=D,
                                    reason="Chuyển đi"),
            field="household", contains="đang là tổ phó của tổ 0000001")


def test_exit_refusals(world):
    member = world.group_a.test_members[3]
    refused(lambda: membership_exit(actor=world.admin, group=world.group_a, household=world.household_b,
                                    left_on=D, reason="x"),
            field="household",
            message=f"Hộ {world.household_b.name} không phải là tổ viên hiện tại của tổ 0000001.")
    refused(lambda: membership_exit(actor=world.admin, group=world.group_a, household=member,
                                    left_on=dt.date(2019, 12, 1), reason="x"),
            field="left_on", message="Ngày rời tổ (01/12/2019) không được trước ngày vào tổ (01/01/2020).")
    refused(lambda: membership_exit(actor=world.admin, group=world.group_a, household=member, left_on=D,
                                    reason=""),
            field="reason", message="Chưa nhập lý do rời tổ.")
    refused(lambda: membership_exit(actor=world.admin, left_on=D, reason="x"), field="household",
            message="Chưa chọn tổ viên.")
    refused(lambda: membership_exit(actor=world.commune_viewer, group=world.group_a, household=member, left_on=D,
                                    reason="x"),
            field="group", message="Bạn không có quyền thay đổi tổ TK&VV.")


# --- transfer ---------------------------------------------------------------------------------------------

def test_transfer_keeps_history(world):
    member = world.group_a.test_members[3]
    old = GroupMembership.objects.get(household=member, left_on__isnull=True)
    new = membership_transfer(actor=world.admin, household=member, target=world.group_a_women, moved_on=D)
    old.refresh_from_db()
    assert (old.left_on, old.leave_reason) == (D, "Chuyển sang tổ 0000002")
    assert (new.group, new.joined_on, new.left_on, new.moved_from) == (world.group_a_women, D, None, old)
    assert len(current_member_ids(world.group_a)) == 5
    assert len(current_member_ids(world.group_a_women)) == 6
    events = {e.object_key: e for e in AuditEvent.objects.filter(action="membership.transfer")}
    assert events["0000001"].after["left_on"] == "2026-03-02"
    assert events["0000002"].after["moved_from_id"] == old.pk


def test_transfer_refusals(world):
    member = world.group_a.test_members[3]
    refused(lambda: membership_transfer(actor=world.commune_association, household=member,
                                        target=world.group_a_women, moved_on=D),
            field="target", message="Tổ 0000002 không thuộc phạm vi quản lý của bạn.")
    refused(lambda: membership_transfer(actor=world.admin, household=member, target=world.group_b, moved_on=D),
            field="target", message="Chỉ chuyển tổ viên giữa các tổ của cùng một xã.")
    refused(lambda: membership_transfer(actor=world.admin, household=member, target=world.group_a, moved_on=D),
            field="target", message="Tổ chuyển đến phải khác tổ hiện tại.")
    refused(lambda: membership_transfer(actor=world.admin, household=world.group_a.test_members[0],
                                        target=world.group_a_women, moved_on=D),
            field="household", contains="đang là tổ trưởng của tổ 0000001")
    loner = free_household(world, "Hộ tự do")
    refused(lambda: membership_transfer(actor=world.admin, household=loner,
                                        target=world.group_a_women, moved_on=D),
            field="household", message="Hộ Hộ tự do hiện không là tổ viên của tổ nào.")
    refused(lambda: membership_transfer(actor=world.admin, household=world.group_b.test_members[3],
                                        target=world.group_b, moved_on=D),
            field="target", message="Tổ chuyển đến phải khác tổ hiện tại.")


def test_transfer_respects_both_size_limits(world):
    women_member = world.group_a_women.test_members[3]
    refused(lambda: membership_transfer(actor=world.admin, household=women_member, target=world.group_a,
                                        moved_on=D),
            field="household", contains="Tổ 0000002 có 5 tổ viên, tối thiểu 5")
    fill_group(world.group_a_women, 60)
    refused(lambda: membership_transfer(actor=world.admin, household=world.group_a.test_members[3],
                                        target=world.group_a_women, moved_on=D),
            field="target", message=f"Tổ đã có 60 tổ viên, tối đa 60 ({SOURCE_727}): không thể kết nạp thêm.")
