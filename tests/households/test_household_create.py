import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from tests.households.support import forbidden, last_audit, refused
from uythac.core.audit import snapshot
from uythac.core.guards import today
from uythac.households.models import Household
from uythac.households.services import household_create
from uythac.households.validation import legacy_id_warning

pytestmark = pytest.mark.django_db


@pytest.fixture
def valid(world):
    return {
        "customer_code": "1234567890",
        "name": "Nguyễn Văn An",
        "gender": "M",
        "birth_date": dt.date(1980, 5, 1),
        "ethnicity": "Kinh",
        "national_id": "001080000123",
        "national_id_issued_on": dt.date(2021, 4, 10),
        "national_id_expires_on": dt.date(2045, 5, 1),
        "legacy_id_number": "",
        "phone": "0912345678",
        "commune": world.commune_a,
        "village": world.village_a,
        "address": "Số 1 phố Tràng Tiền",
        "member_count": 4,
    }


def test_create_stores_the_cleaned_household_and_audits_it(world, valid):
    valid.update(
        name="  Nguyễn   Văn  An ", phone="+84 912 345 678", ethnicity="ê-đê", national_id="001 080 000 123",
        commune="000070", village="00070001",
    )
    household = household_create(actor=world.credit_officer, **valid)

    stored = Household.objects.get(customer_code="1234567890")
    assert stored.pk == household.pk
    assert stored.name == "Nguyễn Văn An"
    assert stored.name_search == "nguyen van an"
    assert stored.phone == "0912345678"
    assert stored.ethnicity == "Ê Đê"
    assert stored.national_id == "001080000123"
    assert stored.commune == world.commune_a
    assert stored.village == world.village_a
    assert stored.member_count == 4
    assert stored.has_legacy_id_only is False
    event = last_audit("household_create")
    assert event.actor == world.credit_officer
    assert event.object_type == "household"
    assert event.object_key == "1234567890"
    assert event.before is None
    assert event.after == snapshot(stored)
    assert event.after["phone"] == "0912345678"
    assert event.after["birth_date"] == "1980-05-01"


def test_minor_household_head_is_stored(world, valid):
    valid.update(gender="F", birth_date=dt.date(2015, 3, 2), national_id="001315000456", national_id_issued_on=None,
                 national_id_expires_on=None)
    household = household_create(actor=world.pgd_staff, **valid)
    assert household.birth_date == dt.date(2015, 3, 2)


def test_legacy_cmnd_only_is_accepted_and_flagged(world, valid):
    valid.update(national_id="", national_id_issued_on=None, national_id_expires_on=None, legacy_id_number="012345678")
    household = household_create(actor=world.pgd_staff, **valid)
    assert household.legacy_id_number == "012345678"
    assert household.has_legacy_id_only is True
    assert legacy_id_warning(household) == (
        "Hộ chỉ có số CMND cũ 012345678: CMND không còn giá trị sử dụng từ ngày 01/01/2025, cần bổ sung số CCCD."
    )


def test_household_with_cccd_has_no_legacy_warning(world, valid):
    household = household_create(actor=world.pgd_staff, **valid)
    assert legacy_id_warning(household) is None


