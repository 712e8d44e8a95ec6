"""Group pages that change people and history: admit/exit members, board election, agency contract, meetings,
merge, split, dissolve — success (row, redirect, audit) and refused writes (Vietnamese message, nothing changed).
"""

import datetime as dt

import pytest

from tests.groups.helpers import fill_group, free_households, group_edit_payload, members_of
from tests.pages import dmy, text, today
from uythac.core.models import AuditEvent
from uythac.groups.models import (
    AgencyContract,
    GroupBoardTerm,
    GroupConsolidation,
    GroupMeeting,
    GroupMembership,
    GroupStatus,
    SavingsGroup,
)
from uythac.households.models import Kinship, KinshipKind

pytestmark = pytest.mark.django_db


# --- members ---------------------------------------------------------------------------------------------

def test_admit_success(client, world):
    newcomer = free_households(world, 1)[0]
    client.force_login(world.commune_association)
    form = text(client.get("/groups/0000001/members/admit/"))
    assert f'value="{newcomer.customer_code}"' in form
    assert f'value="{world.household_b.customer_code}"' not in form
    response = client.post("/groups/0000001/members/admit/",
                           {"household": newcomer.customer_code, "joined_on": dmy(dt.date(2026, 3, 2))})
    assert response.status_code == 302
    membership = GroupMembership.objects.get(household=newcomer, left_on__isnull=True)
    assert membership.group == world.group_a and membership.joined_on == dt.date(2026, 3, 2)
    event = AuditEvent.objects.get(action="membership.admit")
    assert (event.object_type, event.object_key, event.actor) == ("savingsgroup", "0000001", world.commune_association)
    assert event.after["household_code"] == newcomer.customer_code


def test_admit_refuses_a_61st_member(client, world):
    fill_group(world.group_a, 60)
    newcomer = free_households(world, 1)[0]
    before = members_of(world.group_a)
    client.force_login(world.commune_association)
    response = client.post("/groups/0000001/members/admit/",
                           {"household": newcomer.customer_code, "joined_on": dmy(dt.date(2026, 3, 2))})
    assert response.status_code == 400
    assert "Tổ đã có 60 tổ viên, tối đa 60" in text(response)
    assert members_of(world.group_a) == before and len(before) == 60
    assert not GroupMembership.objects.filter(household=newcomer).exists()
    assert AuditEvent.objects.count() == 0


def test_admit_refuses_household_outside_the_choices(client, world):
    client.force_login(world.commune_association)
    response = client.post("/groups/0000001/members/admit/",
                           {"household": world.household_c.customer_code, "joined_on": dmy(dt.date(2026, 3, 2))})
    assert response.status_code == 400
    assert "Hộ không thuộc phạm vi quản lý của bạn hoặc không thể kết nạp vào tổ này." in text(response)
    assert GroupMembership.objects.filter(household=world.household_c, group=world.group_c).count() == 1
    assert AuditEvent.objects.count() == 0


def test_exit_success(client, world):
    client.force_login(world.credit_officer)
    url = f"/groups/0000001/members/{world.household_a.customer_code}/exit/"
    response = client.post(url, {"left_on": dmy(dt.date(2026, 3, 2)), "reason": "Chuyển đi tỉnh khác"})
    assert response.status_code == 302 and response["Location"] == "/groups/0000001/"
    membership = GroupMembership.objects.get(household=world.household_a)
    assert membership.left_on == dt.date(2026, 3, 2) and membership.leave_reason == "Chuyển đi tỉnh khác"
    assert AuditEvent.objects.filter(action="membership.exit").count() == 1
    assert len(members_of(world.group_a)) == 5


def test_exit_refused_below_minimum_size(client, world):
    client.force_login(world.pgd_staff)
    member = world.group_a_women.test_members[3]
    response = client.post(f"/groups/0000002/members/{member.customer_code}/exit/",
                           {"left_on": dmy(dt.date(2026, 3, 2)), "reason": "Xin ra khỏi tổ"})
    assert response.status_code == 400
    assert "tối thiểu 5" in text(response)
    assert GroupMembership.objects.get(household=member).left_on is None
    assert AuditEvent.objects.count() == 0


