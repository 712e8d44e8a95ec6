"""User administration pages and the ``accounts.services`` they call (role ↔ scope rules, passwords, audit)."""

from functools import partial

import pytest

from tests import pages
from tests.factories import PASSWORD
from uythac.accounts.models import Role, User
from uythac.accounts.services import user_create, user_update
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Thu-nghiem-2026!"


def user_state() -> list:
    rows = []
    for user in User.objects.order_by("username"):
        rows.append((
            user.username, user.password, user.role, user.province_id, user.office_id, user.commune_id,
            user.group_id, user.organization_id, user.is_active, user.first_name, user.email, user.phone,
            tuple(sorted(user.responsible_communes.values_list("code", flat=True))),
        ))
    return [rows, AuditEvent.objects.count()]


refused_post = partial(pages.refused_post, state=user_state)


def create_data(**overrides):
    data = {"username": "cbtd_b", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD,
            "first_name": "Nguyễn Thị", "last_name": "Bình", "email": "binh@example.vn", "phone": "0987 654 321",
            "role": "credit_officer", "organization": "", "province": "", "office": "000101",
            "responsible_communes": "00004, 000070", "commune": "", "group": "", "is_active": "on"}
    data.update(overrides)
    return data


def edit_data(user, **overrides):
    data = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email, "phone": user.phone,
            "role": user.role, "organization": user.organization.code if user.organization else "",
            "province": user.province.code if user.province else "",
            "office": user.office.code if user.office else "", "commune": user.commune.code if user.commune else "",
            "group": user.group.code if user.group else "",
            "responsible_communes": ",".join(user.responsible_communes.values_list("code", flat=True)),
            "is_active": "on" if user.is_active else "", "new_password": "", "new_password_confirm": ""}
    data.update(overrides)
    return data


# --- only administrators see user administration -------------------------------------------------------------

def test_user_pages_are_invisible_to_everyone_but_admin(client, world):
    urls = ["/users/", "/users/new/", "/users/cbtd_a/", "/users/cbtd_a/edit/"]
    for persona in world.personas[1:]:
        client.force_login(persona)
        for url in [*urls, f"/users/{persona.username}/", f"/users/{persona.username}/edit/"]:
            assert client.get(url).status_code == 404, (persona.username, url)
        before = user_state()
        assert client.post("/users/new/", create_data()).status_code == 404
        assert client.post(f"/users/{persona.username}/edit/", edit_data(persona, role="admin")).status_code == 404
        assert user_state() == before


def test_admin_lists_and_searches_users(client, world):
    client.force_login(world.admin)
    response = client.get("/users/")
    assert [row[0][0] for row in response.context["rows"]] == sorted(p.username for p in world.personas)
    assert 'href="/users/new/"' in response.content.decode()
    assert [row[0][0] for row in client.get("/users/?q=hnd").context["rows"]] == ["hnd_tinh", "hnd_xa_a"]
    assert client.get("/users/khong-co/").status_code == 404


def test_user_detail_shows_scope_with_links(client, world):
    client.force_login(world.admin)
    response = client.get("/users/cbtd_a/")
    body = response.content.decode()
    assert "Cán bộ tín dụng" in body
    assert 'href="/offices/000101/"' in body and 'href="/communes/00070/"' in body
    assert 'href="/audit/user/cbtd_a/"' in body and 'href="/users/cbtd_a/edit/"' in body
    sections = response.context["sections"]
    assert [row[0][0] for row in sections[0].table["rows"]] == ["00070"]
    body = client.get("/users/totruong_a/").content.decode()
    assert 'href="/groups/0000001/"' in body


# --- create -------------------------------------------------------------------------------------------------

