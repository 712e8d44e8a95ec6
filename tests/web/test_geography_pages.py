import pytest

from uythac.core.models import AuditEvent


@pytest.mark.django_db
def test_login_page_is_vietnamese_and_logs_in(client, world):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert "Đăng nhập uythac" in page.content.decode()
    response = client.post("/accounts/login/", {"username": "hnd_xa_a", "password": "mat-khau-thu-nghiem-1"})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, world):
    response = client.get(f"/communes/{world.commune_a.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.django_db
def test_home_counts_follow_scope(client, world):
    client.force_login(world.commune_association)
    body = client.get("/").content.decode()
    assert "Cán bộ hội cấp xã" in body
    # commune A only, organization 11 only: 1 commune, 1 active group
    assert '<div class="value">1</div><div class="label">Xã/phường</div>' in body
    assert '<div class="value">1</div><div class="label">Tổ TK&amp;VV đang hoạt động</div>' in body


@pytest.mark.django_db
def test_commune_page_lists_units_groups_points_of_scope(client, world):
    client.force_login(world.pgd_staff)
    body = client.get("/communes/000070/").content.decode()  # bank 6-digit code accepted
    assert world.commune_a.name in body
    assert world.group_a.name in body and world.group_a_women.name in body
    assert world.point_a.code in body
    assert world.group_b.name not in body


@pytest.mark.django_db
def test_association_officer_sees_only_own_organizations_groups_in_commune(client, world):
    client.force_login(world.commune_association)
    body = client.get(f"/communes/{world.commune_a.code}/").content.decode()
    assert world.group_a.name in body
    assert world.group_a_women.name not in body


@pytest.mark.django_db
def test_province_page_and_legacy_list(client, world):
    client.force_login(world.branch_staff)
    body = client.get("/provinces/01/").content.decode()
    assert world.office.name in body and world.commune_b.name in body
    legacy = client.get("/legacy-communes/?q=phuc xa").content.decode()
    assert "Phường Phúc Xá" in legacy and "Quận Ba Đình" in legacy


@pytest.mark.django_db
def test_english_switch_translates_navigation(client, world):
    client.force_login(world.pgd_staff)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert "Overview" in body and "Tổng quan" not in body


@pytest.mark.django_db
def test_audit_page_shows_before_and_after(client, world):
    from uythac.core.audit import audit_event_record, snapshot

    before = snapshot(world.group_a)
    world.group_a.name = "Tổ HND thôn 1 (mới)"
    world.group_a.save()
    audit_event_record(actor=world.admin, action="update", instance=world.group_a, before=before,
                       after=snapshot(world.group_a))
    assert AuditEvent.objects.filter(object_type="savingsgroup", object_key="0000001").count() == 1
    client.force_login(world.commune_viewer)
    body = client.get("/audit/savingsgroup/0000001/").content.decode()
    assert "Tổ HND thôn 1 (mới)" in body and "admin" in body


@pytest.mark.django_db
def test_browser_language_does_not_override_vietnamese_default(client, world):
    client.force_login(world.pgd_staff)
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Tổng quan" in body and 'lang="vi"' in body


@pytest.mark.django_db
def test_static_stylesheet_is_served_without_collectstatic(client):
    response = client.get("/static/web/app.css")
    assert response.status_code == 200
    assert b".topbar" in b"".join(response.streaming_content)
