import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.households.support import forbidden, last_audit, refused
from uythac.core.audit import snapshot
from uythac.core.models import AuditEvent
from uythac.geography.models import Commune, Province
from uythac.network.models import Branch, TransactionOffice, TransactionPoint
from uythac.network.services import (
    branch_create,
    branch_update,
    office_create,
    office_update,
    point_create,
    point_update,
)

pytestmark = pytest.mark.django_db
SESSION_DAY_MESSAGE = "Ngày giao dịch cố định phải là một ngày từ 1 đến 31 trong tháng."


# --- branches ------------------------------------------------------------------------------------------------

def test_admin_creates_a_branch_and_it_is_audited(world):
    cao_bang = Province.objects.get(code="04")
    branch = branch_create(actor=world.admin, code="000400", name=" Chi nhánh  Cao Bằng ", province="04")
    stored = Branch.objects.get(code="000400")
    assert (stored.pk, stored.name, stored.level, stored.province) == (
        branch.pk, "Chi nhánh Cao Bằng", "BRANCH", cao_bang
    )
    event = last_audit("branch_create")
    assert (event.actor, event.object_type, event.object_key, event.before) == (world.admin, "branch", "000400", None)
    assert event.after == snapshot(stored)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"code": "4000"}, "code", "Mã chi nhánh phải gồm đúng 6 chữ số."),
        ({"code": "000101"}, "code", "Mã 000101 đã được dùng cho một chi nhánh hoặc PGD."),
        ({"name": ""}, "name", "Chưa nhập tên chi nhánh."),
        ({"province": None}, "province", "Chưa chọn tỉnh của chi nhánh."),
        ({"province": "03"}, "province", "Tỉnh 03 không tồn tại."),
        (
            {"province": "01"},
            "province",
            "Thành phố Hà Nội đã có chi nhánh 000100 (Chi nhánh Hà Nội); mỗi tỉnh chỉ có một chi nhánh.",
        ),
    ],
)
def test_invalid_branch_is_refused(world, changes, field, message):
    values = {"code": "000400", "name": "Chi nhánh Cao Bằng", "province": "04"}
    values.update(changes)
    with refused(message, field=field, models=[Branch]):
        branch_create(actor=world.admin, **values)


@pytest.mark.parametrize("persona", ["branch_staff", "pgd_staff", "province_association", "commune_viewer"])
def test_only_the_administrator_writes_branches(world, persona):
    with forbidden(PermissionDenied, models=[Branch]):
        branch_create(actor=getattr(world, persona), code="000400", name="Chi nhánh Cao Bằng", province="04")


def test_branch_update(world):
    before = snapshot(world.branch)
    branch_update(actor=world.admin, branch=world.branch, address="Số 3 Lý Thái Tổ")
    stored = Branch.objects.get(pk=world.branch.pk)
    assert stored.address == "Số 3 Lý Thái Tổ"
    event = last_audit("branch_update")
    assert (event.before, event.after) == (before, snapshot(stored))
    with refused(
        "Không thể đổi tỉnh của chi nhánh vì chi nhánh còn PGD trực thuộc.", field="province", objects=[stored]
    ):
        branch_update(actor=world.admin, branch=world.branch, province="04")
    with refused("Không thể thay đổi mã chi nhánh.", field="code", objects=[stored]):
        branch_update(actor=world.admin, branch=world.branch, code="000199")
    head_office = Branch.objects.get(code="000001")
    with refused("Hội sở chính không gắn với tỉnh nào.", field="province", objects=[head_office]):
        branch_update(actor=world.admin, branch=head_office, province="04")
    with forbidden(PermissionDenied, objects=[stored]):
        branch_update(actor=world.branch_staff, branch=world.branch, name="X")


# --- transaction offices -------------------------------------------------------------------------------------

