"""What three personas see from the menu: no link on their pages answers an error, and the pages fit a phone.

For a group leader, a commune association officer and a credit officer: home and every page of the menu, once the
month-end snapshots exist (dashboards, scores and fees have something to show). The links of those pages are checked
with Django's test client (status < 400: a 403 or a 404 behind a visible link is a defect, a redirect is fine); the
layout is checked in a 390 px Chromium: the page must not be wider than the screen (tables may scroll inside their
own container, that does not widen the page)."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.browser.conftest import BROWSER, login, screenshot
from tests.reports.dashboard_data import build_snapshots

pytestmark = BROWSER

# Links that change state on GET do not exist; these only leave the page or switch the language.
NOT_CHECKED = ("/accounts/logout/", "/i18n/")
PERSONAS = ("group_leader", "commune_association", "credit_officer")


def _links(html: str) -> list[str]:
    """The local hrefs of a page, in order, without fragments."""
    found = []
    for href in re.findall(r'href="([^"]+)"', html):
        href = href.replace("&amp;", "&").split("#")[0]
        if href.startswith("/") and not href.startswith("/static/") and not href.startswith(NOT_CHECKED):
            found.append(href)
    return list(dict.fromkeys(found))


def _menu(client: Client) -> list[str]:
    html = client.get("/").content.decode()
    header = html.split('<header class="topbar">', 1)[1].split("</header>", 1)[0]
    return ["/", *[href for href in _links(header) if href != "/"]]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_link_on_the_menu_pages_answers_an_error(persona, live_world):
    w = live_world
    build_snapshots(w)
    client = Client()
    client.force_login(getattr(w, persona))
    broken, checked = [], {}
    for page_url in _menu(client):
        response = client.get(page_url, follow=True)  # "Bảng điều khiển" redirects to the user's own dashboard
        assert response.status_code == 200, (persona, page_url, response.status_code)
        for link in _links(response.content.decode()):
            if link not in checked:
                checked[link] = client.get(link).status_code
                if checked[link] >= 400:
                    broken.append((page_url, link, checked[link]))
    assert broken == []
    assert len(checked) > 40  # the menu pages really were read (header links alone are about 35)


def test_group_leader_menu_has_no_report_pages(live_world):
    """The reports cover a commune or wider: a group leader is not offered pages that would answer 404."""
    client = Client()
    client.force_login(live_world.group_leader)
    menu = _menu(client)
    assert "/reports/entrustment/" not in menu and "/reports/monthly/" not in menu
    assert client.get("/reports/entrustment/").status_code == 404
    client.force_login(live_world.commune_association)
    assert "/reports/entrustment/" in _menu(client)


@pytest.mark.parametrize("persona", PERSONAS)
def test_menu_pages_fit_a_phone(persona, page, live_server, live_world):
    w = live_world
    build_snapshots(w)
    user = getattr(w, persona)
    client = Client()
    client.force_login(user)
    login(page, live_server, user.username)
    too_wide = []
    for path in _menu(client):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1] + 1:
            name = urlsplit(path).path.strip("/").replace("/", "-") or "home"
            screenshot(page, f"ux-too-wide-{persona}-{name}")
            too_wide.append((path, width[0]))
    assert too_wide == []


def test_session_page_links_only_the_statements_the_user_may_open(live_world):
    """The session desk lists every statement payable at the point; a group leader sees the session but may open
    only their own group's commission and their unit's fee (the other links answered 404)."""
    import datetime as dt

    from tests.fees.support import PERIOD, snap
    from tests.loans.support import ensure_reference_data
    from uythac.closing.scope import scope_parse
    from uythac.core.periods import Period
    from uythac.fees.models import CommissionStatement, FeeStatement
    from uythac.fees.statements import fees_compute
    from uythac.transaction_sessions.services import session_open

    w = live_world
    ensure_reference_data()
    snap(w, w.group_a, current=800_000_000, interest=6_000_000)  # unit 11 of commune A
    snap(w, w.group_a_women, current=100_000_000, interest=1_000_000)  # unit 12 of commune A, same point
    fees_compute(actor=w.admin, period=Period.parse(PERIOD), scope=scope_parse("01"))
    session = session_open(
        actor=w.credit_officer, point=w.point_a, session_date=dt.date(2021, 1, 12), team_leader=w.credit_officer
    )
    own = CommissionStatement.objects.get(group=w.group_a)
    other = CommissionStatement.objects.get(group=w.group_a_women)
    own_fee = FeeStatement.objects.get(association_unit=w.unit_a["11"])
    other_fee = FeeStatement.objects.get(association_unit=w.unit_a["12"])
    client = Client()
    client.force_login(w.group_leader)
    html = client.get(f"/sessions/{session.pk}/").content.decode()
    links = _links(html)
    assert f"/commissions/{own.pk}/" in links and f"/fees/{own_fee.pk}/" in links
    assert f"/commissions/{other.pk}/" not in links and f"/fees/{other_fee.pk}/" not in links
    assert "Tổ 0000002" in html  # still listed, without a link
    assert [link for link in links if client.get(link).status_code >= 400] == []
    client.force_login(w.credit_officer)
    links = _links(client.get(f"/sessions/{session.pk}/").content.decode())
    assert f"/commissions/{other.pk}/" in links and f"/fees/{other_fee.pk}/" in links