def test_commune_association_creates_in_its_commune(world, valid):
    household = household_create(actor=world.commune_association, **valid)
    assert household.commune == world.commune_a


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"customer_code": "12345"}, "customer_code", "Mã khách hàng phải gồm đúng 10 chữ số."),
        ({"customer_code": "12345678AB"}, "customer_code", "Mã khách hàng phải gồm đúng 10 chữ số."),
        ({"customer_code": "123456789012"}, "customer_code", "Mã khách hàng phải gồm đúng 10 chữ số."),
        ({"name": "   "}, "name", "Chưa nhập họ tên chủ hộ."),
        ({"name": "A" * 151}, "name", "Họ tên chủ hộ dài quá 150 ký tự."),
        ({"gender": "X"}, "gender", "Giới tính phải là Nam hoặc Nữ."),
        ({"ethnicity": "Klingon"}, "ethnicity", "Dân tộc «Klingon» không có trong danh mục 54 dân tộc Việt Nam."),
        ({"ethnicity": " "}, "ethnicity", "Chưa chọn dân tộc."),
        ({"national_id": "12345"}, "national_id", "Số CCCD phải gồm 12 chữ số."),
        ({"national_id": "0010800001234"}, "national_id", "Số CCCD phải gồm 12 chữ số."),
        ({"national_id": "00108000012A"}, "national_id", "Số CCCD phải gồm 12 chữ số."),
        (
            {"national_id": "123456789"},
            "national_id",
            "Số 123456789 gồm 9 chữ số là số CMND cũ, không phải số CCCD: hãy nhập vào ô «Số CMND cũ».",
        ),
        (
            {"national_id": "999080000123"},
            "national_id",
            "Mã tỉnh nơi đăng ký khai sinh 999 trong số CCCD không hợp lệ.",
        ),
        (
            {"national_id": "003080000123"},
            "national_id",
            "Mã tỉnh nơi đăng ký khai sinh 003 trong số CCCD không hợp lệ.",
        ),
        (
            {"national_id": "001180000123"},
            "national_id",
            "Chữ số thứ 4 của CCCD không khớp với giới tính và năm sinh.",
        ),
        (
            {"national_id": "001280000123"},
            "national_id",
            "Chữ số thứ 4 của CCCD không khớp với giới tính và năm sinh.",
        ),
        (
            {"national_id": "001081000123"},
            "national_id",
            "Chữ số thứ 5 và 6 của CCCD (81) không khớp với năm sinh 1980.",
        ),
        (
            {"legacy_id_number": "12345"},
            "legacy_id_number",
            "Số CMND cũ phải gồm đúng 9 chữ số.",
        ),
        (
            {"legacy_id_number": "001080000999"},
            "legacy_id_number",
            "Số 001080000999 gồm 12 chữ số là số CCCD: hãy nhập vào ô «Số CCCD».",
        ),
        (
            {"national_id_issued_on": dt.date(1979, 12, 31)},
            "national_id_issued_on",
            "Ngày cấp CCCD (31/12/1979) không được trước ngày sinh (01/05/1980).",
        ),
        (
            {"national_id_expires_on": dt.date(2021, 4, 10)},
            "national_id_expires_on",
            "Ngày hết hạn CCCD (10/04/2021) phải sau ngày cấp (10/04/2021).",
        ),
        (
            {"national_id": "", "legacy_id_number": "012345678"},
            "national_id",
            "Chưa nhập số CCCD nên không thể ghi ngày cấp hoặc ngày hết hạn.",
        ),
        (
            {"phone": "0123"},
            "phone",
            "Số điện thoại 0123 không hợp lệ: cần 10 chữ số bắt đầu bằng 0 (ví dụ 0912345678).",
        ),
        (
            {"phone": "+1 202 555 0100"},
            "phone",
            "Số điện thoại +1 202 555 0100 không hợp lệ: cần 10 chữ số bắt đầu bằng 0 (ví dụ 0912345678).",
        ),
        ({"member_count": 0}, "member_count", "Số nhân khẩu phải là số nguyên từ 1 đến 99."),
        ({"member_count": 100}, "member_count", "Số nhân khẩu phải là số nguyên từ 1 đến 99."),
        ({"member_count": "4"}, "member_count", "Số nhân khẩu phải là số nguyên từ 1 đến 99."),
        ({"address": "x" * 256}, "address", "Địa chỉ dài quá 255 ký tự."),
        ({"commune": None}, "commune", "Chưa chọn xã."),
        ({"village": ""}, "village", "Chưa chọn thôn."),
        ({"commune": "99998"}, "commune", "Xã 99998 không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
        ({"village": "12345678"}, "village", "Thôn 12345678 không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
        ({"birth_date": "1980-05-01"}, "birth_date", "Ngày sinh không hợp lệ."),
    ],
)
def test_invalid_input_is_refused_and_nothing_is_saved(world, valid, changes, field, message):
    valid.update(changes)
    with refused(message, field=field, models=[Household]):
        household_create(actor=world.pgd_staff, **valid)
    assert not Household.objects.filter(customer_code=valid["customer_code"]).exists()


def test_future_dates_are_refused(world, valid):
    tomorrow = today() + dt.timedelta(days=1)
    valid.update(birth_date=tomorrow, national_id="", national_id_issued_on=None, national_id_expires_on=None)
    with refused(
        f"Ngày sinh ({tomorrow:%d/%m/%Y}) không được sau ngày hôm nay.", field="birth_date", models=[Household]
    ):
        household_create(actor=world.pgd_staff, **valid)
    valid.update(birth_date=dt.date(1980, 5, 1), national_id="001080000123", national_id_issued_on=tomorrow)
    with refused(
        f"Ngày cấp CCCD ({tomorrow:%d/%m/%Y}) không được sau ngày hôm nay.",
        field="national_id_issued_on", models=[Household],
    ):
        household_create(actor=world.pgd_staff, **valid)


def test_duplicate_customer_code_is_refused(world, valid):
    valid["customer_code"] = world.household_a.customer_code
    with refused(
        f"Mã khách hàng {world.household_a.customer_code} đã tồn tại.", field="customer_code",
        models=[Household], objects=[world.household_a],
    ):
        household_create(actor=world.pgd_staff, **valid)


def test_duplicate_cccd_is_refused_even_when_the_other_household_is_out_of_scope(world, valid):
    Household.objects.filter(pk=world.household_c.pk).update(national_id="001080000123")
    with refused(
        "Số CCCD 001080000123 đã được dùng cho một hộ khác.", field="national_id", models=[Household],
        objects=[world.household_c],
    ):
        household_create(actor=world.pgd_staff, **valid)


def test_commune_outside_scope_is_refused(world, valid):
    valid.update(commune=world.commune_b, village=world.village_b)
    with refused(
        "Xã 00004 không tồn tại hoặc không thuộc phạm vi quản lý của bạn.", field="commune", models=[Household]
    ):
        household_create(actor=world.credit_officer, **valid)


def test_village_must_belong_to_the_commune(world, valid):
    valid["village"] = world.village_b
    with refused(
        "Thôn Tổ dân phố số 7 không thuộc Phường Hoàn Kiếm.", field="village", models=[Household]
    ):
        household_create(actor=world.pgd_staff, **valid)


def test_inactive_village_is_refused(world, valid):
    world.village_a.is_active = False
    world.village_a.save()
    with refused("Thôn Tổ dân phố số 1 đã ngừng hoạt động.", field="village", models=[Household]):
        household_create(actor=world.pgd_staff, **valid)


@pytest.mark.parametrize("persona", ["commune_viewer", "group_leader"])
def test_read_only_personas_may_not_create(world, valid, persona):
    with forbidden(PermissionDenied, models=[Household]):
        household_create(actor=getattr(world, persona), **valid)
