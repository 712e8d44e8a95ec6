import datetime as dt

import pytest
from django.utils import timezone

from tests.groups.helpers import D, free_household, last_audit, refused
from uythac.core.models import AuditEvent
from uythac.geography.models import Village
from uythac.groups.board import agency_contract_create
from uythac.groups.models import AgencyContract, GroupBoardTerm, GroupMembership, GroupStatus, GroupStatusChange
from uythac.groups.services import group_dissolve, group_update
from uythac.households.models import Household

pytestmark = pytest.mark.django_db


def test_update_name_and_convention_is_audited(world):
    group = group_update(actor=world.commune_association, group=world.group_a, name="Tổ HND thôn 1 (mới)",
                         convention_note="Họp tổ quý một lần.")
    group.refresh_from_db()
    assert (group.name, group.name_search, group.convention_note) == (
        "Tổ HND thôn 1 (mới)", "to hnd thon 1 (moi)", "Họp tổ quý một lần."
    )
    event = last_audit("group.update")
    assert (event.object_type, event.object_key, event.actor) == ("savingsgroup", "0000001",
                                                                  world.commune_association)
    assert event.changed_fields() == [
        ("convention_note", "", "Họp tổ quý một lần."),
        ("name", "Tổ HND thôn 1", "Tổ HND thôn 1 (mới)"),
        ("name_search", "to hnd thon 1", "to hnd thon 1 (moi)"),
    ]


def test_update_without_change_writes_no_audit(world):
    group_update(actor=world.admin, group=world.group_a, name="Tổ HND thôn 1", commune=world.commune_a,
                 villages=[world.village_a], association_unit=world.unit_a["11"], transaction_point=world.point_a)
    assert AuditEvent.objects.count() == 0


def test_moving_a_group_to_a_commune_outside_the_scope_is_refused(world):
    # Issue 2, bad input: the credit officer of commune A tries to move group 0000001 to commune B.
    for actor in (world.credit_officer, world.commune_association):
        refused(
            lambda actor=actor: group_update(
                actor=actor, group=world.group_a, commune=world.commune_b, villages=[world.village_b],
                association_unit=world.unit_b["11"], transaction_point=world.point_b,
            ),
            field="commune", message="Xã không thuộc phạm vi quản lý của bạn.",
        )
    world.group_a.refresh_from_db()
    assert world.group_a.commune == world.commune_a
    assert list(world.group_a.villages.all()) == [world.village_a]


def test_moving_a_group_needs_the_new_communes_places(world):
    refused(lambda: group_update(actor=world.branch_staff, group=world.group_a, commune=world.commune_b),
            field="villages", message="Khi chuyển tổ sang xã khác, phải chọn thôn của xã mới.")
    refused(lambda: group_update(actor=world.branch_staff, group=world.group_a, commune=world.commune_b,
                                 villages=[world.village_b]),
            field="association_unit", message="Khi chuyển tổ sang xã khác, phải chọn hội cấp xã mới.")
    refused(lambda: group_update(actor=world.branch_staff, group=world.group_a, commune=world.commune_b,
                                 villages=[world.village_b], association_unit=world.unit_b["11"]),
            field="transaction_point", message="Khi chuyển tổ sang xã khác, phải chọn điểm giao dịch của xã mới.")
    refused(lambda: group_update(actor=world.branch_staff, group=world.group_a, commune=world.commune_b,
                                 villages=[world.village_b], association_unit=world.unit_a["11"],
                                 transaction_point=world.point_b),
            field="association_unit", message="Hội quản lý tổ phải là hội cấp xã của Phường Ba Đình.")


def test_moving_a_group_whose_members_still_live_in_the_old_commune_is_refused(world):
    first = world.group_a.test_members[0]
    refused(lambda: group_update(actor=world.branch_staff, group=world.group_a, commune=world.commune_b,
                                 villages=[world.village_b], association_unit=world.unit_b["11"],
                                 transaction_point=world.point_b),
            field="villages",
            contains=f"({first.customer_code}) ở Tổ dân phố số 1, không thuộc các thôn của tổ sau khi sửa.")


def test_moving_a_group_with_its_members_to_another_commune_in_scope(world):
    # the households moved first (household services); then the group follows
    Household.objects.filter(memberships__group=world.group_a).update(commune=world.commune_b,
                                                                       village=world.village_b)
    group = group_update(actor=world.branch_staff, group=world.group_a, commune=world.commune_b,
                         villages=[world.village_b], association_unit=world.unit_b["11"],
                         transaction_point=world.point_b)
    group.refresh_from_db()
    assert (group.commune, group.association_unit, group.transaction_point) == (
        world.commune_b, world.unit_b["11"], world.point_b
    )
    assert list(group.villages.all()) == [world.village_b]
    event = last_audit("group.update")
    assert (event.before["commune_id"], event.after["commune_id"]) == (world.commune_a.pk, world.commune_b.pk)
    assert (event.before["villages"], event.after["villages"]) == (["00070001"], ["00004001"])


def test_changing_villages_must_keep_the_members_villages(world):
    other = Village.objects.create(code="00070002", name="Tổ dân phố số 2", commune=world.commune_a)
    refused(lambda: group_update(actor=world.admin, group=world.group_a, villages=[other]), field="villages",
            contains="ở Tổ dân phố số 1, không thuộc các thôn của tổ sau khi sửa.")
    group_update(actor=world.admin, group=world.group_a, villages=[world.village_a, other])
    assert sorted(world.group_a.villages.values_list("code", flat=True)) == ["00070001", "00070002"]
    assert last_audit("group.update").after["villages"] == ["00070001", "00070002"]