def test_exit_of_a_non_member_or_out_of_scope_household_is_404(client, world):
    client.force_login(world.credit_officer)
    assert client.get(f"/groups/0000001/members/{world.household_a_women.customer_code}/exit/").status_code == 404
    assert client.get(f"/groups/0000001/members/{world.household_c.customer_code}/exit/").status_code == 404
    assert client.get("/groups/0000001/members/9999999999/exit/").status_code == 404


# --- board -----------------------------------------------------------------------------------------------

def test_board_refuses_leader_who_is_the_deputys_spouse(client, world):
    leader, deputy = world.group_a.test_members[3], world.group_a.test_members[4]
    Kinship.objects.create(person=leader, relative=deputy, kind=KinshipKind.SPOUSE)
    current = GroupBoardTerm.objects.get(group=world.group_a, ended_on__isnull=True)
    client.force_login(world.commune_association)
    response = client.post("/groups/0000001/board/", {
        "leader": leader.customer_code, "deputy": deputy.customer_code, "started_on": dmy(dt.date(2026, 3, 2)),
    })
    assert response.status_code == 400
    body = text(response)
    assert "Tổ trưởng và tổ phó không được là" in body and "vợ/chồng" in body
    assert list(GroupBoardTerm.objects.filter(group=world.group_a).values_list("pk", "ended_on")) == [
        (current.pk, None)
    ]
    assert AuditEvent.objects.count() == 0


def test_board_election_success(client, world):
    leader, deputy = world.group_a.test_members[3], world.group_a.test_members[4]
    client.force_login(world.commune_association)
    form = text(client.get("/groups/0000001/board/"))
    assert f'value="{leader.customer_code}"' in form
    assert f'value="{world.household_a_women.customer_code}"' not in form
    response = client.post("/groups/0000001/board/", {
        "leader": leader.customer_code, "deputy": deputy.customer_code, "started_on": dmy(dt.date(2026, 3, 2)),
        "election_minutes": "BB 01/2026",
    })
    assert response.status_code == 302
    terms = GroupBoardTerm.objects.filter(group=world.group_a).order_by("started_on")
    assert [(t.leader, t.deputy, t.started_on, t.ended_on) for t in terms] == [
        (world.group_a.test_members[0], world.group_a.test_members[1], dt.date(2020, 1, 1), dt.date(2026, 3, 1)),
        (leader, deputy, dt.date(2026, 3, 2), None),
    ]
    assert AuditEvent.objects.filter(action="board.start").count() == 1


def test_agency_contract_success_and_duplicate_number(client, world):
    client.force_login(world.pgd_staff)
    payload = {"number": "01/2026/HĐUN", "office": world.office.code, "signed_on": dmy(dt.date(2026, 3, 2)),
               "collects_interest": "on", "collects_savings": "on"}
    response = client.post("/groups/0000001/agency-contract/new/", payload)
    assert response.status_code == 302
    contract = AgencyContract.objects.get(group=world.group_a)
    assert (contract.number, contract.leader, contract.collects_interest) == (
        "01/2026/HĐUN", world.group_a.test_members[0], True
    )
    audits = AuditEvent.objects.count()
    again = client.post("/groups/0000002/agency-contract/new/", payload)
    assert again.status_code == 400
    assert "Số hợp đồng 01/2026/HĐUN đã tồn tại" in text(again)
    assert AgencyContract.objects.count() == 1 and AuditEvent.objects.count() == audits


# --- meetings --------------------------------------------------------------------------------------------

