import datetime as dt

import pytest
from django.utils import timezone

from tests.groups.helpers import (
    SOURCE_727,
    SOURCE_783,
    D,
    bulk_households,
    free_household,
    free_households,
    last_audit,
    refused,
)
from uythac.core.models import AuditEvent
from uythac.geography.models import Village
from uythac.groups.models import GroupMembership, GroupStatus, GroupStatusChange, SavingsGroup
from uythac.groups.services import group_create
from uythac.network.models import TransactionPoint

pytestmark = pytest.mark.django_db


def create_kwargs(world, **overrides):
    kwargs = {
        "actor": world.commune_association,
        "code": "0000100",
        "name": "Tổ HND thôn 1 số 2",
        "commune": world.commune_a,
        "villages": [world.village_a],
        "association_unit": world.unit_a["11"],
        "transaction_point": world.point_a,
        "established_on": D,
        "founding_members": overrides.pop("founding_members", None) or free_households(world, 5),
        "approval_decision": "QĐ 12/QĐ-UBND",
        "convention_note": "Sinh hoạt tổ hằng tháng vào ngày giao dịch.",
    }
    kwargs.update(overrides)
    return kwargs


def attempt(world, **overrides):
    """Build the arguments now (test households included), call later inside ``refused``."""
    kwargs = create_kwargs(world, **overrides)
    return lambda: group_create(**kwargs)


def test_create_group_with_founding_members(world):
    founders = free_households(world, 5)
    group = group_create(**create_kwargs(world, founding_members=founders, name="  Tổ  HND thôn 1 số 2 "))

    group.refresh_from_db()
    assert (group.code, group.name, group.name_search, group.status, group.closed_on) == (
        "0000100", "Tổ HND thôn 1 số 2", "to hnd thon 1 so 2", GroupStatus.ACTIVE, None
    )
    assert (group.commune, group.association_unit, group.transaction_point, group.established_on) == (
        world.commune_a, world.unit_a["11"], world.point_a, D
    )
    assert list(group.villages.all()) == [world.village_a]
    memberships = GroupMembership.objects.filter(group=group)
    assert sorted(m.household_id for m in memberships) == sorted(h.pk for h in founders)
    assert {(m.joined_on, m.left_on, m.moved_from_id) for m in memberships} == {(D, None, None)}
    change = GroupStatusChange.objects.get(group=group)
    assert (change.from_status, change.to_status, change.changed_on, change.reason) == ("", "ACTIVE", D,
                                                                                        "Thành lập tổ")

    event = AuditEvent.objects.get(object_type="savingsgroup", object_key="0000100")
    assert (event.action, event.actor, event.before) == ("group.create", world.commune_association, None)
    assert event.after["code"] == "0000100"
    assert event.after["established_on"] == "2026-03-02"
    assert event.after["villages"] == ["00070001"]
    assert event.after["members"] == sorted(h.customer_code for h in founders)


def test_old_size_rule_applies_to_a_group_founded_before_727(world):
    # 3–60 before 11/02/2026 (783/QĐ-HĐQT as summarised in 2021); 5–60 after.
    group = group_create(**create_kwargs(world, established_on=dt.date(2025, 5, 5),
                                         founding_members=free_households(world, 3)))
    assert group.memberships.count() == 3
    refused(attempt(world, code="0000101", founding_members=free_households(world, 3)),
            field="founding_members",
            message=f"Tổ 0000101 phải có từ 5 đến 60 tổ viên ({SOURCE_727}); danh sách có 3 hộ.")
    refused(attempt(world, code="0000102", established_on=dt.date(2025, 5, 5),
                                                 founding_members=free_households(world, 2, prefix="Hai")),
            field="founding_members",
            message=f"Tổ 0000102 phải có từ 3 đến 60 tổ viên ({SOURCE_783}); danh sách có 2 hộ.")


def test_61_founding_members_are_refused(world):
    founders = bulk_households(world.commune_a, world.village_a, 61)
    refused(attempt(world, actor=world.admin, founding_members=founders),
            field="founding_members",
            message=f"Tổ 0000100 phải có từ 5 đến 60 tổ viên ({SOURCE_727}); danh sách có 61 hộ.")
    group = group_create(**create_kwargs(world, actor=world.admin, founding_members=founders[:60]))
    assert group.memberships.count() == 60


def test_duplicate_code_is_refused(world):
    refused(attempt(world, code="0000001"), field="code",
            message="Mã tổ 0000001 đã tồn tại.")
    # also a code the actor cannot see: codes are unique in the whole system
    refused(attempt(world, code="0000079"), field="code",
            message="Mã tổ 0000079 đã tồn tại.")


@pytest.mark.parametrize("code", ["123", "12345678", "00001a1", "", None, " 000 123"])
def test_code_must_be_exactly_seven_digits(world, code):
    refused(attempt(world, code=code), field="code",
            message="Mã tổ phải gồm đúng 7 chữ số (ví dụ 0001234).")


def test_name_is_required(world):
    refused(attempt(world, name="   "), field="name",
            message="Chưa nhập tên tổ.")


def test_commune_outside_scope(world):
    refused(
        attempt(world, actor=world.credit_officer, commune=world.commune_b,
                                             villages=[world.village_b], association_unit=world.unit_b["11"],
                                             transaction_point=world.point_b,
                                             founding_members=free_households(world, 5, commune=world.commune_b,
                                                                              village=world.village_b)),
        field="commune", message="Xã không thuộc phạm vi quản lý của bạn.",
    )


@pytest.mark.parametrize("persona", ["group_leader", "commune_viewer"])
def test_read_only_personas_cannot_create(world, persona):
    refused(attempt(world, actor=getattr(world, persona)), field=None,
            message="Bạn không có quyền thay đổi tổ TK&VV.")