def test_admin_creates_credit_officer_with_responsible_communes(client, world):
    client.force_login(world.admin)
    response = client.post("/users/new/", create_data(), follow=True)
    assert response.redirect_chain == [("/users/cbtd_b/", 302)]
    assert "Đã tạo người dùng." in response.content.decode()
    user = User.objects.get(username="cbtd_b")
    assert (user.role, user.office, user.phone, user.get_full_name()) == (
        "credit_officer", world.office, "0987654321", "Nguyễn Thị Bình"
    )
    assert sorted(user.responsible_communes.values_list("code", flat=True)) == ["00004", "00070"]
    assert user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="user_create")
    assert (event.actor, event.object_type, event.object_key) == (world.admin, "user", "cbtd_b")
    assert event.after["responsible_communes"] == ["00004", "00070"]
    assert "password" not in event.after
    client.logout()
    assert client.login(username="cbtd_b", password=NEW_PASSWORD)
    assert client.get("/communes/00004/").status_code == 200


def test_create_clears_scope_fields_the_role_does_not_use(client, world):
    client.force_login(world.admin)
    data = create_data(username="ubnd_b", role="commune_viewer", commune="000004", province="01",
                       organization="12", group="1")
    assert client.post("/users/new/", data).status_code == 302
    user = User.objects.get(username="ubnd_b")
    assert (user.commune, user.province, user.office, user.organization, user.group) == (
        world.commune_b, None, None, None, None
    )
    assert list(user.responsible_communes.all()) == []


def test_group_leader_by_short_group_code(client, world):
    client.force_login(world.admin)
    assert client.post("/users/new/", create_data(username="totruong_b", role="group_leader", group="3",
                                                  office="", responsible_communes="")).status_code == 302
    assert User.objects.get(username="totruong_b").group == world.group_b


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"role": "pgd_staff", "office": ""}, "Vai trò Cán bộ phòng giao dịch cần chọn phòng giao dịch."),
        ({"responsible_communes": ""}, "Vai trò Cán bộ tín dụng cần ít nhất một xã phụ trách."),
        ({"role": "province_association", "province": "01"},
         "Vai trò Cán bộ hội cấp tỉnh cần chọn tổ chức hội (11, 12, 13 hoặc 14)."),
        ({"role": "commune_association", "organization": "11"}, "Vai trò Cán bộ hội cấp xã cần chọn xã/phường."),
        ({"role": "branch_staff"}, "Vai trò Cán bộ chi nhánh tỉnh cần chọn tỉnh/thành phố."),
        ({"role": "group_leader"}, "Vai trò Tổ trưởng tổ TK&amp;VV cần chọn tổ TK&amp;VV."),
        ({"responsible_communes": "25747"}, "không thuộc địa bàn phục vụ của PGD Hoàn Kiếm."),
        ({"responsible_communes": "12345"}, "Mã 12345 không tồn tại hoặc nằm ngoài phạm vi quản lý của bạn."),
        ({"username": "CN_HANOI"}, "Tên đăng nhập CN_HANOI đã tồn tại."),
        ({"username": "new"}, "Tên đăng nhập này được hệ thống dùng riêng"),
        ({"username": "cán bộ"}, "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _"),
        ({"password_confirm": "khac-mat-khau-9"}, "Hai mật khẩu không khớp."),
        ({"password": "12345678", "password_confirm": "12345678"}, "Mật khẩu không được chỉ gồm chữ số."),
        ({"password": "abc", "password_confirm": "abc"}, "Mật khẩu quá ngắn: cần ít nhất 8 ký tự."),
        ({"phone": "12345"}, "Số điện thoại 12345 không hợp lệ"),
        ({"email": "binh@"}, "Địa chỉ email không hợp lệ."),
        ({"office": "999999"}, "Không tìm thấy mã này, hoặc đối tượng nằm ngoài phạm vi quản lý của bạn."),
    ],
)
def test_create_refusals_change_nothing(client, world, overrides, message):
    client.force_login(world.admin)
    refused_post(client, "/users/new/", create_data(**overrides), message)


# --- edit ---------------------------------------------------------------------------------------------------

def test_admin_changes_role_and_scope(client, world):
    client.force_login(world.admin)
    viewer = world.commune_viewer
    data = edit_data(viewer, role="commune_association", organization="12", commune="00004")
    response = client.post(f"/users/{viewer.username}/edit/", data, follow=True)
    assert response.redirect_chain == [(f"/users/{viewer.username}/", 302)]
    assert "Đã lưu thay đổi của người dùng." in response.content.decode()
    viewer.refresh_from_db()
    assert (viewer.role, viewer.commune, viewer.organization) == ("commune_association", world.commune_b,
                                                                  world.orgs["12"])
    event = AuditEvent.objects.get(action="user_update")
    assert (event.before["role"], event.after["role"]) == ("commune_viewer", "commune_association")
    assert (event.before["organization_id"], event.after["organization_id"]) == (None, world.orgs["12"].pk)
    assert event.note == ""
    assert viewer.check_password(PASSWORD)  # password untouched when left empty


