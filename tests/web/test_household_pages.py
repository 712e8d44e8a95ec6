"""Household pages: search (codes, CCCD, phone, names without diacritics), detail (identity warnings, group,
history, breadcrumbs), create, edit, poverty status, kinship, moved away — scope, read-only roles, refused writes.
"""

import datetime as dt

import pytest

from tests.factories import cccd_for, make_household
from tests.pages import assert_out_of_scope_like_missing, dmy, text, today
from uythac.core.models import AuditEvent
from uythac.households.models import Household, Kinship, KinshipKind, PovertyStatusRecord

pytestmark = pytest.mark.django_db

SUB_PAGES = ["edit/", "poverty/new/", "kinship/new/", "moved-away/"]


def household_fields(household) -> dict:
    return {f.attname: getattr(household, f.attname) for f in Household._meta.concrete_fields}


# --- list and search -------------------------------------------------------------------------------------

def test_search_by_name_without_diacritics_code_cccd_and_phone(client, world):
    an = make_household(world.commune_a, world.village_a, "Nguyễn Văn An", national_id=cccd_for(4321),
                        phone="0912345678")
    client.force_login(world.credit_officer)
    for query in ("nguyen van an", "NGUYEN AN", "Nguyễn Văn An", an.customer_code, an.customer_code.lstrip("0"),
                  cccd_for(4321)[:8], "+84 912 345 678", "0912.345.678"):
        body = text(client.get("/households/", {"q": query}))
        assert f'href="/households/{an.customer_code}/"' in body, query
        assert "1 kết quả" in body, query
    assert "0 kết quả" in text(client.get("/households/", {"q": "tran thi binh"}))


def test_search_stays_in_scope(client, world):
    client.force_login(world.credit_officer)
    body = text(client.get("/households/", {"q": world.household_c.name}))
    assert world.household_c.customer_code not in body
    assert "0 kết quả" in text(client.get("/households/", {"q": world.household_c.customer_code}))


def test_create_link_only_for_writers(client, world):
    client.force_login(world.commune_viewer)
    assert "/households/new/" not in text(client.get("/households/"))
    client.force_login(world.credit_officer)
    assert "/households/new/" in text(client.get("/households/"))


# --- detail ----------------------------------------------------------------------------------------------

def test_detail_shows_identity_place_group_and_breadcrumbs_through_the_group(client, world):
    household = world.household_a
    household.national_id = cccd_for(77, century_gender="1")
    household.national_id_issued_on = dt.date(2021, 4, 10)
    household.national_id_expires_on = dt.date(2045, 5, 1)
    household.phone = "0987654321"
    household.ethnicity = "Tày"
    household.save()
    household.poverty_records.create(status="NEAR_POOR", year=2024, source_list="QĐ 30/UBND",
                                     recorded_on=dt.date(2024, 1, 15))
    household.poverty_records.create(status="POOR", year=2023, source_list="QĐ 2/UBND",
                                     recorded_on=dt.date(2023, 1, 9))
    client.force_login(world.commune_association)
    response = client.get(f"/households/{household.customer_code}/")
    assert response.status_code == 200
    body = text(response)
    for value in (household.name, household.national_id, "10/04/2021", "01/05/2045", "0987654321", "Tày",
                  "01/05/1980", "Hộ cận nghèo (2024)", "QĐ 30/UBND", "QĐ 2/UBND", "Hộ nghèo"):
        assert value in body, value
    assert f'href="/villages/{world.village_a.code}/"' in body
    assert 'href="/groups/0000001/"' in body and "01/01/2020" in body  # membership history
    assert "CCCD đã hết hạn" not in body and "CMND" not in body.split("<h2>")[1].split("</h2>")[0]
    crumbs = body.split('class="breadcrumbs"')[1].split("</nav>")[0]
    for link in (f'/provinces/{world.province.code}/', f'/communes/{world.commune_a.code}/',
                 f'/units/{world.unit_a["11"].code}/', '/groups/0000001/'):
        assert link in crumbs, link
    assert crumbs.index("/communes/") < crumbs.index("/units/") < crumbs.index("/groups/")
    assert "/audit/household/" + household.customer_code + "/" in body


def test_detail_without_group_goes_through_the_commune(client, world):
    loner = make_household(world.commune_a, world.village_a, "Lê Thị Cúc", gender="F")
    client.force_login(world.pgd_staff)
    body = text(client.get(f"/households/{loner.customer_code}/"))
    crumbs = body.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert f"/communes/{world.commune_a.code}/" in crumbs and "/groups/" not in crumbs
    assert "Chưa vào tổ" in body


