import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.households.support import forbidden, last_audit, refused
from uythac.core.audit import snapshot
from uythac.core.guards import today
from uythac.core.models import AuditEvent
from uythac.households.models import Household, Kinship, PovertyStatusRecord
from uythac.households.selectors import household_kinships, poverty_status_current
from uythac.households.services import (
    household_clear_moved_away,
    household_mark_moved_away,
    kinship_declare,
    kinship_remove,
    poverty_status_record,
)

pytestmark = pytest.mark.django_db


def record(world, household, *, year, status="POOR", source="QĐ 15/QĐ-UBND", recorded_on=dt.date(2024, 1, 5)):
    return poverty_status_record(
        actor=world.pgd_staff, household=household, status=status, year=year, source_list=source,
        recorded_on=recorded_on,
    )


# --- poverty status ------------------------------------------------------------------------------------------

def test_poverty_status_is_recorded_and_audited_under_the_household(world):
    saved = poverty_status_record(
        actor=world.commune_association, household=world.household_a, status="NEAR_POOR", year=2024,
        source_list="  Quyết định   12/QĐ-UBND ngày 28/12/2023 ", recorded_on=dt.date(2024, 1, 5),
    )
    stored = PovertyStatusRecord.objects.get(household=world.household_a)
    assert (stored.pk, stored.status, stored.year, stored.source_list, stored.recorded_on) == (
        saved.pk, "NEAR_POOR", 2024, "Quyết định 12/QĐ-UBND ngày 28/12/2023", dt.date(2024, 1, 5)
    )
    event = last_audit("poverty_status_record")
    assert (event.object_type, event.object_key, event.actor) == (
        "household", world.household_a.customer_code, world.commune_association
    )
    assert event.before is None
    assert event.after == snapshot(stored)


def test_second_record_for_the_same_year_is_refused(world):
    record(world, world.household_a, year=2023)
    with refused(
        "Hộ đã có diện hộ năm 2023 (Hộ nghèo, theo QĐ 15/QĐ-UBND); mỗi năm chỉ ghi một lần.", field="year",
        models=[PovertyStatusRecord],
    ):
        record(world, world.household_a, year=2023, status="NONE", source="QĐ 99")


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"status": "RICH"}, "status", "Diện hộ không hợp lệ."),
        ({"year": 1999}, "year", "Năm của danh sách phải từ năm 2000 trở đi."),
        ({"year": "2024"}, "year", "Năm của danh sách không hợp lệ."),
        ({"source_list": "  "}, "source_list", "Chưa nhập danh sách/quyết định của xã."),
        ({"recorded_on": None}, "recorded_on", "Chưa nhập ngày ghi nhận."),
    ],
)
def test_invalid_poverty_record_is_refused(world, changes, field, message):
    values = {"status": "POOR", "year": 2024, "source_list": "QĐ 15", "recorded_on": dt.date(2024, 1, 5)}
    values.update(changes)
    with refused(message, field=field, models=[PovertyStatusRecord]):
        poverty_status_record(actor=world.pgd_staff, household=world.household_a, **values)


def test_future_year_and_date_are_refused(world):
    next_year = today().year + 1
    with refused(
        f"Năm của danh sách ({next_year}) không được sau năm hiện tại ({today().year}).", field="year",
        models=[PovertyStatusRecord],
    ):
        record(world, world.household_a, year=next_year)
    tomorrow = today() + dt.timedelta(days=1)
    with refused(
        f"Ngày ghi nhận ({tomorrow:%d/%m/%Y}) không được sau ngày hôm nay.", field="recorded_on",
        models=[PovertyStatusRecord],
    ):
        record(world, world.household_a, year=today().year, recorded_on=tomorrow)


def test_poverty_record_needs_write_access(world):
    with forbidden(PermissionDenied, models=[PovertyStatusRecord]):
        poverty_status_record(
            actor=world.commune_viewer, household=world.household_a, status="POOR", year=2024, source_list="QĐ",
            recorded_on=dt.date(2024, 1, 5),
        )
    with forbidden(Http404, models=[PovertyStatusRecord]):
        record(world, world.household_c, year=2024)


