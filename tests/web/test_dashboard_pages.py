"""Dashboard pages: the home dashboard per role, the drill-down pages in and out of scope, sorting, the period
selector, the comparison page and its refusals — over the hand-built snapshots of tests/reports/dashboard_data.py."""

import re

import pytest

from tests.pages import stable_body, text
from tests.reports.dashboard_data import build_snapshots

pytestmark = pytest.mark.django_db

IN_SCOPE = ["/dashboards/province/01/", "/dashboards/office/000101/", "/dashboards/commune/00070/",
            "/dashboards/unit/11-C-00070/", "/dashboards/group/0000001/"]
OUT_OF_SCOPE = ["/dashboards/province/79/", "/dashboards/office/007901/", "/dashboards/commune/{commune_c}/",
                "/dashboards/unit/11-C-{commune_c}/", "/dashboards/group/0000079/",
                "/dashboards/compare/?scope=province:79", "/dashboards/compare/?scope=group:0000079"]


@pytest.fixture
def data(world):
    build_snapshots(world)
    return world


def kpi(body: str, key: str) -> str:
    match = re.search(rf'data-kpi="{key}"><div class="value">([^<]*)</div>', body)
    return match.group(1) if match else ""


def test_home_dashboard_per_role(client, data):
    expected = {  # persona: (outstanding, overdue ratio, change of outstanding vs 08/2026)
        "admin": ("73.000.000 đ", "4,110%", None),  # both provinces; 79 has no August close
        "branch_staff": ("68.000.000 đ", "4,412%", "−17.000.000 đ"),
        "pgd_staff": ("68.000.000 đ", "4,412%", "−17.000.000 đ"),
        "credit_officer": ("43.000.000 đ", "6,977%", "−2.000.000 đ"),
        "province_association": ("53.000.000 đ", "5,660%", "−17.000.000 đ"),
        "commune_association": ("28.000.000 đ", "10,714%", "−2.000.000 đ"),
        "group_leader": ("28.000.000 đ", "10,714%", "−2.000.000 đ"),
        "commune_viewer": ("43.000.000 đ", "6,977%", "−2.000.000 đ"),
    }
    for persona, (outstanding, overdue_ratio, change) in expected.items():
        client.force_login(getattr(data, persona))
        response = client.get("/")
        assert response.status_code == 200, persona
        body = text(response)
        assert "<h1>Tổng quan</h1>" in body and "Phạm vi của bạn" in body
        assert kpi(body, "outstanding") == outstanding, persona
        assert kpi(body, "overdue_ratio") == overdue_ratio, persona
        if change:
            assert f'<div class="kpi-change trend-none">{change}</div>' in body, persona
        assert body.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 3
        assert "Số liệu khóa sổ cuối tháng 09/2026" in body


def test_home_without_any_close_says_so(client, world):
    client.force_login(world.branch_staff)
    body = text(client.get("/"))
    assert "Chưa có tháng nào được khóa sổ cho phạm vi này" in body
    assert '<div class="label">Xã/phường</div>' in body  # the counts stay


def test_drill_down_pages_for_the_branch(client, data):
    client.force_login(data.branch_staff)
    for url in IN_SCOPE:
        assert client.get(url).status_code == 200, url
    province = text(client.get("/dashboards/province/01/"))
    assert 'href="/dashboards/office/000101/"' in province
    assert re.search(r'<tr class="band-high"><td><a href="/dashboards/commune/00070/">', province)
    assert "Từ 2% trở lên" in province and "tạm tính" in province
    organizations = province.split('id="dash-organizations"')[1].split("</table>")[0]
    assert "77,94%" in organizations and "22,06%" in organizations
    unit = text(client.get("/dashboards/unit/11-C-00070/"))
    assert 'href="/dashboards/group/0000001/"' in unit
    group = text(client.get("/dashboards/group/0000001/"))
    assert f'href="/households/{data.household_a.customer_code}/"' in group
    assert "23.000.000 đ" in group  # household_a: 15M + 3M overdue + 5M
    crumbs = group.split('class="breadcrumbs"')[1].split("</nav>")[0]
    for link in ('href="/dashboards/province/01/"', 'href="/dashboards/office/000101/"',
                 'href="/dashboards/commune/00070/"', 'href="/dashboards/unit/11-C-00070/"'):
        assert link in crumbs