def test_group_leader_records_a_meeting_of_his_group(client, world):
    client.force_login(world.group_leader)
    response = client.post("/groups/0000001/meetings/new/", {
        "held_on": dmy(dt.date(2026, 3, 10)), "kind": "REGULAR", "attendee_count": "6",
        "minutes": "Sinh hoạt định kỳ, thu lãi đầy đủ.", "village_head_present": "on",
    })
    assert response.status_code == 302
    meeting = GroupMeeting.objects.get(group=world.group_a)
    assert (meeting.attendee_count, meeting.village_head_present, meeting.recorded_by) == (6, True, world.group_leader)
    assert AuditEvent.objects.filter(action="meeting.record", actor=world.group_leader).count() == 1
    assert "Sinh hoạt định kỳ, thu lãi đầy đủ." in text(client.get("/groups/0000001/"))


def test_group_leader_cannot_edit_his_group_nor_touch_others(client, world):
    client.force_login(world.group_leader)
    assert client.get("/groups/0000001/edit/").status_code == 403
    assert client.post("/groups/0000001/edit/", group_edit_payload(world.group_a, name="X")).status_code == 403
    other = client.post("/groups/0000002/meetings/new/", {
        "held_on": dmy(dt.date(2026, 3, 10)), "kind": "REGULAR", "attendee_count": "3", "minutes": "…",
    })
    assert other.status_code == 404
    world.group_a.refresh_from_db()
    assert world.group_a.name == "Tổ HND thôn 1"
    assert GroupMeeting.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_meeting_refuses_more_attendees_than_members(client, world):
    client.force_login(world.group_leader)
    response = client.post("/groups/0000001/meetings/new/", {
        "held_on": dmy(dt.date(2026, 3, 10)), "kind": "REGULAR", "attendee_count": "7", "minutes": "Họp tổ",
    })
    assert response.status_code == 400
    assert "Số tổ viên dự họp (7) vượt số tổ viên của tổ ngày 10/03/2026 (6)." in text(response)
    assert GroupMeeting.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_meeting_refuses_future_date(client, world):
    client.force_login(world.commune_association)
    tomorrow = today() + dt.timedelta(days=1)
    response = client.post("/groups/0000001/meetings/new/", {
        "held_on": dmy(tomorrow), "kind": "REGULAR", "attendee_count": "3", "minutes": "Họp tổ",
    })
    assert response.status_code == 400
    assert f"Ngày họp ({dmy(tomorrow)}) không được sau ngày hôm nay." in text(response)
    assert GroupMeeting.objects.count() == 0


# --- merge, split, dissolve ------------------------------------------------------------------------------

def test_merge_moves_members_and_keeps_history(client, world):
    client.force_login(world.pgd_staff)
    form = text(client.get("/groups/0000001/merge/"))
    assert 'value="0000002"' in form and 'value="0000003"' not in form  # other commune
    moved = members_of(world.group_a_women)
    response = client.post("/groups/0000001/merge/", {"sources": ["0000002"],
                                                      "effective_on": dmy(dt.date(2026, 3, 2)),
                                                      "decision": "QĐ 20/UBND"})
    assert response.status_code == 302
    world.group_a_women.refresh_from_db()
    assert world.group_a_women.status == GroupStatus.MERGED and world.group_a_women.closed_on == dt.date(2026, 3, 2)
    assert members_of(world.group_a) == sorted([*(h.customer_code for h in world.group_a.test_members), *moved])
    consolidation = GroupConsolidation.objects.get()
    assert consolidation.members_moved == 5
    body = text(client.get("/groups/0000001/"))
    assert "Sáp nhập tổ" in body and 'href="/groups/0000002/"' in body and "QĐ 20/UBND" in body
    assert "Đã sáp nhập" in text(client.get("/groups/0000002/"))


def test_merge_refuses_passing_sixty_members(client, world):
    fill_group(world.group_a, 58)
    client.force_login(world.pgd_staff)
    response = client.post("/groups/0000001/merge/", {"sources": ["0000002"],
                                                      "effective_on": dmy(dt.date(2026, 3, 2))})
    assert response.status_code == 400
    assert "Tổ 0000001 sẽ có 63 tổ viên, vượt tối đa 60" in text(response)
    world.group_a_women.refresh_from_db()
    assert world.group_a_women.status == GroupStatus.ACTIVE and len(members_of(world.group_a)) == 58
    assert GroupConsolidation.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_merge_choices_follow_the_organization_scope(client, world):
    client.force_login(world.commune_association)  # organization 11: does not see the women's group
    form = text(client.get("/groups/0000001/merge/"))
    assert 'value="0000002"' not in form
    response = client.post("/groups/0000001/merge/", {"sources": ["0000002"],
                                                      "effective_on": dmy(dt.date(2026, 3, 2))})
    assert response.status_code == 400
    assert "Tổ không thuộc phạm vi quản lý của bạn hoặc không cùng xã." in text(response)
    assert GroupConsolidation.objects.count() == 0