def test_changing_the_managing_unit(world):
    refused(lambda: group_update(actor=world.commune_association, group=world.group_a,
                                 association_unit=world.unit_a["12"]),
            field="association_unit", message="Hội quản lý không thuộc phạm vi quản lý của bạn.")
    group_update(actor=world.pgd_staff, group=world.group_a, association_unit=world.unit_a["12"])
    world.group_a.refresh_from_db()
    assert world.group_a.association_unit == world.unit_a["12"]


def test_update_refused_for_read_only_and_out_of_scope_actors(world):
    for actor in (world.group_leader, world.commune_viewer):
        refused(lambda actor=actor: group_update(actor=actor, group=world.group_a, name="X"), field="group",
                message="Bạn không có quyền thay đổi tổ TK&VV.")
    refused(lambda: group_update(actor=world.branch_staff, group=world.group_c, name="X"), field="group",
            message="Tổ 0000079 không thuộc phạm vi quản lý của bạn.")
    refused(lambda: group_update(actor=world.commune_association, group=world.group_a_women, name="X"),
            field="group", message="Tổ 0000002 không thuộc phạm vi quản lý của bạn.")


def test_update_refused_on_a_closed_group(world):
    group_dissolve(actor=world.admin, group=world.group_b, on=D, reason="Tổ viên đã trả hết nợ")
    refused(lambda: group_update(actor=world.admin, group=world.group_b, name="Mới"), field="group",
            message="Tổ 0000003 đã giải thể từ ngày 02/03/2026; không thể thay đổi.")


def test_unknown_field_is_a_programming_error(world):
    with pytest.raises(TypeError):
        group_update(actor=world.admin, group=world.group_a, code="0000009")


def test_dissolve_ends_members_board_and_contract(world):
    agency_contract_create(actor=world.pgd_staff, group=world.group_a, number="01/HĐUN", office=world.office,
                           signed_on=dt.date(2021, 1, 5))
    group = group_dissolve(actor=world.commune_association, group=world.group_a, on=D,
                           reason="Tổ viên chuyển đi làm ăn xa")
    group.refresh_from_db()
    assert (group.status, group.closed_on) == (GroupStatus.DISSOLVED, D)
    memberships = GroupMembership.objects.filter(group=group)
    assert memberships.count() == 6
    assert {(m.left_on, m.leave_reason) for m in memberships} == {
        (D, "Giải thể tổ: Tổ viên chuyển đi làm ăn xa")
    }
    assert GroupBoardTerm.objects.get(group=group).ended_on == D
    assert AgencyContract.objects.get(group=group).effective_to == D
    change = GroupStatusChange.objects.get(group=group)
    assert (change.from_status, change.to_status, change.changed_on, change.reason) == (
        "ACTIVE", "DISSOLVED", D, "Tổ viên chuyển đi làm ăn xa"
    )
    event = last_audit("group.dissolve")
    assert (event.before["status"], event.after["status"]) == ("ACTIVE", "DISSOLVED")
    assert len(event.before["members"]) == 6 and event.after["members"] == []


def test_dissolve_refusals(world):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused(lambda: group_dissolve(actor=world.admin, group=world.group_a, on=tomorrow, reason="x"), field="on",
            message=f"Ngày giải thể ({tomorrow:%d/%m/%Y}) không được sau ngày hôm nay.")
    refused(lambda: group_dissolve(actor=world.admin, group=world.group_a, on=dt.date(2019, 12, 31), reason="x"),
            field="on", message="Ngày giải thể không được trước ngày vào tổ của tổ viên "
                                f"{world.group_a.test_members[-1].name} (01/01/2020).")
    refused(lambda: group_dissolve(actor=world.admin, group=world.group_a, on=dt.date(2015, 1, 1), reason="x"),
            field="on", message="Ngày giải thể (01/01/2015) không được trước ngày thành lập tổ (01/03/2015).")
    refused(lambda: group_dissolve(actor=world.admin, group=world.group_a, on=D, reason=" "), field="reason",
            message="Chưa nhập lý do giải thể.")
    refused(lambda: group_dissolve(actor=world.commune_viewer, group=world.group_a, on=D, reason="x"),
            field="group", message="Bạn không có quyền thay đổi tổ TK&VV.")
    group_dissolve(actor=world.admin, group=world.group_a, on=D, reason="x")
    refused(lambda: group_dissolve(actor=world.admin, group=world.group_a, on=D, reason="x"), field="group",
            message="Tổ 0000001 đã giải thể từ ngày 02/03/2026; không thể thay đổi.")


def test_dissolved_group_keeps_its_former_members_history(world):
    newcomer = free_household(world, "Hộ vào sau")
    GroupMembership.objects.create(group=world.group_a, household=newcomer, joined_on=dt.date(2024, 6, 1))
    group_dissolve(actor=world.admin, group=world.group_a, on=D, reason="Giải thể theo QĐ UBND")
    assert GroupMembership.objects.filter(household=newcomer, joined_on=dt.date(2024, 6, 1), left_on=D).exists()