def test_detail_flags_old_cmnd_expired_cccd_and_moved_away(client, world):
    old = make_household(world.commune_a, world.village_a, "Phạm Văn Đức", legacy_id_number="012345678")
    expired = make_household(world.commune_a, world.village_a, "Hoàng Văn Em", national_id=cccd_for(555),
                             national_id_issued_on=dt.date(2010, 1, 1), national_id_expires_on=dt.date(2020, 5, 1),
                             moved_away_on=dt.date(2025, 8, 19))
    client.force_login(world.pgd_staff)
    body = text(client.get(f"/households/{old.customer_code}/"))
    assert "Hộ chỉ có số CMND cũ 012345678: CMND không còn giá trị sử dụng từ ngày 01/01/2025" in body
    assert "badge-bad" in body
    body = text(client.get(f"/households/{expired.customer_code}/"))
    assert "CCCD đã hết hạn từ ngày 01/05/2020." in body
    assert "Đã đi khỏi địa phương từ 19/08/2025" in body


def test_detail_shows_kinships_from_both_sides(client, world):
    a, b = world.group_a.test_members[0], world.group_a.test_members[1]
    Kinship.objects.create(person=a, relative=b, kind=KinshipKind.SPOUSE)
    client.force_login(world.credit_officer)
    body_a = text(client.get(f"/households/{a.customer_code}/"))
    assert "Chủ hộ này là vợ/chồng của" in body_a and f'href="/households/{b.customer_code}/"' in body_a
    body_b = text(client.get(f"/households/{b.customer_code}/"))
    assert "Là vợ/chồng của chủ hộ này" in body_b and f'href="/households/{a.customer_code}/"' in body_b


def test_detail_buttons_follow_permissions(client, world):
    url = f"/households/{world.household_a.customer_code}/"
    client.force_login(world.commune_viewer)
    viewer = text(client.get(url))
    assert all(f"{url}{page}" not in viewer for page in SUB_PAGES)
    client.force_login(world.group_leader)
    leader = client.get(url)
    assert leader.status_code == 200
    assert all(f"{url}{page}" not in text(leader) for page in SUB_PAGES)
    client.force_login(world.credit_officer)
    officer = text(client.get(url))
    assert all(f"{url}{page}" in officer for page in SUB_PAGES)


def test_every_household_page_answers_404_out_of_scope_like_missing(client, world):
    assert_out_of_scope_like_missing(
        client, world.personas, base="/households/", outside=world.household_c.customer_code,
        missing="9999999999", pages=["", *SUB_PAGES],
    )


def test_association_does_not_see_other_organizations_members(client, world):
    client.force_login(world.commune_association)  # organization 11
    assert client.get(f"/households/{world.household_a_women.customer_code}/").status_code == 404


# --- create ----------------------------------------------------------------------------------------------

def create_payload(world, **overrides):
    payload = {
        "customer_code": "0100000001",
        "name": "Nguyễn Thị Hoa",
        "gender": "F",
        "birth_date": "12/07/1985",
        "ethnicity": "Kinh",
        "national_id": cccd_for(1234, century_gender="1", year=85),
        "national_id_issued_on": "20/03/2021",
        "national_id_expires_on": "12/07/2045",
        "legacy_id_number": "",
        "phone": "+84 912 000 111",
        "village": world.village_a.code,
        "address": "Số 5 ngõ 10",
        "member_count": "4",
    }
    payload.update(overrides)
    return payload


def test_create_asks_commune_then_creates(client, world):
    client.force_login(world.pgd_staff)
    picker = text(client.get("/households/new/"))
    assert f"/households/new/?commune={world.commune_b.code}" in picker
    assert client.get(f"/households/new/?commune={world.commune_c.code}").status_code == 404
    url = f"/households/new/?commune={world.commune_a.code}"
    form = text(client.get(url))
    assert f'value="{world.village_a.code}"' in form and f'value="{world.village_b.code}"' not in form
    response = client.post(url, create_payload(world))
    assert response.status_code == 302 and response["Location"] == "/households/0100000001/"
    household = Household.objects.get(customer_code="0100000001")
    assert (household.name, household.phone, household.birth_date, household.commune, household.member_count) == (
        "Nguyễn Thị Hoa", "0912000111", dt.date(1985, 7, 12), world.commune_a, 4
    )
    assert AuditEvent.objects.filter(action="household_create", object_key="0100000001").count() == 1
    assert "Đã thêm hộ." in text(client.get(response["Location"]))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"national_id": "00118500123"}, "Số CCCD phải gồm 12 chữ số."),
        ({"national_id": "999185001234"}, "Mã tỉnh nơi đăng ký khai sinh 999 trong số CCCD không hợp lệ."),
        ({"national_id": cccd_for(1234, century_gender="1", year=90)},
         "Chữ số thứ 5 và 6 của CCCD (90) không khớp với năm sinh 1985."),
        ({"phone": "0123"}, "Số điện thoại 0123 không hợp lệ: cần 10 chữ số bắt đầu bằng 0"),
        ({"phone": "+1 202 555 0100"}, "không hợp lệ: cần 10 chữ số bắt đầu bằng 0"),
        ({"customer_code": "12345"}, "Mã khách hàng phải gồm đúng 10 chữ số."),
    ],
)
def test_create_refuses_bad_identity_and_changes_nothing(client, world, overrides, message):
    client.force_login(world.credit_officer)
    count = Household.objects.count()
    response = client.post("/households/new/", create_payload(world, **overrides))
    assert response.status_code == 400
    assert message in text(response)
    assert Household.objects.count() == count and AuditEvent.objects.count() == 0