def test_edit_form_shows_current_scope(client, world):
    client.force_login(world.admin)
    form = client.get("/users/cbtd_a/edit/").context["form"]
    assert form["role"].value() == "credit_officer"
    assert form["office"].value() == "000101"
    assert 'value="00070"' in str(form["responsible_communes"])


def test_admin_resets_password(client, world):
    client.force_login(world.admin)
    officer = world.credit_officer
    refused_post(client, f"/users/{officer.username}/edit/",
                 edit_data(officer, new_password="ngan", new_password_confirm="ngan"),
                 "Mật khẩu quá ngắn: cần ít nhất 8 ký tự.")
    response = client.post(f"/users/{officer.username}/edit/",
                           edit_data(officer, new_password=NEW_PASSWORD, new_password_confirm=NEW_PASSWORD))
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="user_update")
    assert event.note == "Đã đặt lại mật khẩu."
    assert "password" not in event.before and "password" not in event.after


def test_admin_cannot_demote_or_lock_themselves(client, world):
    client.force_login(world.admin)
    admin = world.admin
    refused_post(client, "/users/admin/edit/", edit_data(admin, role="commune_viewer", commune="00070"),
                 "Bạn không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình.")
    refused_post(client, "/users/admin/edit/", edit_data(admin, is_active=""),
                 "Bạn không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình.")


def test_scope_change_takes_effect_on_next_request(client, world):
    client.force_login(world.admin)
    officer = world.credit_officer
    assert client.post(f"/users/{officer.username}/edit/",
                       edit_data(officer, responsible_communes="00004")).status_code == 302
    client.force_login(officer)
    assert client.get("/communes/00004/").status_code == 200
    assert client.get("/communes/00070/").status_code == 404


# --- the service, as the createuser command will call it -------------------------------------------------------

def test_service_create_without_actor_for_the_command_line(world):
    user = user_create(actor=None, username="hpn_xa_b", password=NEW_PASSWORD, role=Role.COMMUNE_ASSOCIATION,
                       organization=world.orgs["12"], commune=world.commune_b)
    assert (user.role, user.commune, user.organization) == ("commune_association", world.commune_b,
                                                            world.orgs["12"])
    event = AuditEvent.objects.get(action="user_create")
    assert (event.actor, event.actor_label) == (None, "system")


def test_service_refuses_non_admin_actor(world):
    before = user_state()
    with pytest.raises(DomainError) as info:
        user_create(actor=world.branch_staff, username="x1", password=NEW_PASSWORD, role=Role.ADMIN)
    assert info.value.text() == "Chỉ quản trị hệ thống được quản lý người dùng."
    with pytest.raises(DomainError):
        user_update(actor=world.branch_staff, user=world.commune_viewer, role=Role.ADMIN)
    assert user_state() == before


def test_service_keeps_the_last_active_admin(world):
    second = user_create(actor=None, username="admin2", password=NEW_PASSWORD, role=Role.ADMIN)
    user_update(actor=None, user=world.admin, role=Role.BRANCH_STAFF, province=world.province)
    before = user_state()
    with pytest.raises(DomainError) as info:
        user_update(actor=None, user=second, role=Role.ADMIN, is_active=False)
    assert info.value.text() == "Không thể bỏ quyền hoặc khóa quản trị hệ thống cuối cùng."
    assert info.value.field == "role"
    assert user_state() == before


def test_service_refuses_unknown_role(world):
    before = user_state()
    with pytest.raises(DomainError) as info:
        user_create(actor=None, username="x2", password=NEW_PASSWORD, role="superuser")
    assert (info.value.field, info.value.text()) == ("role", "Vai trò không hợp lệ.")
    assert user_state() == before