def test_children_sorted_by_get_parameter(client, data):
    client.force_login(data.pgd_staff)

    def order(query):
        body = text(client.get(f"/dashboards/office/000101/{query}"))
        table = body.split('id="dash-children"')[1].split("</table>")[0]
        return re.findall(r'<tr class="band-\w+"><td><a href="/dashboards/commune/(\d+)/"', table)

    assert order("") == ["00004", "00070"]
    assert order("?sort=-ratio") == ["00070", "00004"]
    assert order("?sort=ratio") == ["00004", "00070"]
    assert order("?sort=-outstanding") == ["00070", "00004"]
    assert order("?sort=nonsense") == ["00004", "00070"]
    body = text(client.get("/dashboards/office/000101/?sort=ratio"))
    assert 'aria-sort="ascending"><a href="?period=2026-09&sort=-ratio">' in body


def test_period_selector_and_bad_periods(client, data):
    client.force_login(data.branch_staff)
    august = text(client.get("/dashboards/province/01/?period=2026-08"))
    assert kpi(august, "outstanding") == "85.000.000 đ" and "chưa khóa sổ tháng trước" in august
    assert '<option value="2026-08" selected>08/2026</option>' in august
    refused = client.get("/dashboards/province/01/?period=2019-13")
    assert refused.status_code == 400 and "không đúng dạng YYYY-MM" in text(refused)
    not_closed = client.get("/dashboards/province/01/?period=2025-01")
    assert not_closed.status_code == 400
    assert "Chưa có số liệu khóa sổ tháng 01/2025 cho phạm vi này." in text(not_closed)


def test_out_of_scope_dashboards_answer_404_like_missing_ones(client, data):
    missing = None
    for persona in data.personas:
        client.force_login(persona)
        if persona.role == "admin":
            continue
        missing = client.get("/dashboards/group/7777777/")
        assert missing.status_code == 404
        for url in OUT_OF_SCOPE:
            url = url.format(commune_c=data.commune_c.code)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code == 404, (persona.username, method, url)
        assert stable_body(client.get("/dashboards/group/0000079/")) == stable_body(missing)


def test_each_persona_reaches_exactly_its_levels(client, data):
    reachable = {
        "admin": IN_SCOPE,
        "branch_staff": IN_SCOPE,
        "pgd_staff": IN_SCOPE[1:],
        "credit_officer": IN_SCOPE[2:],
        "province_association": IN_SCOPE,
        "commune_association": IN_SCOPE[2:],
        "commune_viewer": IN_SCOPE[2:],
        "group_leader": IN_SCOPE[4:],
    }
    for persona, urls in reachable.items():
        client.force_login(getattr(data, persona))
        for url in IN_SCOPE:
            status = client.get(url).status_code
            assert status == (200 if url in urls else 404), (persona, url, status)
        home = client.get("/dashboards/")
        assert home.status_code in (200, 302), persona


def test_compare_page(client, data):
    client.force_login(data.branch_staff)
    response = client.get("/dashboards/compare/?scope=province:01&from=2026-08&to=2026-09")
    assert response.status_code == 200
    body = text(response)
    line = body.split('data-line="outstanding"')[1].split("</tr>")[0]
    assert "85.000.000 đ" in line and "68.000.000 đ" in line and "−17.000.000 đ" in line and "−20,00%" in line
    overdue = body.split('data-measure="principal_overdue"')[1].split("</section>")[0]
    improved, worsened = overdue.split("Xấu đi nhiều nhất")
    assert 'data-code="00004"' in improved and 'data-code="00070"' in worsened
    assert client.get("/dashboards/compare/").status_code == 200  # the user's province, defaults
    refused = client.get("/dashboards/compare/?scope=province:01&from=2026-09&to=2026-08")
    assert refused.status_code == 400
    assert "Kỳ so sánh (09/2026) phải trước kỳ báo cáo (08/2026)." in text(refused)
    unknown = client.get("/dashboards/compare/?scope=province:01&from=2020-01&to=2026-09")
    assert unknown.status_code == 400 and "Chưa có số liệu khóa sổ tháng 01/2020" in text(unknown)
    assert client.get("/dashboards/compare/?scope=planet:3").status_code == 404


def test_english_page(client, data):
    client.force_login(data.branch_staff)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = text(client.get("/dashboards/province/01/"))
    assert "68,000,000 đ" in body


def test_admin_reaches_the_other_province_even_without_a_close(client, world):
    client.force_login(world.admin)
    for url in OUT_OF_SCOPE:
        response = client.get(url.format(commune_c=world.commune_c.code))
        assert response.status_code in (200, 400), url  # compare: 400 "no close yet", a clear message
        assert response.status_code == 200 or "Chưa có kỳ nào được khóa sổ" in text(response)