def test_create_refuses_duplicate_customer_code_and_cccd(client, world):
    client.force_login(world.credit_officer)
    world.household_b.national_id = cccd_for(999)
    world.household_b.save()
    count = Household.objects.count()
    duplicate = client.post("/households/new/", create_payload(world, customer_code=world.household_a.customer_code))
    assert duplicate.status_code == 400
    assert f"Mã khách hàng {world.household_a.customer_code} đã tồn tại." in text(duplicate)
    same_id = client.post("/households/new/", create_payload(world, national_id=cccd_for(999), gender="M",
                                                             birth_date="01/05/1980"))
    assert same_id.status_code == 400
    assert f"Số CCCD {cccd_for(999)} đã được dùng cho một hộ khác." in text(same_id)
    assert Household.objects.count() == count and AuditEvent.objects.count() == 0


@pytest.mark.parametrize("persona", ["commune_viewer", "group_leader"])
def test_create_is_forbidden_to_read_only_roles(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get("/households/new/").status_code == 403
    assert client.post("/households/new/", create_payload(world)).status_code == 403
    assert not Household.objects.filter(customer_code="0100000001").exists()


# --- edit ------------------------------------------------------------------------------------------------

def edit_payload(household, **overrides):
    payload = {
        "name": household.name, "gender": household.gender, "birth_date": dmy(household.birth_date),
        "ethnicity": household.ethnicity, "national_id": household.national_id, "national_id_issued_on": "",
        "national_id_expires_on": "", "legacy_id_number": household.legacy_id_number, "phone": household.phone,
        "village": household.village.code, "address": household.address, "member_count": household.member_count,
    }
    payload.update(overrides)
    return payload


def test_edit_success(client, world):
    household = world.household_a
    client.force_login(world.commune_association)
    form = text(client.get(f"/households/{household.customer_code}/edit/"))
    assert f'value="{household.name}"' in form and 'value="01/05/1980"' in form
    response = client.post(f"/households/{household.customer_code}/edit/",
                           edit_payload(household, phone="0912 345 678", member_count="5"))
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.phone, household.member_count) == ("0912345678", 5)
    event = AuditEvent.objects.get(action="household_update")
    assert (event.before["phone"], event.after["phone"]) == ("", "0912345678")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"national_id": "0011800000"}, "Số CCCD phải gồm 12 chữ số."),
        ({"national_id": cccd_for(321)}, "Chữ số thứ 4 của CCCD không khớp với giới tính và năm sinh."),
        ({"phone": "12345678901"}, "Số điện thoại 12345678901 không hợp lệ"),
        ({"legacy_id_number": "12345"}, "Số CMND cũ phải gồm đúng 9 chữ số."),
    ],
)
def test_edit_refuses_bad_identity_and_changes_nothing(client, world, overrides, message):
    household = world.household_a  # female, born 1980
    before = household_fields(household)
    client.force_login(world.credit_officer)
    response = client.post(f"/households/{household.customer_code}/edit/", edit_payload(household, **overrides))
    assert response.status_code == 400
    assert message in text(response)
    household.refresh_from_db()
    assert household_fields(household) == before and AuditEvent.objects.count() == 0


def test_edit_refuses_village_outside_the_scope(client, world):
    household = world.household_a
    client.force_login(world.credit_officer)  # commune A only
    response = client.post(f"/households/{household.customer_code}/edit/",
                           edit_payload(household, village=world.village_b.code))
    assert response.status_code == 400
    assert "Thôn không thuộc phạm vi quản lý của bạn hoặc không thuộc xã đã chọn." in text(response)
    assert client.get(f"/households/{household.customer_code}/edit/?commune={world.commune_b.code}").status_code \
        == 404
    household.refresh_from_db()
    assert household.village == world.village_a and AuditEvent.objects.count() == 0


