import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.households.support import forbidden, last_audit, refused
from uythac.core.audit import snapshot
from uythac.core.models import AuditEvent
from uythac.households.models import Household
from uythac.households.services import household_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(world):
    assert world.household_a.gender == "F"  # factory: odd-numbered members are women, born 01/05/1980
    Household.objects.filter(pk=world.household_a.pk).update(
        national_id="001180000123", national_id_issued_on=dt.date(2021, 4, 10), phone="0912345678"
    )
    return Household.objects.get(pk=world.household_a.pk)


def test_update_changes_fields_and_audits_before_and_after(world, household):
    before = snapshot(household)
    updated = household_update(
        actor=world.credit_officer, household=household, name="Trần  Thị Bình", phone="0987 654 321",
        member_count=3,
    )
    stored = Household.objects.get(pk=household.pk)
    assert (stored.name, stored.name_search, stored.phone, stored.member_count) == (
        "Trần Thị Bình", "tran thi binh", "0987654321", 3
    )
    assert updated.pk == stored.pk
    event = last_audit("household_update")
    assert event.actor == world.credit_officer
    assert event.object_key == household.customer_code
    assert event.before == before
    assert event.after == snapshot(stored)
    assert [name for name, _old, _new in event.changed_fields()] == ["member_count", "name", "name_search", "phone"]


def test_update_with_the_same_values_writes_no_audit(world, household):
    household_update(actor=world.pgd_staff, household=household, phone="0912 345 678", name=household.name)
    assert not AuditEvent.objects.filter(action="household_update").exists()


def test_update_keeps_own_cccd_without_duplicate_error(world, household):
    household_update(actor=world.pgd_staff, household=household, address="Ngõ 5")
    assert Household.objects.get(pk=household.pk).national_id == "001180000123"


def test_new_birth_date_is_checked_against_the_cccd(world, household):
    with refused(
        "Chữ số thứ 5 và 6 của CCCD (80) không khớp với năm sinh 1981.", field="national_id",
        models=[Household], objects=[household],
    ):
        household_update(actor=world.pgd_staff, household=household, birth_date=dt.date(1981, 1, 1))


def test_gender_change_is_checked_against_the_cccd(world, household):
    with refused(
        "Chữ số thứ 4 của CCCD không khớp với giới tính và năm sinh.", field="national_id",
        models=[Household], objects=[household],
    ):
        household_update(actor=world.pgd_staff, household=household, gender="M")


def test_cccd_of_another_household_is_refused(world, household):
    Household.objects.filter(pk=world.household_b.pk).update(national_id="001180000456")
    with refused(
        "Số CCCD 001180000456 đã được dùng cho một hộ khác.", field="national_id", objects=[household]
    ):
        household_update(actor=world.pgd_staff, household=household, national_id="001180000456")


def test_customer_code_cannot_change(world, household):
    with refused("Không thể thay đổi mã khách hàng.", field="customer_code", objects=[household]):
        household_update(actor=world.pgd_staff, household=household, customer_code="9999999999")


def test_unknown_field_is_a_programming_error(world, household):
    with forbidden(TypeError, objects=[household]):
        household_update(actor=world.pgd_staff, household=household, moved_away_on=dt.date(2024, 1, 1))


def test_moving_to_a_commune_outside_scope_is_refused(world, household):
    with refused(
        "Xã 00004 không tồn tại hoặc không thuộc phạm vi quản lý của bạn.", field="commune", objects=[household]
    ):
        household_update(
            actor=world.credit_officer, household=household, commune=world.commune_b, village=world.village_b
        )


def test_moving_within_scope_needs_a_village_of_the_new_commune(world, household):
    with refused("Thôn Tổ dân phố số 1 không thuộc Phường Ba Đình.", field="village", objects=[household]):
        household_update(actor=world.pgd_staff, household=household, commune=world.commune_b)
    household_update(actor=world.pgd_staff, household=household, commune=world.commune_b, village=world.village_b)
    assert Household.objects.get(pk=household.pk).village == world.village_b


def test_household_outside_scope_answers_404(world):
    with forbidden(Http404, objects=[world.household_b]):
        household_update(actor=world.credit_officer, household=world.household_b, name="Lê Văn C")


@pytest.mark.parametrize("persona", ["commune_viewer", "group_leader"])
def test_read_only_personas_may_not_update(world, household, persona):
    with forbidden(PermissionDenied, objects=[household]):
        household_update(actor=getattr(world, persona), household=household, name="Lê Văn C")
