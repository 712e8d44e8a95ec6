import json

import pytest

from tests.cli.commands import run_command
from tests.factories import PASSWORD
from uythac.accounts.models import User
from uythac.core.models import AuditEvent
from uythac.geography.models import Commune
from uythac.groups.models import SavingsGroup
from uythac.network.models import TransactionOffice

NEW_PASSWORD = "mat-khau-moi-2026"


def createuser(*args: str) -> tuple[int, str, str]:
    return run_command("createuser", *args)


def created(username: str, role: str, scope: str | None = None, org: str | None = None) -> tuple[int, str, str]:
    args = ["--username", username, "--password", NEW_PASSWORD, "--role", role]
    if scope is not None:
        args += ["--scope", scope]
    if org is not None:
        args += ["--org", org]
    return createuser(*args)


@pytest.mark.django_db
class TestCreateUserSuccess:
    def check(self, world, username, role, scope, org, expected_scope, expected_org):
        code, out, err = created(username, role, scope, org)
        assert (code, err) == (0, "")
        assert json.loads(out) == {
            "username": username, "role": role, "scope": expected_scope, "organization": expected_org,
        }
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password(NEW_PASSWORD)
        event = AuditEvent.objects.get(action="user_create", object_key=username)
        assert event.actor_label == "createuser"
        assert "password" not in event.after
        return user

    def test_admin(self, world):
        user = self.check(world, "quantri", "admin", None, None, {}, None)
        assert (user.is_staff, user.is_superuser) == (True, True)
        assert (user.province, user.office, user.commune, user.group, user.organization) == (None,) * 5
        # one creation event, already carrying the flags; no follow-up update
        created = AuditEvent.objects.get(object_key="quantri")
        assert created.before is None and created.after["is_superuser"] is True

    def test_branch_staff(self, world):
        user = self.check(world, "cn01", "branch_staff", "01", None, {"province": "01"}, None)
        assert user.province == world.province
        assert (user.is_staff, user.is_superuser) == (False, False)

    def test_province_association(self, world):
        user = self.check(world, "hnd01", "province_association", "01", "11", {"province": "01"}, "11")
        assert (user.province, user.organization) == (world.province, world.orgs["11"])

    def test_pgd_staff(self, world):
        user = self.check(world, "pgd1", "pgd_staff", "000101", None, {"office": "000101"}, None)
        assert user.office == world.office
        assert list(user.responsible_communes.all()) == []

    def test_credit_officer_by_pgd_gets_every_served_commune(self, world):
        user = self.check(
            world, "cbtd1", "credit_officer", "000101", None,
            {"office": "000101", "communes": ["00004", "00070"]}, None,
        )
        assert user.office == world.office
        assert set(user.responsible_communes.all()) == {world.commune_a, world.commune_b}

    def test_credit_officer_by_communes_finds_their_pgd(self, world):
        user = self.check(
            world, "cbtd2", "credit_officer", "000070, 00004", None,
            {"office": "000101", "communes": ["00070", "00004"]}, None,
        )
        assert user.office == world.office
        assert set(user.responsible_communes.all()) == {world.commune_a, world.commune_b}

    def test_credit_officer_one_commune(self, world):
        user = self.check(
            world, "cbtd3", "credit_officer", "00004", None, {"office": "000101", "communes": ["00004"]}, None
        )
        assert list(user.responsible_communes.all()) == [world.commune_b]

    def test_commune_association_with_bank_code(self, world):
        user = self.check(
            world, "hpn_a", "commune_association", "000070", "12", {"commune": "00070"}, "12"
        )
        assert (user.commune, user.organization) == (world.commune_a, world.orgs["12"])

    def test_commune_viewer(self, world):
        user = self.check(world, "ubnd_b", "commune_viewer", "00004", None, {"commune": "00004"}, None)
        assert user.commune == world.commune_b
        assert user.organization is None

    def test_group_leader(self, world):
        user = self.check(world, "tt1", "group_leader", "0000001", None, {"group": "0000001"}, None)
        assert user.group == world.group_a


def unserved_commune_code() -> str:
    return Commune.objects.filter(province__code="01", transaction_offices__isnull=True).order_by("code")[0].code