@pytest.mark.parametrize("persona", ["commune_viewer", "group_leader"])
def test_every_write_page_is_forbidden_to_read_only_roles(client, world, persona):
    household = world.household_a
    before = household_fields(household)
    client.force_login(getattr(world, persona))
    for page in SUB_PAGES:
        assert client.get(f"/households/{household.customer_code}/{page}").status_code == 403, page
        response = client.post(f"/households/{household.customer_code}/{page}",
                               edit_payload(household, name="Tên khác"))
        assert response.status_code == 403, page
    household.refresh_from_db()
    assert household_fields(household) == before and AuditEvent.objects.count() == 0


# --- poverty, kinship, moved away --------------------------------------------------------------------------

def test_poverty_status_record_and_refusals(client, world):
    household = world.household_a
    url = f"/households/{household.customer_code}/poverty/new/"
    client.force_login(world.credit_officer)
    response = client.post(url, {"status": "POOR", "year": "2025", "source_list": "QĐ 45/QĐ-UBND",
                                 "recorded_on": "15/01/2025"})
    assert response.status_code == 302
    record = PovertyStatusRecord.objects.get(household=household)
    assert (record.status, record.year, record.source_list) == ("POOR", 2025, "QĐ 45/QĐ-UBND")
    assert AuditEvent.objects.filter(action="poverty_status_record", object_key=household.customer_code).count() == 1
    again = client.post(url, {"status": "NEAR_POOR", "year": "2025", "source_list": "QĐ 46",
                              "recorded_on": "16/01/2025"})
    assert again.status_code == 400
    assert "Hộ đã có diện hộ năm 2025" in text(again)
    next_year = today().year + 1
    future = client.post(url, {"status": "POOR", "year": str(next_year), "source_list": "QĐ 1",
                               "recorded_on": "16/01/2025"})
    assert future.status_code == 400
    assert f"Năm của danh sách ({next_year}) không được sau năm hiện tại" in text(future)
    assert PovertyStatusRecord.objects.count() == 1 and AuditEvent.objects.count() == 1


def test_kinship_declare_and_refuse_out_of_scope_relative(client, world):
    person, relative = world.group_a.test_members[0], world.group_a.test_members[1]
    url = f"/households/{person.customer_code}/kinship/new/"
    client.force_login(world.commune_association)
    response = client.post(url, {"kind": "SPOUSE", "relative": relative.customer_code})
    assert response.status_code == 302
    assert list(Kinship.objects.values_list("person", "relative", "kind")) == [(person.pk, relative.pk, "SPOUSE")]
    assert AuditEvent.objects.filter(action="kinship_declare").count() == 2  # filed under both households
    outside = client.post(url, {"kind": "SIBLING", "relative": world.household_c.customer_code})
    assert outside.status_code == 400
    assert f"Hộ {world.household_c.customer_code} không tồn tại hoặc không thuộc phạm vi quản lý của bạn." in text(
        outside
    )
    assert Kinship.objects.count() == 1 and AuditEvent.objects.count() == 2


def test_moved_away_mark_and_clear(client, world):
    household = world.household_a
    url = f"/households/{household.customer_code}/moved-away/"
    client.force_login(world.pgd_staff)
    assert "Đánh dấu hộ đi khỏi địa phương" in text(client.get(url))
    tomorrow = today() + dt.timedelta(days=1)
    refused = client.post(url, {"moved_away_on": dmy(tomorrow), "note": ""})
    assert refused.status_code == 400
    assert f"Ngày đi khỏi địa phương ({dmy(tomorrow)}) không được sau ngày hôm nay." in text(refused)
    household.refresh_from_db()
    assert household.moved_away_on is None and AuditEvent.objects.count() == 0

    response = client.post(url, {"moved_away_on": "03/02/2026", "note": "Đi làm ăn xa"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.moved_away_on, household.moved_away_note) == (dt.date(2026, 2, 3), "Đi làm ăn xa")
    assert "Đã đi khỏi địa phương từ 03/02/2026" in text(client.get(f"/households/{household.customer_code}/"))

    clear_form = text(client.get(url))
    assert "Bỏ đánh dấu đi khỏi địa phương" in clear_form and "03/02/2026" in clear_form
    missing_reason = client.post(url, {"note": ""})
    assert missing_reason.status_code == 400
    household.refresh_from_db()
    assert household.moved_away_on == dt.date(2026, 2, 3)
    cleared = client.post(url, {"note": "Hộ đã trở về địa phương"})
    assert cleared.status_code == 302
    household.refresh_from_db()
    assert household.moved_away_on is None
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "household_mark_moved_away", "household_clear_moved_away"
    ]