def split_payload(group, members, **overrides):
    payload = {
        "effective_on": dmy(dt.date(2026, 3, 2)),
        "decision": "BB củng cố tổ 03/2026",
        "g1_code": "0000200",
        "g1_name": "Tổ HND thôn 1B",
        "g1_villages": [v.code for v in group.villages.all()],
        "g1_members": [m.customer_code for m in members],
    }
    payload.update(overrides)
    return payload


def test_split_creates_new_group_with_chosen_members(client, world):
    fill_group(world.group_a, 10)
    moving = [m.household for m in GroupMembership.objects.filter(group=world.group_a).order_by("-id")[:5]]
    client.force_login(world.commune_association)
    response = client.post("/groups/0000001/split/", split_payload(
        world.group_a, moving, g1_leader=moving[0].customer_code, g1_deputy=moving[1].customer_code))
    assert response.status_code == 302
    new = SavingsGroup.objects.get(code="0000200")
    assert members_of(new) == sorted(h.customer_code for h in moving)
    assert len(members_of(world.group_a)) == 5
    assert GroupBoardTerm.objects.get(group=new).leader == moving[0]
    world.group_a.refresh_from_db()
    assert world.group_a.status == GroupStatus.ACTIVE
    assert AuditEvent.objects.filter(action="group.split").count() == 2
    assert 'href="/groups/0000200/"' in text(client.get("/groups/0000001/"))


def test_split_refuses_a_new_group_below_the_minimum(client, world):
    fill_group(world.group_a, 10)
    moving = [m.household for m in GroupMembership.objects.filter(group=world.group_a).order_by("-id")[:3]]
    before = members_of(world.group_a)
    client.force_login(world.commune_association)
    response = client.post("/groups/0000001/split/", split_payload(world.group_a, moving))
    assert response.status_code == 400
    assert "Tổ mới 0000200" in text(response) and "phải có từ 5 đến 60 tổ viên" in text(response)
    assert not SavingsGroup.objects.filter(code="0000200").exists()
    assert members_of(world.group_a) == before and AuditEvent.objects.count() == 0


def test_dissolve_success_and_read_only_refusal(client, world):
    client.force_login(world.commune_viewer)
    assert client.post("/groups/0000003/dissolve/", {"on": dmy(dt.date(2026, 3, 2)), "reason": "x"}).status_code \
        == 404  # commune B is outside the viewer's commune
    assert client.post("/groups/0000001/dissolve/", {"on": dmy(dt.date(2026, 3, 2)), "reason": "x"}).status_code \
        == 403
    client.force_login(world.pgd_staff)
    response = client.post("/groups/0000003/dissolve/",
                           {"on": dmy(dt.date(2026, 3, 2)), "reason": "Không còn nhu cầu vay vốn"})
    assert response.status_code == 302
    world.group_b.refresh_from_db()
    assert world.group_b.status == GroupStatus.DISSOLVED and world.group_b.closed_on == dt.date(2026, 3, 2)
    assert members_of(world.group_b) == []
    assert AuditEvent.objects.filter(action="group.dissolve", object_key="0000003").count() == 1
    body = text(client.get("/groups/0000003/"))
    # status history row: date, from, to, reason
    assert ("<td>02/03/2026</td><td>Đang hoạt động</td><td>Đã giải thể</td><td>Không còn nhu cầu vay vốn</td>"
            in body)
    assert "/groups/0000003/edit/" not in body  # no actions on a closed group
