import pytest

from tests.cli.commands import run_command
from uythac.accounts.models import Role, User
from uythac.cli.demo import DEMO_PASSWORD
from uythac.cli.management.commands import demo as demo_command
from uythac.groups.models import SavingsGroup

EXPECTED_ROLES = [
    Role.ADMIN, Role.BRANCH_STAFF, Role.PGD_STAFF, Role.CREDIT_OFFICER, Role.PROVINCE_ASSOCIATION,
    Role.COMMUNE_ASSOCIATION, Role.GROUP_LEADER, Role.COMMUNE_VIEWER,
]


def table_usernames(out: str) -> list[str]:
    lines = out.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("Tên đăng nhập")))
    rows = []
    for line in lines[header + 2 :]:
        if not line.strip():
            break
        rows.append(line.split()[0])
    return rows


@pytest.mark.django_db
def test_demo_prints_one_working_login_per_role(client):
    code, out, err = run_command("demo", "--no-server")
    assert (code, err) == (0, "")
    assert out.startswith("Đã tạo dữ liệu demo ở tỉnh Lào Cai: 13 xã, 3 PGD, 150 tổ, 4.000 hộ (")
    assert f"Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD}):" in out
    usernames = table_usernames(out)
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    assert [users[name].role for name in usernames] == EXPECTED_ROLES
    assert usernames[0] == "admin" and usernames[1] == "cn_15"
    for name in usernames:
        assert client.login(username=name, password=DEMO_PASSWORD), name
        client.logout()

    by_role = {user.role: user for user in users.values()}
    assert by_role[Role.ADMIN].is_superuser
    assert by_role[Role.BRANCH_STAFF].province.code == "15"
    office = by_role[Role.PGD_STAFF].office
    assert usernames[2] == f"pgd_{office.code}" and office.branch.province.code == "15"
    officer = by_role[Role.CREDIT_OFFICER]
    assert officer.office == office
    assert officer.responsible_communes.count() == 2
    assert set(officer.responsible_communes.all()) <= set(office.communes.all())
    commune = by_role[Role.COMMUNE_VIEWER].commune
    assert by_role[Role.COMMUNE_ASSOCIATION].commune == commune
    assert by_role[Role.COMMUNE_ASSOCIATION].organization.code == "12"
    assert by_role[Role.PROVINCE_ASSOCIATION].organization.code == "11"
    group = by_role[Role.GROUP_LEADER].group
    assert group.commune == commune and group.association_unit.organization.code == "12"
    assert commune in officer.responsible_communes.all()
    for user in users.values():
        assert f"{user.username} " in out


@pytest.mark.django_db
def test_demo_rebuilds_from_scratch_each_run():
    first = run_command("demo", "--no-server")
    second = run_command("demo", "--no-server")
    assert second == (0, second[1], "")
    assert table_usernames(second[1]) == table_usernames(first[1])
    assert SavingsGroup.objects.filter(commune__province__code="15").count() == 150
    assert User.objects.count() == 8


@pytest.mark.django_db
def test_demo_then_serves_on_the_given_address(monkeypatch):
    calls = []
    monkeypatch.setattr(demo_command, "call_command", lambda *args, **kwargs: calls.append((args, kwargs)))
    code, out, _err = run_command("demo", "--addr", "127.0.0.1:8765")
    assert code == 0
    assert calls == [(("runserver", "127.0.0.1:8765"), {"use_reloader": False, "insecure_serving": True})]
    assert out.rstrip().endswith("Mở http://127.0.0.1:8765/ và đăng nhập bằng một tài khoản ở trên (Ctrl+C để dừng).")
