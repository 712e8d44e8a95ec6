import datetime as dt

import pytest

from tests.groups.helpers import SOURCE_727, D, current_member_ids, fill_group, free_household, last_audit, refused
from uythac.core.models import AuditEvent
from uythac.geography.models import Village
from uythac.groups.models import (
    AgencyContract,
    GroupBoardTerm,
    GroupConsolidation,
    GroupMembership,
    GroupStatus,
    GroupStatusChange,
    SavingsGroup,
)
from uythac.groups.selectors import group_history
from uythac.groups.services import agency_contract_create, group_dissolve, group_merge, group_split
from uythac.households.models import Kinship

pytestmark = pytest.mark.django_db


# --- merge ------------------------------------------------------------------------------------------------

def test_merge_moves_members_and_keeps_history(world):
    source, target = world.group_a_women, world.group_a
    other = Village.objects.create(code="00070002", name="Tổ dân phố số 2", commune=world.commune_a)
    source.villages.add(other)
    agency_contract_create(actor=world.admin, group=source, number="HĐUN-02", office=world.office,
                           signed_on=dt.date(2021, 1, 1))
    old = {m.household_id: m for m in GroupMembership.objects.filter(group=source)}

    consolidation = group_merge(actor=world.pgd_staff, sources=[source], target=target, effective_on=D,
                                decision="QĐ 5/QĐ-UBND")

    assert (consolidation.kind, consolidation.effective_on, consolidation.decision, consolidation.members_moved) == (
        "MERGE", D, "QĐ 5/QĐ-UBND", 5
    )
    assert list(consolidation.sources.all()) == [source]
    assert list(consolidation.targets.all()) == [target]
    assert consolidation.recorded_by == world.pgd_staff
    for membership in old.values():
        membership.refresh_from_db()
        assert (membership.left_on, membership.leave_reason) == (D, "Sáp nhập vào tổ 0000001")
    moved = GroupMembership.objects.filter(group=target, moved_from__isnull=False)
    assert {(m.household_id, m.moved_from_id, m.joined_on, m.left_on) for m in moved} == {
        (household_id, m.pk, D, None) for household_id, m in old.items()
    }
    assert len(current_member_ids(target)) == 11
    assert sorted(target.villages.values_list("code", flat=True)) == ["00070001", "00070002"]

    source.refresh_from_db()
    assert (source.status, source.closed_on) == (GroupStatus.MERGED, D)
    assert GroupBoardTerm.objects.get(group=source).ended_on == D
    assert AgencyContract.objects.get(group=source).effective_to == D
    change = GroupStatusChange.objects.get(group=source)
    assert (change.from_status, change.to_status, change.changed_on, change.reason) == (
        "ACTIVE", "MERGED", D, "Sáp nhập vào tổ 0000001 (QĐ 5/QĐ-UBND)"
    )
    events = {e.object_key: e for e in AuditEvent.objects.filter(action="group.merge")}
    assert set(events) == {"0000001", "0000002"}
    assert (events["0000002"].before["status"], events["0000002"].after["status"]) == ("ACTIVE", "MERGED")
    assert len(events["0000001"].before["members"]) == 6 and len(events["0000001"].after["members"]) == 11
    assert events["0000001"].note == "Sáp nhập tổ 0000002 vào tổ 0000001 (QĐ 5/QĐ-UBND)"
    assert [e.text for e in group_history(source)] == [
        "Đang hoạt động → Đã sáp nhập: Sáp nhập vào tổ 0000001 (QĐ 5/QĐ-UBND)",
        "Sáp nhập tổ 0000002 vào tổ 0000001 (5 tổ viên chuyển); QĐ 5/QĐ-UBND",
    ]


def test_merge_several_sources(world):
    third = SavingsGroup.objects.create(code="0000004", name="Tổ nhỏ", commune=world.commune_a,
                                        association_unit=world.unit_a["11"], transaction_point=world.point_a,
                                        established_on=dt.date(2018, 1, 1))
    third.villages.add(world.village_a)
    GroupMembership.objects.create(group=third, household=free_household(world), joined_on=dt.date(2018, 1, 1))
    consolidation = group_merge(actor=world.admin, sources=[third, world.group_a_women], target=world.group_a,
                                effective_on=D)
    assert consolidation.members_moved == 6
    assert len(current_member_ids(world.group_a)) == 12
    assert set(SavingsGroup.objects.filter(status="MERGED").values_list("code", flat=True)) == {"0000002",
                                                                                                 "0000004"}


def test_merge_beyond_the_maximum_is_refused(world):
    fill_group(world.group_a, 58)
    refused(lambda: group_merge(actor=world.admin, sources=[world.group_a_women], target=world.group_a,
                                effective_on=D),
            field="target", message=f"Tổ 0000001 sẽ có 63 tổ viên, vượt tối đa 60 ({SOURCE_727}).")


