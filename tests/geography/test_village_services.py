import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.households.support import forbidden, last_audit, refused
from uythac.core.audit import snapshot
from uythac.core.models import AuditEvent
from uythac.geography.models import LegacyCommune, Village
from uythac.geography.services import village_create, village_update

pytestmark = pytest.mark.django_db


def create(world, actor=None, **changes):
    values = {"code": "00070002", "name": "Tổ dân phố số 2", "kind": "TDP", "commune": world.commune_a}
    values.update(changes)
    return village_create(actor=actor or world.credit_officer, **values)


def test_create_village_and_audit(world):
    legacy = LegacyCommune.objects.get(code="00037")  # a pre-2025 ward of Hà Nội
    village = create(world, name=" Tổ  dân phố số 2 ", commune="000070", legacy_commune="00037")
    stored = Village.objects.get(code="00070002")
    assert stored.pk == village.pk
    assert (stored.name, stored.name_search, stored.kind, stored.commune, stored.legacy_commune, stored.is_active) == (
        "Tổ dân phố số 2", "to dan pho so 2", "TDP", world.commune_a, legacy, True
    )
    event = last_audit("village_create")
    assert (event.actor, event.object_type, event.object_key, event.before) == (
        world.credit_officer, "village", "00070002", None
    )
    assert event.after == snapshot(stored)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"code": "7000002"}, "code", "Mã thôn phải gồm đúng 8 chữ số."),
        ({"code": "0007000A"}, "code", "Mã thôn phải gồm đúng 8 chữ số."),
        ({"code": "00070001"}, "code", "Mã thôn 00070001 đã tồn tại."),
        ({"name": " "}, "name", "Chưa nhập tên thôn."),
        ({"name": "x" * 101}, "name", "Tên thôn dài quá 100 ký tự."),
        ({"kind": "CITY"}, "kind", "Loại thôn không hợp lệ."),
        ({"commune": None}, "commune", "Chưa chọn xã."),
        ({"commune": "00004"}, "commune", "Xã 00004 không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
        ({"legacy_commune": "99999"}, "legacy_commune", "Không có xã cũ mã 99999."),
        (
            {"legacy_commune": "26734"},
            "legacy_commune",
            "Xã cũ Phường Tân Định (Thành phố Hồ Chí Minh) không thuộc tỉnh của xã hiện nay.",
        ),
    ],
)
def test_invalid_village_is_refused(world, changes, field, message):
    with refused(message, field=field, models=[Village]):
        create(world, **changes)


@pytest.mark.parametrize("persona", ["commune_viewer", "group_leader", "commune_association", "province_association"])
def test_only_bank_staff_write_villages(world, persona):
    with forbidden(PermissionDenied, models=[Village]):
        create(world, actor=getattr(world, persona))


def test_update_village_and_audit(world):
    before = snapshot(world.village_a)
    village_update(actor=world.pgd_staff, village=world.village_a, name="Tổ dân phố số 1A", kind="KHOM")
    stored = Village.objects.get(pk=world.village_a.pk)
    assert (stored.name, stored.name_search, stored.kind) == ("Tổ dân phố số 1A", "to dan pho so 1a", "KHOM")
    event = last_audit("village_update")
    assert (event.before, event.after) == (before, snapshot(stored))


def test_update_without_change_writes_no_audit(world):
    village_update(actor=world.pgd_staff, village=world.village_a, name="Tổ dân phố số 1")
    assert not AuditEvent.objects.exists()


def test_village_with_households_cannot_move_to_another_commune(world):
    with refused(
        "Không thể chuyển thôn Tổ dân phố số 1 sang xã khác vì thôn còn hộ hoặc tổ TK&VV.", field="commune",
        objects=[world.village_a],
    ):
        village_update(actor=world.pgd_staff, village=world.village_a, commune=world.commune_b)


def test_empty_village_moves_within_scope(world):
    village = create(world)
    village_update(actor=world.pgd_staff, village=village, commune=world.commune_b)
    assert Village.objects.get(pk=village.pk).commune == world.commune_b


def test_village_code_cannot_change(world):
    with refused("Không thể thay đổi mã thôn.", field="code", objects=[world.village_a]):
        village_update(actor=world.pgd_staff, village=world.village_a, code="00070009")


def test_village_outside_scope_answers_404(world):
    with forbidden(Http404, objects=[world.village_b]):
        village_update(actor=world.credit_officer, village=world.village_b, name="X")
    with forbidden(PermissionDenied, objects=[world.village_a]):
        village_update(actor=world.commune_viewer, village=world.village_a, name="X")