def test_current_poverty_status_is_the_latest_list_not_after_the_date(world):
    poor = record(world, world.household_a, year=2022, status="POOR")
    near_poor = record(world, world.household_a, year=2024, status="NEAR_POOR")
    assert poverty_status_current(world.household_a, on=dt.date(2021, 12, 31)) is None
    assert poverty_status_current(world.household_a, on=dt.date(2022, 1, 1)) == poor
    assert poverty_status_current(world.household_a, on=dt.date(2023, 6, 30)) == poor
    assert poverty_status_current(world.household_a, on=dt.date(2024, 2, 1)) == near_poor
    assert poverty_status_current(world.household_a, on=dt.date(2025, 5, 1)) == near_poor
    assert poverty_status_current(world.household_a) == near_poor
    assert poverty_status_current(world.household_b) is None


# --- kinship -------------------------------------------------------------------------------------------------

def test_kinship_is_declared_and_audited_under_both_households(world):
    leader, deputy = world.group_a.test_members[:2]
    kinship = kinship_declare(actor=world.commune_association, person=leader, relative=deputy, kind="SPOUSE")
    stored = Kinship.objects.get()
    assert (stored.pk, stored.person, stored.relative, stored.kind) == (kinship.pk, leader, deputy, "SPOUSE")
    events = AuditEvent.objects.filter(action="kinship_declare").order_by("object_key")
    assert sorted(e.object_key for e in events) == sorted([leader.customer_code, deputy.customer_code])
    assert all(e.before is None and e.after == snapshot(stored) and e.object_type == "household" for e in events)
    assert list(household_kinships(world.commune_association, deputy)) == [stored]


def test_kinship_accepts_customer_codes(world):
    kinship = kinship_declare(
        actor=world.pgd_staff, person=world.household_a.customer_code, relative=world.household_b.customer_code,
        kind="SIBLING",
    )
    assert (kinship.person, kinship.relative) == (world.household_a, world.household_b)


def test_duplicate_pair_is_refused_in_either_direction(world):
    parent, child = world.group_a.test_members[:2]
    kinship_declare(actor=world.pgd_staff, person=parent, relative=child, kind="PARENT")
    message = f"Quan hệ giữa {child.name} và {parent.name} đã được khai báo (Cha/mẹ)."
    with refused(message, field="relative", models=[Kinship]):
        kinship_declare(actor=world.pgd_staff, person=child, relative=parent, kind="CHILD")
    with refused(
        f"Quan hệ giữa {parent.name} và {child.name} đã được khai báo (Cha/mẹ).", field="relative", models=[Kinship]
    ):
        kinship_declare(actor=world.pgd_staff, person=parent, relative=child, kind="SPOUSE")


def test_kinship_with_itself_is_refused(world):
    with refused("Không thể khai báo quan hệ của một hộ với chính hộ đó.", field="relative", models=[Kinship]):
        kinship_declare(actor=world.pgd_staff, person=world.household_a, relative=world.household_a, kind="SPOUSE")


def test_relative_outside_scope_is_refused_like_a_missing_one(world):
    code = world.household_c.customer_code
    with refused(
        f"Hộ {code} không tồn tại hoặc không thuộc phạm vi quản lý của bạn.", field="relative", models=[Kinship]
    ):
        kinship_declare(actor=world.pgd_staff, person=world.household_a, relative=world.household_c, kind="SPOUSE")
    with refused(
        "Hộ 0000000000 không tồn tại hoặc không thuộc phạm vi quản lý của bạn.", field="relative", models=[Kinship]
    ):
        kinship_declare(actor=world.pgd_staff, person=world.household_a, relative="0000000000", kind="SPOUSE")


def test_invalid_kind_is_refused(world):
    with refused("Quan hệ không hợp lệ.", field="kind", models=[Kinship]):
        kinship_declare(actor=world.pgd_staff, person=world.household_a, relative=world.household_b, kind="FRIEND")


@pytest.mark.parametrize("persona", ["commune_viewer", "group_leader"])
def test_read_only_personas_may_not_declare_kinship(world, persona):
    leader, deputy = world.group_a.test_members[:2]
    with forbidden(PermissionDenied, models=[Kinship]):
        kinship_declare(actor=getattr(world, persona), person=leader, relative=deputy, kind="SPOUSE")