def test_villages_must_belong_to_the_commune(world):
    refused(attempt(world, actor=world.admin, villages=[world.village_b]),
            field="villages", message="Thôn Tổ dân phố số 7 không thuộc Phường Hoàn Kiếm.")
    refused(attempt(world, villages=[]), field="villages",
            message="Phải chọn ít nhất một thôn của tổ.")
    closed = Village.objects.create(code="00070009", name="Thôn cũ", commune=world.commune_a, is_active=False)
    refused(attempt(world, villages=[world.village_a, closed]), field="villages",
            message="Thôn Thôn cũ đã ngừng hoạt động.")


def test_association_officer_only_creates_groups_of_its_organization(world):
    refused(attempt(world, association_unit=world.unit_a["12"]),
            field="association_unit", message="Hội quản lý không thuộc phạm vi quản lý của bạn.")


def test_unit_must_be_a_current_commune_unit_of_the_commune(world):
    message = "Hội quản lý tổ phải là hội cấp xã của Phường Hoàn Kiếm."
    refused(attempt(world, actor=world.admin, association_unit=world.unit_b["11"]),
            field="association_unit", message=message)
    refused(attempt(world, actor=world.admin,
                                                 association_unit=world.province_unit["11"]),
            field="association_unit", message=message)
    unit = world.unit_a["11"]
    unit.valid_to = dt.date(2026, 1, 31)
    unit.save()
    refused(attempt(world), field="association_unit",
            message=f"Đơn vị hội {unit.name} đã hết hiệu lực từ 31/01/2026.")


def test_transaction_point_must_be_an_active_point_of_the_commune(world):
    refused(attempt(world, actor=world.admin, transaction_point=world.point_b),
            field="transaction_point", message="Điểm giao dịch TXN0002 không thuộc Phường Hoàn Kiếm.")
    TransactionPoint.objects.filter(pk=world.point_a.pk).update(is_active=False)
    refused(attempt(world), field="transaction_point",
            message="Điểm giao dịch TXN0001 đã ngừng hoạt động.")


def test_established_on_not_in_the_future(world):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused(attempt(world, established_on=tomorrow), field="established_on",
            message=f"Ngày thành lập ({tomorrow:%d/%m/%Y}) không được sau ngày hôm nay.")
    refused(attempt(world, established_on="2026-03-02"), field="established_on",
            message="Ngày thành lập không hợp lệ.")


def test_founding_member_already_in_a_group(world):
    founders = [*free_households(world, 4), world.household_a]
    refused(attempt(world, founding_members=founders), field="founding_members",
            message=f"Hộ {world.household_a.name} ({world.household_a.customer_code}) đang là tổ viên tổ 0000001.")


def test_founding_member_of_another_village_or_commune(world):
    other_village = Village.objects.create(code="00070002", name="Tổ dân phố số 2", commune=world.commune_a)
    outsider = free_household(world, "Hộ thôn khác", village=other_village)
    refused(attempt(world, founding_members=[*free_households(world, 4), outsider]),
            field="founding_members",
            message=f"Hộ Hộ thôn khác ({outsider.customer_code}) ở Tổ dân phố số 2, không thuộc các thôn của tổ.")
    far = free_household(world, "Hộ Ba Đình", commune=world.commune_b, village=world.village_b)
    refused(attempt(world, actor=world.admin,
                                                 founding_members=[*free_households(world, 4), far]),
            field="founding_members",
            message=f"Hộ Hộ Ba Đình ({far.customer_code}) không cư trú tại Phường Hoàn Kiếm.")
    # the association officer of commune A does not even see it
    refused(attempt(world, founding_members=[*free_households(world, 4), far]),
            field="founding_members", message=f"Hộ {far.customer_code} không thuộc phạm vi quản lý của bạn.")


def test_founding_member_moved_away_or_listed_twice(world):
    gone = free_household(world, "Hộ đã đi", moved_away_on=dt.date(2025, 12, 1))
    refused(attempt(world, founding_members=[*free_households(world, 4), gone]),
            field="founding_members",
            message=f"Hộ Hộ đã đi ({gone.customer_code}) đã đi khỏi nơi cư trú từ 01/12/2025.")
    founders = free_households(world, 4, prefix="Lặp")
    refused(attempt(world, founding_members=[*founders, founders[0]]),
            field="founding_members", message=f"Hộ {founders[0].customer_code} được chọn hai lần.")


def test_founding_member_who_left_another_group_after_the_founding_date(world):
    former = free_household(world, "Hộ cũ")
    GroupMembership.objects.create(group=world.group_a, household=former, joined_on=dt.date(2020, 1, 1),
                                   left_on=dt.date(2026, 4, 1), leave_reason="Chuyển đi")
    refused(attempt(world, founding_members=[*free_households(world, 4), former]),
            field="founding_members",
            message=f"Hộ Hộ cũ ({former.customer_code}) rời tổ 0000001 ngày 01/04/2026; "
                    "ngày vào tổ không được trước ngày đó.")
    group = group_create(**create_kwargs(world, established_on=dt.date(2026, 4, 1),
                                         founding_members=[*free_households(world, 4, prefix="Sau"), former]))
    assert group.memberships.filter(household=former, left_on__isnull=True).exists()


def test_refused_create_leaves_no_group(world):
    refused(attempt(world, founding_members=free_households(world, 4)),
            field="founding_members", contains="phải có từ 5 đến 60 tổ viên")
    assert not SavingsGroup.objects.filter(code="0000100").exists()
    assert last_audit() is None