def test_branch_staff_creates_an_office_serving_communes(world):
    ngoc_ha = Commune.objects.get(code="00008")
    office = office_create(
        actor=world.branch_staff, code="000102", name="PGD Ba Đình", branch="000100",
        communes=[ngoc_ha, "000025", ngoc_ha],
    )
    stored = TransactionOffice.objects.get(code="000102")
    assert stored.pk == office.pk
    assert (stored.branch, sorted(stored.communes.values_list("code", flat=True))) == (
        world.branch, ["00008", "00025"]
    )
    event = last_audit("office_create")
    assert (event.actor, event.object_key, event.before) == (world.branch_staff, "000102", None)
    assert event.after == snapshot(stored, extra={"communes": ["00008", "00025"]})


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"code": "00010"}, "code", "Mã PGD phải gồm đúng 6 chữ số."),
        ({"code": "000100"}, "code", "Mã 000100 đã được dùng cho một chi nhánh hoặc PGD."),
        ({"name": " "}, "name", "Chưa nhập tên PGD."),
        ({"branch": None}, "branch", "Chưa chọn chi nhánh của PGD."),
        ({"branch": "000001"}, "branch", "PGD phải thuộc một chi nhánh tỉnh, không thuộc Hội sở chính."),
        (
            {"communes": ["00008", "99998"]},
            "communes",
            "Xã 99998 không tồn tại hoặc không thuộc phạm vi quản lý của bạn.",
        ),
    ],
)
def test_invalid_office_is_refused(world, changes, field, message):
    values = {"code": "000102", "name": "PGD Ba Đình", "branch": "000100", "communes": ["00008"]}
    values.update(changes)
    with refused(message, field=field, models=[TransactionOffice]):
        office_create(actor=world.admin, **values)


def test_office_communes_must_be_in_the_branch_province(world):
    with refused(
        f"{world.commune_c.name} thuộc Thành phố Hồ Chí Minh, không thuộc tỉnh của Chi nhánh Hà Nội.",
        field="communes", models=[TransactionOffice],
    ):
        office_create(actor=world.admin, code="000102", name="PGD X", branch="000100", communes=[world.commune_c])


def test_branch_staff_cannot_use_another_province_branch(world):
    with refused(
        "Chi nhánh 007900 không tồn tại hoặc không thuộc phạm vi quản lý của bạn.", field="branch",
        models=[TransactionOffice],
    ):
        office_create(actor=world.branch_staff, code="007902", name="PGD Quận 3", branch="007900", communes=[])


@pytest.mark.parametrize("persona", ["pgd_staff", "credit_officer", "province_association", "commune_viewer"])
def test_only_admin_and_branch_staff_write_offices(world, persona):
    with forbidden(PermissionDenied, models=[TransactionOffice]):
        office_create(actor=getattr(world, persona), code="000102", name="PGD X", branch="000100", communes=[])


def test_office_update_replaces_communes_and_audits_them(world):
    before = snapshot(world.office, extra={"communes": ["00004", "00070"]})
    office_update(actor=world.branch_staff, office=world.office, communes=["00070", "00004", "00008"])
    stored = TransactionOffice.objects.get(pk=world.office.pk)
    assert sorted(stored.communes.values_list("code", flat=True)) == ["00004", "00008", "00070"]
    event = last_audit("office_update")
    assert event.before == before
    assert event.after == snapshot(stored, extra={"communes": ["00004", "00008", "00070"]})


def test_office_update_refusals(world):
    with refused(
        "Không thể bỏ Phường Ba Đình khỏi PGD vì PGD còn điểm giao dịch TXN0002 tại xã này.", field="communes",
        models=[TransactionOffice], objects=[world.office],
    ):
        office_update(actor=world.branch_staff, office=world.office, communes=["00070"])
    assert world.office.communes.count() == 2
    with refused(
        "Không thể ngừng hoạt động PGD vì PGD còn điểm giao dịch đang hoạt động.", field="is_active",
        objects=[world.office],
    ):
        office_update(actor=world.branch_staff, office=world.office, is_active=False)
    with forbidden(Http404, objects=[world.other_office]):
        office_update(actor=world.branch_staff, office=world.other_office, name="X")


def test_office_update_without_change_writes_no_audit(world):
    office_update(actor=world.admin, office=world.office, communes=[world.commune_b, world.commune_a])
    assert not AuditEvent.objects.exists()


# --- transaction points --------------------------------------------------------------------------------------

def point_values(world, **changes):
    values = {
        "code": "txn0003", "name": "Điểm GD Ba Đình 2", "commune": world.commune_b, "office": world.office,
        "session_day_of_month": 20, "location": "Nhà văn hóa tổ 7",
    }
    values.update(changes)
    return values


