"""Savings & Loan Group pages: list filters and pager, detail, create, edit — scope (404 like missing) and
read-only roles (403) on every group page; the member, board, meeting, merge, split and dissolve writes are in
``test_group_member_pages.py``. Helpers: ``tests/pages.py`` (pages) and ``tests/groups/helpers.py`` (groups).

Every refused write asserts the Vietnamese message on the page and that nothing changed (rows, fields, audit).
"""

import datetime as dt

import pytest

from tests.groups.helpers import free_households, group_edit_payload, members_of
from tests.pages import assert_out_of_scope_like_missing, dmy, text
from uythac.core.models import AuditEvent
from uythac.groups.models import (
    GroupMeeting,
    GroupMembership,
    GroupStatus,
    SavingsGroup,
)

pytestmark = pytest.mark.django_db

SUB_PAGES = ["edit/", "members/admit/", "board/", "agency-contract/new/", "meetings/new/", "merge/", "split/",
             "dissolve/"]


# --- list ------------------------------------------------------------------------------------------------

def test_list_filters_by_commune_organization_and_status(client, world):
    client.force_login(world.pgd_staff)
    by_commune = text(client.get("/groups/", {"commune": world.commune_a.code}))
    assert "0000001" in by_commune and "0000002" in by_commune and "0000003" not in by_commune
    assert "2 kết quả" in by_commune
    by_org = text(client.get("/groups/", {"organization": "12"}))
    assert "0000002" in by_org and "0000001" not in by_org and "0000003" not in by_org
    by_status = text(client.get("/groups/", {"status": GroupStatus.DISSOLVED}))
    assert "0 kết quả" in by_status
    combined = text(client.get("/groups/", {"commune": world.commune_b.code, "organization": "11", "q": "ba dinh"}))
    assert "0000003" in combined and "1 kết quả" in combined


def test_list_commune_filter_offers_only_scoped_communes(client, world):
    client.force_login(world.credit_officer)
    body = text(client.get("/groups/"))
    assert f'value="{world.commune_a.code}"' in body
    assert f'value="{world.commune_b.code}"' not in body
    # A commune outside the scope is not a valid filter: the list is not narrowed to it, it stays the scope.
    outside = text(client.get("/groups/", {"commune": world.commune_c.code}))
    assert "0000079" not in outside


def test_create_button_only_for_writers(client, world):
    client.force_login(world.commune_viewer)
    assert "/groups/new/" not in text(client.get("/groups/"))
    client.force_login(world.commune_association)
    assert "/groups/new/" in text(client.get("/groups/"))


# --- detail ----------------------------------------------------------------------------------------------

def test_detail_shows_fields_rule_board_members_and_links(client, world):
    client.force_login(world.credit_officer)
    response = client.get("/groups/0000001/")
    assert response.status_code == 200
    body = text(response)
    group = world.group_a
    assert group.name in body
    assert f'href="/communes/{world.commune_a.code}/"' in body
    assert f'href="/units/{world.unit_a["11"].code}/"' in body
    assert f'href="/villages/{world.village_a.code}/"' in body
    assert f'href="/points/{world.point_a.code}/"' in body
    assert "ngày thành lập" in body.lower() and "01/03/2015" in body
    # size rule 5–60 (confidence M → provisional badge) with its source
    assert "từ 5 đến 60 tổ viên" in body
    assert "badge-provisional" in body and "tạm tính" in body
    # board: leader and deputy are the first two members
    leader, deputy = group.test_members[0], group.test_members[1]
    assert leader.name in body and deputy.name in body
    # members table: customer code → household page
    for member in group.test_members:
        assert f'href="/households/{member.customer_code}/"' in body
    # breadcrumbs: province → commune → unit → group
    crumbs = body.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert world.province.name in crumbs and world.commune_a.name in crumbs and world.unit_a["11"].name in crumbs
    assert "/audit/savingsgroup/0000001/" in body


