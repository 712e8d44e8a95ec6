"""Login → commune → group → household, in a phone-sized Chromium window."""

from tests.browser.conftest import BROWSER, login, screenshot

pytestmark = BROWSER


def test_commune_officer_walks_from_commune_to_household(page, live_server, live_world):
    w = live_world
    login(page, live_server, w.commune_association.username)
    assert "Tổng quan" in page.inner_text("h1")

    page.click("text=Xã/phường >> nth=0")
    page.click(f"a:text-is('{w.commune_a.name}')")
    page.wait_for_url(f"**/communes/{w.commune_a.code}/")
    assert page.inner_text("h1") == w.commune_a.name
    screenshot(page, "commune")

    page.click(f"a:text-is('{w.group_a.name}')")
    page.wait_for_url(f"**/groups/{w.group_a.code}/")
    assert w.group_a.name in page.inner_text("h1")
    screenshot(page, "group")

    member = w.household_a
    page.click(f"a:text-is('{member.customer_code}')")
    page.wait_for_url(f"**/households/{member.customer_code}/")
    assert member.name in page.inner_text("h1")
    body = page.inner_text("body")
    assert w.group_a.name in body
    screenshot(page, "household")


def test_wrong_password_is_refused_in_vietnamese(page, live_server, live_world):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", live_world.commune_viewer.username)
    page.fill("#id_password", "sai-mat-khau")
    page.click("button[type=submit]")
    assert "tên đăng nhập và mật khẩu" in page.inner_text(".errorbox").lower()


def test_search_without_diacritics_finds_household(page, live_server, live_world):
    w = live_world
    w.household_a.name = "Nguyễn Văn An"
    w.household_a.save()
    login(page, live_server, w.pgd_staff.username)
    page.goto(f"{live_server.url}/households/?q=nguyen+van+an")
    assert "Nguyễn Văn An" in page.inner_text("table.data")
    screenshot(page, "household-search")