def test_merge_refusals(world):
    refused(lambda: group_merge(actor=world.admin, sources=[world.group_b], target=world.group_a, effective_on=D),
            field="sources",
            message="Tổ 0000003 không cùng xã với tổ 0000001: chỉ sáp nhập các tổ của cùng một xã.")
    refused(lambda: group_merge(actor=world.commune_association, sources=[world.group_a_women],
                                target=world.group_a, effective_on=D),
            field="sources", message="Tổ 0000002 không thuộc phạm vi quản lý của bạn.")
    refused(lambda: group_merge(actor=world.admin, sources=[world.group_a], target=world.group_a, effective_on=D),
            field="sources", message="Tổ nhận sáp nhập không được nằm trong các tổ được sáp nhập.")
    refused(lambda: group_merge(actor=world.admin, sources=[], target=world.group_a, effective_on=D),
            field="sources", message="Phải chọn ít nhất một tổ được sáp nhập.")
    refused(lambda: group_merge(actor=world.admin, sources=[world.group_a_women, world.group_a_women],
                                target=world.group_a, effective_on=D),
            field="sources", message="Một tổ được chọn hai lần.")
    refused(lambda: group_merge(actor=world.admin, sources=[world.group_a_women], target=world.group_a,
                                effective_on=dt.date(2019, 6, 1)),
            field="effective_on", contains="sau ngày hiệu lực 01/06/2019")
    refused(lambda: group_merge(actor=world.group_leader, sources=[world.group_a_women], target=world.group_a,
                                effective_on=D),
            field="target", message="Bạn không có quyền thay đổi tổ TK&VV.")
    group_dissolve(actor=world.admin, group=world.group_a_women, on=D, reason="Giải thể")
    refused(lambda: group_merge(actor=world.admin, sources=[world.group_a_women], target=world.group_a,
                                effective_on=D),
            field="sources", message="Tổ 0000002 đã giải thể từ ngày 02/03/2026; không thể thay đổi.")


# --- split ------------------------------------------------------------------------------------------------

def split_spec(code, households, village, **extra):
    return {"code": code, "name": f"Tổ tách {code}", "villages": [village], "members": households, **extra}


def test_split_part_of_a_group(world):
    source = world.group_a
    extra = fill_group(source, 12)  # 6 world members (board = first two) + 6 bulk
    leaving = extra[:5] + [source.test_members[5]]
    old_ids = {m.household_id: m.pk for m in GroupMembership.objects.filter(group=source, household__in=leaving)}

    consolidation = group_split(
        actor=world.commune_association, source=source, effective_on=D, decision="BB củng cố tổ 01/2026",
        new_groups=[split_spec("0000010", leaving, world.village_a, leader=extra[0], deputy=extra[1])],
    )

    new = SavingsGroup.objects.get(code="0000010")
    assert (new.name, new.commune, new.association_unit, new.transaction_point, new.established_on, new.status) == (
        "Tổ tách 0000010", world.commune_a, world.unit_a["11"], world.point_a, D, GroupStatus.ACTIVE
    )
    assert current_member_ids(new) == {h.pk for h in leaving}
    assert {(m.household_id, m.moved_from_id, m.joined_on) for m in new.memberships.all()} == {
        (h.pk, old_ids[h.pk], D) for h in leaving
    }
    assert set(GroupMembership.objects.filter(pk__in=old_ids.values()).values_list("left_on", "leave_reason")) == {
        (D, "Tách sang tổ 0000010")
    }
    board = GroupBoardTerm.objects.get(group=new)
    assert (board.leader, board.deputy, board.started_on, board.election_minutes) == (
        extra[0], extra[1], D, "BB củng cố tổ 01/2026"
    )
    source.refresh_from_db()
    assert (source.status, source.closed_on, len(current_member_ids(source))) == (GroupStatus.ACTIVE, None, 6)
    assert GroupBoardTerm.objects.get(group=source).ended_on is None
    assert (consolidation.kind, consolidation.members_moved) == ("SPLIT", 6)
    assert list(consolidation.sources.all()) == [source]
    assert list(consolidation.targets.all()) == [new]
    assert [e.text for e in group_history(new)] == [
        "Đang hoạt động: Tách từ tổ 0000001",
        "Tách tổ 0000001 thành 0000010 (6 tổ viên chuyển); BB củng cố tổ 01/2026",
    ]
    events = {e.object_key: e for e in AuditEvent.objects.filter(action="group.split")}
    assert (len(events["0000001"].before["members"]), len(events["0000001"].after["members"])) == (12, 6)
    assert (events["0000010"].before, len(events["0000010"].after["members"])) == (None, 6)


def test_split_of_all_members_closes_the_source(world):
    source = world.group_a
    extra = fill_group(source, 10)
    first = source.test_members[:5]  # includes the board
    second = source.test_members[5:] + extra
    group_split(actor=world.admin, source=source, effective_on=D, new_groups=[
        split_spec("0000010", first, world.village_a, leader=first[0], deputy=first[1]),
        split_spec("0000011", second, world.village_a, association_unit=world.unit_a["12"]),
    ])
    source.refresh_from_db()
    assert (source.status, source.closed_on) == (GroupStatus.SPLIT, D)
    assert GroupBoardTerm.objects.get(group=source).ended_on == D
    assert GroupMembership.objects.filter(group=source, left_on__isnull=True).count() == 0
    assert GroupStatusChange.objects.filter(group=source, to_status="SPLIT", changed_on=D).count() == 1
    assert SavingsGroup.objects.get(code="0000011").association_unit == world.unit_a["12"]
    assert GroupConsolidation.objects.get().members_moved == 10