def test_detail_shows_poverty_status_former_members_and_meetings(client, world):
    household = world.household_a
    household.poverty_records.create(status="POOR", year=2025, source_list="QĐ 12/UBND",
                                     recorded_on=dt.date(2025, 1, 5))
    membership = GroupMembership.objects.get(household=world.group_a.test_members[5])
    membership.left_on, membership.leave_reason = dt.date(2024, 6, 1), "Chuyển đi nơi khác"
    membership.save()
    GroupMeeting.objects.create(group=world.group_a, held_on=dt.date(2025, 3, 2), attendee_count=5,
                                minutes="Bình xét cho vay hộ nghèo.")
    client.force_login(world.commune_viewer)
    body = text(client.get("/groups/0000001/"))
    assert "Hộ nghèo" in body
    assert "Chuyển đi nơi khác" in body and "01/06/2024" in body
    assert "Bình xét cho vay hộ nghèo." in body and "02/03/2025" in body


def test_detail_buttons_follow_permissions(client, world):
    client.force_login(world.commune_viewer)
    viewer = text(client.get("/groups/0000001/"))
    assert "/groups/0000001/edit/" not in viewer and "/groups/0000001/meetings/new/" not in viewer
    assert "/exit/" not in viewer
    client.force_login(world.group_leader)
    leader = text(client.get("/groups/0000001/"))
    assert "/groups/0000001/meetings/new/" in leader
    assert "/groups/0000001/edit/" not in leader and "/groups/0000001/members/admit/" not in leader
    client.force_login(world.commune_association)
    writer = text(client.get("/groups/0000001/"))
    for page in SUB_PAGES:
        assert f"/groups/0000001/{page}" in writer
    assert f"/groups/0000001/members/{world.household_a.customer_code}/exit/" in writer
    leader = world.group_a.test_members[0]  # board members leave only after a new board: no exit link
    assert f"/groups/0000001/members/{leader.customer_code}/exit/" not in writer
    assert "<td>Tổ trưởng</td>" in writer and "<td>Tổ phó</td>" in writer


def test_every_group_page_answers_404_out_of_scope_like_missing(client, world):
    pages = ["", *SUB_PAGES, f"members/{world.household_c.customer_code}/exit/"]
    assert_out_of_scope_like_missing(
        client, world.personas, base="/groups/", outside=world.group_c.code, missing="7654321", pages=pages
    )


def test_group_leader_sees_only_his_group(client, world):
    client.force_login(world.group_leader)
    assert client.get("/groups/0000001/").status_code == 200
    assert client.get("/groups/0000002/").status_code == 404
    assert client.get("/groups/0000002/meetings/new/").status_code == 404
    assert "0000002" not in text(client.get("/groups/"))


# --- create ----------------------------------------------------------------------------------------------

def create_payload(world, households, **overrides):
    payload = {
        "code": "0000100",
        "name": "Tổ HCCB thôn 1",
        "villages": [world.village_a.code],
        "association_unit": world.unit_a["13"].code,
        "transaction_point": world.point_a.code,
        "established_on": dmy(dt.date(2026, 3, 2)),
        "approval_decision": "QĐ 15/QĐ-UBND",
        "founding_members": [h.customer_code for h in households],
    }
    payload.update(overrides)
    return payload


def test_create_asks_for_the_commune_first_when_user_has_several(client, world):
    client.force_login(world.pgd_staff)
    picker = text(client.get("/groups/new/"))
    assert f"/groups/new/?commune={world.commune_a.code}" in picker
    assert f"/groups/new/?commune={world.commune_b.code}" in picker
    assert client.get(f"/groups/new/?commune={world.commune_c.code}").status_code == 404
    free_households(world, 1)
    client.force_login(world.credit_officer)  # one commune: straight to the form
    form = text(client.get("/groups/new/"))
    assert 'name="founding_members"' in form and world.commune_a.name in form