def test_pgd_officer_creates_a_point_in_a_served_commune(world):
    point = point_create(actor=world.pgd_staff, **point_values(world))
    stored = TransactionPoint.objects.get(code="TXN0003")
    assert stored.pk == point.pk
    assert (stored.commune, stored.office, stored.session_day_of_month, stored.location) == (
        world.commune_b, world.office, 20, "Nhà văn hóa tổ 7"
    )
    event = last_audit("point_create")
    assert (event.actor, event.object_key, event.before, event.after) == (
        world.pgd_staff, "TXN0003", None, snapshot(stored)
    )


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"code": "ABC0003"},
            "code",
            "Mã điểm giao dịch phải bắt đầu bằng TXN, tiếp theo là 1–17 chữ số hoặc chữ in hoa (ví dụ TXN0001).",
        ),
        (
            {"code": "TXN"},
            "code",
            "Mã điểm giao dịch phải bắt đầu bằng TXN, tiếp theo là 1–17 chữ số hoặc chữ in hoa (ví dụ TXN0001).",
        ),
        ({"code": "TXN0001"}, "code", "Mã điểm giao dịch TXN0001 đã tồn tại."),
        ({"name": ""}, "name", "Chưa nhập tên điểm giao dịch."),
        ({"session_day_of_month": 0}, "session_day_of_month", SESSION_DAY_MESSAGE),
        ({"session_day_of_month": 32}, "session_day_of_month", SESSION_DAY_MESSAGE),
        ({"session_day_of_month": "15"}, "session_day_of_month", SESSION_DAY_MESSAGE),
        ({"session_day_of_month": True}, "session_day_of_month", SESSION_DAY_MESSAGE),
        ({"office": None}, "office", "Chưa chọn PGD của điểm giao dịch."),
        ({"commune": ""}, "commune", "Chưa chọn xã của điểm giao dịch."),
        ({"office": "007901"}, "office", "PGD 007901 không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
        ({"commune": "00008"}, "commune", "Xã 00008 không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
        (
            {"legacy_commune": "26734"},
            "legacy_commune",
            "Xã cũ Phường Tân Định (Thành phố Hồ Chí Minh) không thuộc tỉnh của xã hiện nay.",
        ),
    ],
)
def test_invalid_point_is_refused(world, changes, field, message):
    with refused(message, field=field, models=[TransactionPoint]):
        point_create(actor=world.pgd_staff, **point_values(world, **changes))


def test_point_commune_must_be_served_by_the_office(world):
    # Branch staff see every commune of the province, but PGD Hoàn Kiếm does not serve Ngọc Hà.
    with refused(
        "Phường Ngọc Hà không do PGD Hoàn Kiếm phục vụ.", field="commune", models=[TransactionPoint]
    ):
        point_create(actor=world.branch_staff, **point_values(world, commune="00008"))


def test_credit_officer_only_in_responsible_communes(world):
    with refused(
        "Xã 00004 không tồn tại hoặc không thuộc phạm vi quản lý của bạn.", field="commune",
        models=[TransactionPoint],
    ):
        point_create(actor=world.credit_officer, **point_values(world))
    point_create(actor=world.credit_officer, **point_values(world, commune=world.commune_a))
    assert TransactionPoint.objects.filter(commune=world.commune_a).count() == 2


def test_inactive_office_takes_no_new_point(world):
    TransactionOffice.objects.filter(pk=world.office.pk).update(is_active=False)
    with refused("PGD Hoàn Kiếm đã ngừng hoạt động.", field="office", models=[TransactionPoint]):
        point_create(actor=world.pgd_staff, **point_values(world))


@pytest.mark.parametrize(
    "persona", ["province_association", "commune_association", "group_leader", "commune_viewer"]
)
def test_association_and_read_only_personas_do_not_write_points(world, persona):
    with forbidden(PermissionDenied, models=[TransactionPoint]):
        point_create(actor=getattr(world, persona), **point_values(world))


def test_point_update(world):
    before = snapshot(world.point_b)
    point_update(actor=world.pgd_staff, point=world.point_b, session_day_of_month=31, location="UBND phường")
    stored = TransactionPoint.objects.get(pk=world.point_b.pk)
    assert (stored.session_day_of_month, stored.location) == (31, "UBND phường")
    event = last_audit("point_update")
    assert (event.before, event.after) == (before, snapshot(stored))
    assert [name for name, _old, _new in event.changed_fields()] == ["location", "session_day_of_month"]


def test_point_update_refusals(world):
    with refused(
        "Không thể đổi xã của điểm giao dịch vì còn tổ TK&VV giao dịch tại điểm này.", field="commune",
        objects=[world.point_b],
    ):
        point_update(actor=world.pgd_staff, point=world.point_b, commune=world.commune_a)
    with refused(SESSION_DAY_MESSAGE, field="session_day_of_month", objects=[world.point_b]):
        point_update(actor=world.pgd_staff, point=world.point_b, session_day_of_month=40)
    with refused("Không thể thay đổi mã điểm giao dịch.", field="code", objects=[world.point_b]):
        point_update(actor=world.pgd_staff, point=world.point_b, code="TXN9")
    with forbidden(Http404, objects=[world.point_b]):
        point_update(actor=world.credit_officer, point=world.point_b, name="X")
    with forbidden(PermissionDenied, objects=[world.point_a]):
        point_update(actor=world.commune_viewer, point=world.point_a, name="X")