def test_split_size_rules(world):
    source = world.group_a
    refused(lambda: group_split(actor=world.admin, source=source, effective_on=D,
                                new_groups=[split_spec("0000010", source.test_members[4:], world.village_a)]),
            field="new_groups",
            message=f"Tổ mới 0000010: Tổ 0000010 phải có từ 5 đến 60 tổ viên ({SOURCE_727}); danh sách có 2 hộ.")
    extra = fill_group(source, 9)
    refused(lambda: group_split(actor=world.admin, source=source, effective_on=D,
                                new_groups=[split_spec("0000010", extra + source.test_members[4:], world.village_a)]),
            field="new_groups",
            message=f"Tổ 0000001 còn 4 tổ viên sau khi tách; phải có từ 5 đến 60 ({SOURCE_727}), hoặc chuyển "
                    "hết tổ viên sang các tổ mới.")


def test_split_refusals(world):
    source = world.group_a
    extra = fill_group(source, 12)
    five = extra[:5]
    refused(lambda: group_split(actor=world.admin, source=source, effective_on=D,
                                new_groups=[split_spec("0000002", five, world.village_a)]),
            field="new_groups", message="Tổ mới 0000002: Mã tổ 0000002 đã tồn tại.")
    refused(lambda: group_split(actor=world.admin, source=source, effective_on=D, new_groups=[
                split_spec("0000010", five, world.village_a), split_spec("0000010", extra[5:], world.village_a)]),
            field="new_groups", message="Tổ mới 0000010: Mã tổ 0000010 đã tồn tại.")
    refused(lambda: group_split(actor=world.admin, source=source, effective_on=D,
                                new_groups=[split_spec("0000010", [*five[:4], world.household_a_women],
                                                       world.village_a)]),
            field="new_groups",
            message=f"Tổ mới 0000010: Hộ {world.household_a_women.name} không phải là tổ viên hiện tại của tổ "
                    "0000001.")
    refused(lambda: group_split(actor=world.admin, source=source, effective_on=D,
                                new_groups=[split_spec("0000010", [*five[:4], source.test_members[0]],
                                                       world.village_a)]),
            field="new_groups",
            message=f"Hộ {source.test_members[0].name} đang là tổ trưởng của tổ 0000001: phải kiện toàn ban quản "
                    "lý tổ trước khi tách, hoặc chuyển hết tổ viên sang các tổ mới.")
    refused(lambda: group_split(actor=world.admin, source=source, effective_on=D,
                                new_groups=[split_spec("0000010", five, world.village_b)]),
            field="new_groups", message="Tổ mới 0000010: Thôn Tổ dân phố số 7 không thuộc Phường Hoàn Kiếm.")
    refused(lambda: group_split(actor=world.admin, source=source, effective_on=D,
                                new_groups=[split_spec("0000010", five, world.village_a, deputy=five[1])]),
            field="new_groups", message="Tổ mới 0000010: Phải chọn tổ trưởng khi đã chọn tổ phó.")
    outsider = source.test_members[2]  # a member of the source staying there
    refused(lambda: group_split(actor=world.admin, source=source, effective_on=D,
                                new_groups=[split_spec("0000010", five, world.village_a, leader=outsider)]),
            field="new_groups", message="Tổ mới 0000010: Tổ trưởng phải là tổ viên của tổ mới.")
    refused(lambda: group_split(actor=world.admin, source=source, effective_on=D, new_groups=[]),
            field="new_groups", message="Phải khai báo ít nhất một tổ mới.")
    refused(lambda: group_split(actor=world.admin, source=source, effective_on=D,
                                new_groups=[{**split_spec("0000010", five, world.village_a), "colour": "đỏ"}]),
            field="new_groups", message="Tổ mới 0000010: Trường không hợp lệ: colour.")
    refused(lambda: group_split(actor=world.commune_viewer, source=source, effective_on=D,
                                new_groups=[split_spec("0000010", five, world.village_a)]),
            field="source", message="Bạn không có quyền thay đổi tổ TK&VV.")


def test_split_board_kinship_rule(world):
    source = world.group_a
    extra = fill_group(source, 12)
    Kinship.objects.create(person=extra[0], relative=extra[1], kind="SPOUSE")
    refused(lambda: group_split(actor=world.admin, source=source, effective_on=D, new_groups=[
                split_spec("0000010", extra[:6], world.village_a, leader=extra[0], deputy=extra[1])]),
            field="new_groups", contains="Tổ trưởng và tổ phó không được là vợ/chồng, cha/mẹ, con hoặc")
    assert last_audit() is None