def test_create_offers_only_free_households_of_the_commune(client, world):
    free = free_households(world, 1)[0]
    other_commune = free_households(world, 1, village=world.village_b, commune=world.commune_b)[0]
    client.force_login(world.pgd_staff)
    body = text(client.get(f"/groups/new/?commune={world.commune_a.code}"))
    assert f'value="{free.customer_code}"' in body
    assert f'value="{world.household_a.customer_code}"' not in body  # already in group 0000001
    assert f'value="{other_commune.customer_code}"' not in body


def test_create_success(client, world):
    households = free_households(world, 5)
    client.force_login(world.credit_officer)
    response = client.post("/groups/new/", create_payload(world, households))
    assert response.status_code == 302 and response["Location"] == "/groups/0000100/"
    group = SavingsGroup.objects.get(code="0000100")
    assert group.commune == world.commune_a and group.association_unit == world.unit_a["13"]
    assert members_of(group) == sorted(h.customer_code for h in households)
    event = AuditEvent.objects.get(action="group.create")
    assert (event.object_key, event.actor, event.before) == ("0000100", world.credit_officer, None)
    page = text(client.get(response["Location"]))
    assert "Đã thành lập tổ." in page


def test_create_refuses_duplicate_code_and_changes_nothing(client, world):
    households = free_households(world, 5)
    client.force_login(world.credit_officer)
    groups, audits = SavingsGroup.objects.count(), AuditEvent.objects.count()
    response = client.post("/groups/new/", create_payload(world, households, code="0000001"))
    assert response.status_code == 400
    assert "Mã tổ 0000001 đã tồn tại." in text(response)
    assert SavingsGroup.objects.count() == groups and AuditEvent.objects.count() == audits
    assert GroupMembership.objects.filter(household__in=households).count() == 0


def test_create_refuses_too_few_founding_members(client, world):
    households = free_households(world, 4)
    client.force_login(world.credit_officer)
    response = client.post("/groups/new/", create_payload(world, households))
    assert response.status_code == 400
    assert "phải có từ 5 đến 60 tổ viên" in text(response) and "danh sách có 4 hộ" in text(response)
    assert not SavingsGroup.objects.filter(code="0000100").exists()
    assert AuditEvent.objects.count() == 0


def test_create_refuses_out_of_scope_unit_and_household(client, world):
    households = free_households(world, 5)
    client.force_login(world.commune_association)  # organization 11 only
    response = client.post("/groups/new/", create_payload(world, households,
                                                          association_unit=world.unit_a["13"].code))
    assert response.status_code == 400
    assert "Hội quản lý không thuộc phạm vi quản lý của bạn" in text(response)
    outside = create_payload(world, households, association_unit=world.unit_a["11"].code)
    outside["founding_members"] = [*outside["founding_members"][:4], world.household_c.customer_code]
    response = client.post("/groups/new/", outside)
    assert response.status_code == 400
    assert "Hộ không thuộc phạm vi quản lý của bạn" in text(response)
    assert not SavingsGroup.objects.filter(code="0000100").exists() and AuditEvent.objects.count() == 0


@pytest.mark.parametrize("persona", ["commune_viewer", "group_leader"])
def test_create_is_forbidden_to_read_only_roles(client, world, persona):
    client.force_login(getattr(world, persona))
    households = free_households(world, 5)
    assert client.get("/groups/new/").status_code == 403
    assert client.post("/groups/new/", create_payload(world, households)).status_code == 403
    assert not SavingsGroup.objects.filter(code="0000100").exists()


# --- edit ------------------------------------------------------------------------------------------------

def test_edit_success(client, world):
    client.force_login(world.commune_association)
    form = text(client.get("/groups/0000001/edit/"))
    assert f'value="{world.group_a.name}"' in form
    response = client.post("/groups/0000001/edit/", group_edit_payload(world.group_a, name="Tổ HND thôn 1 (mới)",
                                                                   convention_note="Sinh hoạt ngày 10 hằng tháng"))
    assert response.status_code == 302 and response["Location"] == "/groups/0000001/"
    world.group_a.refresh_from_db()
    assert world.group_a.name == "Tổ HND thôn 1 (mới)"
    assert world.group_a.convention_note == "Sinh hoạt ngày 10 hằng tháng"
    event = AuditEvent.objects.get(action="group.update", object_key="0000001")
    assert event.before["name"] == "Tổ HND thôn 1" and event.after["name"] == "Tổ HND thôn 1 (mới)"
    assert "Đã lưu thông tin tổ." in text(client.get("/groups/0000001/"))