BAD_INPUTS = [
    (["--password", NEW_PASSWORD, "--role", "admin"], "Thiếu --username (tên đăng nhập)."),
    (["--username", "x1", "--role", "admin"], "Thiếu --password (mật khẩu)."),
    (
        ["--username", "x1", "--password", NEW_PASSWORD],
        "Thiếu --role; chọn một trong: admin, branch_staff, pgd_staff, credit_officer, province_association, "
        "commune_association, group_leader, commune_viewer.",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "boss"],
        "Vai trò «boss» không hợp lệ; chọn một trong: admin, branch_staff, pgd_staff, credit_officer, "
        "province_association, commune_association, group_leader, commune_viewer.",
    ),
    (
        ["--username", "admin", "--password", NEW_PASSWORD, "--role", "admin"],
        "Tên đăng nhập admin đã tồn tại.",
    ),
    (
        ["--username", "CN_HANOI", "--password", NEW_PASSWORD, "--role", "branch_staff", "--scope", "01"],
        "Tên đăng nhập CN_HANOI đã tồn tại.",
    ),
    (
        ["--username", "an nguyen", "--password", NEW_PASSWORD, "--role", "admin"],
        "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (không dấu cách).",
    ),
    (
        ["--username", "x1", "--password", "12345678", "--role", "admin"],
        "Mật khẩu này quá phổ biến. Mật khẩu không được chỉ gồm chữ số.",
    ),
    (
        ["--username", "x1", "--password", "Qz7!uy", "--role", "admin"],
        "Mật khẩu quá ngắn: cần ít nhất 8 ký tự.",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "admin", "--scope", "01"],
        "Vai trò admin không dùng --scope.",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "branch_staff"],
        "Vai trò branch_staff cần --scope: mã tỉnh gồm 2 chữ số.",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "branch_staff", "--scope", "1"],
        "Mã «1» không hợp lệ cho vai trò branch_staff: cần mã tỉnh gồm 2 chữ số.",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "branch_staff", "--scope", "99"],
        "Không tìm thấy tỉnh có mã 99.",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "pgd_staff", "--scope", "999999"],
        "Không tìm thấy phòng giao dịch có mã 999999.",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "pgd_staff", "--scope", "00070"],
        "Mã «00070» không hợp lệ cho vai trò pgd_staff: cần mã phòng giao dịch gồm 6 chữ số.",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "pgd_staff", "--scope", "000101", "--org", "11"],
        "Vai trò pgd_staff không dùng --org (chỉ dành cho province_association và commune_association).",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "credit_officer", "--scope", "99999"],
        "Không tìm thấy xã có mã 99999.",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "credit_officer", "--scope", "123456"],
        "Không tìm thấy phòng giao dịch hoặc xã có mã 123456.",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "credit_officer", "--scope", "00070;00004"],
        "Mã «00070;00004» không hợp lệ cho vai trò credit_officer: cần mã phòng giao dịch (6 chữ số) hoặc mã các "
        "xã phụ trách, cách nhau bởi dấu phẩy.",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "commune_association", "--scope", "00070"],
        "Vai trò commune_association cần --org 11|12|13|14.",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "province_association", "--scope", "01",
         "--org", "15"],
        "Không tìm thấy tổ chức hội có mã 15; chọn 11|12|13|14.",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "commune_viewer", "--scope", "99999"],
        "Không tìm thấy xã có mã 99999.",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "commune_viewer", "--scope", "Ba Dinh"],
        "Mã «Ba Dinh» không hợp lệ cho vai trò commune_viewer: cần mã xã (5 chữ số, hoặc 6 chữ số theo mã ngân "
        "hàng).",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "group_leader", "--scope", "7654321"],
        "Không tìm thấy tổ TK&VV có mã 7654321.",
    ),
    (
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "group_leader", "--scope", "00001"],
        "Mã «00001» không hợp lệ cho vai trò group_leader: cần mã tổ TK&VV gồm 7 chữ số.",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "message"), BAD_INPUTS)
def test_bad_input_is_refused_and_nothing_is_created(world, args, message):
    users_before = sorted(User.objects.values_list("username", flat=True))
    events_before = AuditEvent.objects.count()
    code, out, err = createuser(*args)
    assert (code, out, err) == (2, "", message + "\n")
    assert sorted(User.objects.values_list("username", flat=True)) == users_before
    assert AuditEvent.objects.count() == events_before


def assert_refused(args: list[str], message: str) -> None:
    users_before = User.objects.count()
    events_before = AuditEvent.objects.count()
    assert createuser(*args) == (2, "", message + "\n")
    assert (User.objects.count(), AuditEvent.objects.count()) == (users_before, events_before)


@pytest.mark.django_db
def test_credit_officer_communes_must_share_one_pgd(world):
    assert_refused(
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "credit_officer",
         "--scope", f"00070,{world.commune_c.code}"],
        f"Các xã 00070, {world.commune_c.code} không do cùng một phòng giao dịch phục vụ.",
    )


@pytest.mark.django_db
def test_credit_officer_commune_without_pgd(world):
    code = unserved_commune_code()
    assert_refused(
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "credit_officer", "--scope", code],
        f"Xã {code} chưa có phòng giao dịch nào phục vụ.",
    )


@pytest.mark.django_db
def test_credit_officer_communes_served_by_two_pgds_need_the_pgd_code(world):
    second = TransactionOffice.objects.create(code="000102", name="PGD Ba Đình", branch=world.branch)
    second.communes.set([world.commune_a])
    assert_refused(
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "credit_officer", "--scope", "00070"],
        "Các xã 00070 được nhiều phòng giao dịch phục vụ (000101, 000102): hãy dùng mã phòng giao dịch.",
    )


@pytest.mark.django_db
def test_inactive_pgd_is_refused(world):
    TransactionOffice.objects.filter(pk=world.office.pk).update(is_active=False)
    assert_refused(
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "pgd_staff", "--scope", "000101"],
        "Phòng giao dịch 000101 đã ngừng hoạt động.",
    )


@pytest.mark.django_db
def test_leader_of_a_dissolved_group_is_refused(world):
    SavingsGroup.objects.filter(pk=world.group_b.pk).update(status="DISSOLVED", closed_on="2026-01-31")
    assert_refused(
        ["--username", "x1", "--password", NEW_PASSWORD, "--role", "group_leader", "--scope", "0000003"],
        "Tổ 0000003 không còn hoạt động (Đã giải thể).",
    )


@pytest.mark.django_db
def test_created_user_can_log_in(world, client):
    code, _out, _err = created("ubnd_moi", "commune_viewer", "00070")
    assert code == 0
    assert client.login(username="ubnd_moi", password=NEW_PASSWORD)
    assert not client.login(username="ubnd_moi", password=PASSWORD)