def test_kinship_is_removed_with_an_audit_of_what_it_was(world):
    leader, deputy = world.group_a.test_members[:2]
    kinship = kinship_declare(actor=world.pgd_staff, person=leader, relative=deputy, kind="SPOUSE")
    before = snapshot(kinship)
    kinship_remove(actor=world.credit_officer, kinship=kinship, note="Khai nhầm")
    assert not Kinship.objects.exists()
    events = AuditEvent.objects.filter(action="kinship_remove")
    assert sorted(e.object_key for e in events) == sorted([leader.customer_code, deputy.customer_code])
    assert all(e.before == before and e.after is None and e.note == "Khai nhầm" for e in events)


def test_kinship_outside_scope_cannot_be_removed(world):
    kinship = Kinship.objects.create(person=world.household_a, relative=world.household_b, kind="SIBLING")
    with forbidden(Http404, models=[Kinship]):
        kinship_remove(actor=world.credit_officer, kinship=kinship)
    with forbidden(PermissionDenied, models=[Kinship]):
        kinship_remove(actor=world.commune_viewer, kinship=kinship)


# --- moved away ----------------------------------------------------------------------------------------------

def test_mark_and_clear_moved_away_are_audited(world):
    household = world.household_a
    before = snapshot(Household.objects.get(pk=household.pk))
    household_mark_moved_away(
        actor=world.credit_officer, household=household, moved_away_on=dt.date(2024, 3, 1),
        note="Đi làm ăn xa, không rõ địa chỉ",
    )
    stored = Household.objects.get(pk=household.pk)
    assert (stored.moved_away_on, stored.moved_away_note, stored.is_moved_away) == (
        dt.date(2024, 3, 1), "Đi làm ăn xa, không rõ địa chỉ", True
    )
    marked = last_audit("household_mark_moved_away")
    assert (marked.before, marked.after, marked.note) == (before, snapshot(stored), "Đi làm ăn xa, không rõ địa chỉ")

    household_clear_moved_away(actor=world.credit_officer, household=household, note="Đã về địa phương")
    cleared = Household.objects.get(pk=household.pk)
    assert (cleared.moved_away_on, cleared.moved_away_note, cleared.is_moved_away) == (None, "", False)
    event = last_audit("household_clear_moved_away")
    assert (event.before, event.after, event.note) == (snapshot(stored), snapshot(cleared), "Đã về địa phương")


def test_moved_away_refusals(world):
    household = world.household_a
    tomorrow = today() + dt.timedelta(days=1)
    with refused(
        f"Ngày đi khỏi địa phương ({tomorrow:%d/%m/%Y}) không được sau ngày hôm nay.", field="moved_away_on",
        objects=[household],
    ):
        household_mark_moved_away(actor=world.pgd_staff, household=household, moved_away_on=tomorrow)
    with refused(
        "Ngày đi khỏi địa phương (30/04/1980) không được trước ngày sinh (01/05/1980).", field="moved_away_on",
        objects=[household],
    ):
        household_mark_moved_away(actor=world.pgd_staff, household=household, moved_away_on=dt.date(1980, 4, 30))
    with refused("Hộ chưa được ghi nhận đi khỏi địa phương.", field="moved_away_on", objects=[household]):
        household_clear_moved_away(actor=world.pgd_staff, household=household, note="Về")
    household_mark_moved_away(actor=world.pgd_staff, household=household, moved_away_on=dt.date(2024, 3, 1))
    with refused(
        "Hộ đã được ghi nhận đi khỏi địa phương từ ngày 01/03/2024.", field="moved_away_on", objects=[household]
    ):
        household_mark_moved_away(actor=world.pgd_staff, household=household, moved_away_on=dt.date(2024, 4, 1))
    with refused("Chưa nhập lý do.", field="note", objects=[household]):
        household_clear_moved_away(actor=world.pgd_staff, household=household, note=" ")


def test_moved_away_needs_write_access(world):
    with forbidden(PermissionDenied, objects=[world.household_a]):
        household_mark_moved_away(
            actor=world.group_leader, household=world.household_a, moved_away_on=dt.date(2024, 3, 1)
        )
    with forbidden(Http404, objects=[world.household_b]):
        household_mark_moved_away(
            actor=world.credit_officer, household=world.household_b, moved_away_on=dt.date(2024, 3, 1)
        )