@pytest.mark.parametrize("commune", ["commune_b", "commune_c"])
def test_edit_refuses_moving_the_group_to_a_commune_outside_the_scope(client, world, commune):
    client.force_login(world.credit_officer)  # responsible for commune A only
    target = getattr(world, commune)
    response = client.post("/groups/0000001/edit/", group_edit_payload(world.group_a, commune=target.code))
    assert response.status_code == 400
    assert "Xã không thuộc phạm vi quản lý của bạn." in text(response)
    world.group_a.refresh_from_db()
    assert world.group_a.commune == world.commune_a and AuditEvent.objects.count() == 0
    assert client.get(f"/groups/0000001/edit/?commune={target.code}").status_code == 404


def test_edit_move_to_another_commune_of_the_scope_needs_members_living_there(client, world):
    client.force_login(world.pgd_staff)
    form = text(client.get(f"/groups/0000001/edit/?commune={world.commune_b.code}"))
    assert f'value="{world.village_b.code}"' in form and f'value="{world.village_a.code}"' not in form
    payload = group_edit_payload(world.group_a, commune=world.commune_b.code, villages=[world.village_b.code],
                           association_unit=world.unit_b["11"].code, transaction_point=world.point_b.code)
    response = client.post(f"/groups/0000001/edit/?commune={world.commune_b.code}", payload)
    assert response.status_code == 400
    assert "không thuộc các thôn của tổ sau khi sửa" in text(response)
    world.group_a.refresh_from_db()
    assert world.group_a.commune == world.commune_a and AuditEvent.objects.count() == 0


@pytest.mark.parametrize("persona", ["commune_viewer", "group_leader"])
def test_edit_is_forbidden_to_read_only_roles(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get("/groups/0000001/edit/").status_code == 403
    response = client.post("/groups/0000001/edit/", group_edit_payload(world.group_a, name="Đổi tên"))
    assert response.status_code == 403
    world.group_a.refresh_from_db()
    assert world.group_a.name == "Tổ HND thôn 1" and AuditEvent.objects.count() == 0


@pytest.mark.parametrize("persona", ["commune_viewer", "group_leader"])
def test_every_write_page_is_forbidden_to_read_only_roles(client, world, persona):
    client.force_login(getattr(world, persona))
    pages = [p for p in SUB_PAGES if not (persona == "group_leader" and p == "meetings/new/")]
    pages.append(f"members/{world.household_a.customer_code}/exit/")
    for page in pages:
        assert client.get(f"/groups/0000001/{page}").status_code == 403, page
        assert client.post(f"/groups/0000001/{page}").status_code == 403, page
    assert AuditEvent.objects.count() == 0


def test_pager_keeps_the_filters(client, world):
    for number in range(100, 152):
        group = SavingsGroup.objects.create(
            code=f"0000{number}", name=f"Tổ số {number}", commune=world.commune_b,
            association_unit=world.unit_b["12"], transaction_point=world.point_b, established_on=dt.date(2020, 1, 1),
        )
        group.villages.add(world.village_b)
    client.force_login(world.branch_staff)
    body = text(client.get("/groups/", {"commune": world.commune_b.code, "organization": "12"}))
    assert "52 kết quả" in body and "Trang 1/2" in body
    assert f'href="?commune={world.commune_b.code}&organization=12&page=2"' in body
    second = text(client.get("/groups/", {"commune": world.commune_b.code, "organization": "12", "page": "2"}))
    assert "0000151" in second and "0000001" not in second
