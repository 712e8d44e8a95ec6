"""Pages of the bank network, villages, organizations, association units, joint agreements and contracts.

For each page: what each persona sees (exact codes), out-of-scope objects answering exactly like missing ones,
create/edit pages refused to the roles that may not write, successful POSTs (object changed, redirect, message,
AuditEvent) and refused POSTs (400, Vietnamese message, nothing changed).
"""

from functools import partial

import pytest

from tests import pages
from tests.factories import PASSWORD
from uythac.core.models import AuditEvent
from uythac.geography.models import Commune, Village
from uythac.network.models import (
    AssociationUnit,
    Branch,
    EntrustmentContract,
    JointAgreement,
    TransactionOffice,
    TransactionPoint,
)

pytestmark = pytest.mark.django_db

OUT_OF_CHOICES = "Không tìm thấy mã này, hoặc đối tượng nằm ngoài phạm vi quản lý của bạn."


def network_state() -> dict:
    """Every row these pages may write, as comparable values, plus the audit trail."""
    return {
        "villages": sorted(Village.objects.values_list("code", "name", "kind", "commune_id", "is_active")),
        "branches": sorted(Branch.objects.values_list("code", "name", "province_id", "address")),
        "offices": sorted(
            (o.code, o.name, o.branch_id, o.is_active, tuple(sorted(o.communes.values_list("code", flat=True))))
            for o in TransactionOffice.objects.all()
        ),
        "points": sorted(TransactionPoint.objects.values_list(
            "code", "name", "commune_id", "office_id", "session_day_of_month", "is_active")),
        "units": sorted(AssociationUnit.objects.values_list(
            "code", "name", "province_id", "commune_id", "parent_id", "officer_phone", "valid_to")),
        "agreements": sorted(JointAgreement.objects.values_list("pk", "number", "signed_on", "effective_from")),
        "contracts": sorted(EntrustmentContract.objects.values_list("pk", "number", "office_id", "status")),
        "audit": AuditEvent.objects.count(),
    }


def first_column(response) -> list[str]:
    return [str(row[0][0]) for row in response.context["rows"]]


def section(response, title: str) -> list[str]:
    found = [s for s in response.context["sections"] if s.title == title]
    assert found, [s.title for s in response.context["sections"]]
    return [str(row[0][0]) for row in found[0].table["rows"]]


def page_text(response) -> str:
    return response.content.decode()


refused_post = partial(pages.refused_post, state=network_state)


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


# --- lists: exactly the codes of each persona's scope ---------------------------------------------------------

VISIBLE = {
    "/branches/": {
        "admin": ["000001", "000100", "007900"], "cn_hanoi": ["000100"], "pgd_hoankiem": ["000100"],
        "cbtd_a": ["000100"], "hnd_tinh": [], "hnd_xa_a": [], "totruong_a": [], "ubnd_a": [],
    },
    "/offices/": {
        "admin": ["000101", "007901"], "cn_hanoi": ["000101"], "pgd_hoankiem": ["000101"], "cbtd_a": ["000101"],
        "hnd_tinh": ["000101"], "hnd_xa_a": ["000101"], "totruong_a": ["000101"], "ubnd_a": ["000101"],
    },
    "/points/": {
        "admin": ["TXN0001", "TXN0002", "TXN0079"], "cn_hanoi": ["TXN0001", "TXN0002"],
        "pgd_hoankiem": ["TXN0001", "TXN0002"], "cbtd_a": ["TXN0001"], "hnd_tinh": ["TXN0001", "TXN0002"],
        "hnd_xa_a": ["TXN0001"], "totruong_a": ["TXN0001"], "ubnd_a": ["TXN0001"],
    },
    "/villages/": {
        "admin": ["00004001", "00070001", "99999001"], "cn_hanoi": ["00004001", "00070001"],
        "pgd_hoankiem": ["00004001", "00070001"], "cbtd_a": ["00070001"], "hnd_tinh": ["00004001", "00070001"],
        "hnd_xa_a": ["00070001"], "totruong_a": ["00070001"], "ubnd_a": ["00070001"],
    },
    "/agreements/": {
        "admin": ["01/VBLT-HN", "05/VBLT-HCM"], "cn_hanoi": ["01/VBLT-HN"], "pgd_hoankiem": [], "cbtd_a": [],
        "hnd_tinh": ["01/VBLT-HN"], "hnd_xa_a": [], "totruong_a": [], "ubnd_a": [],
    },
    "/contracts/": {
        "admin": ["12/HĐUT", "99/HĐUT"], "cn_hanoi": ["12/HĐUT"], "pgd_hoankiem": ["12/HĐUT"], "cbtd_a": ["12/HĐUT"],
        "hnd_tinh": ["12/HĐUT"], "hnd_xa_a": ["12/HĐUT"], "totruong_a": ["12/HĐUT"], "ubnd_a": ["12/HĐUT"],
    },
}


@pytest.mark.parametrize("url", sorted(VISIBLE))
def test_list_shows_exactly_the_scope(client, world, url):
    for persona in world.personas:
        client.force_login(persona)
        response = client.get(url)
        assert response.status_code == 200
        assert sorted(first_column(response)) == VISIBLE[url][persona.username], persona.username


def test_unit_list_follows_organization_and_level_scope(client, world):
    expected = {
        "admin": 17, "cn_hanoi": 12, "pgd_hoankiem": 8, "cbtd_a": 4, "hnd_tinh": 3, "hnd_xa_a": 1,
        "totruong_a": 1, "ubnd_a": 4,
    }
    for persona in world.personas:
        client.force_login(persona)
        assert len(first_column(client.get("/units/"))) == expected[persona.username], persona.username
    client.force_login(world.province_association)
    assert sorted(first_column(client.get("/units/"))) == ["11-C-00004", "11-C-00070", "11-P-01"]


def test_list_search_ignores_diacritics(client, world):
    client.force_login(world.pgd_staff)
    assert first_column(client.get("/points/?q=diem gd ba dinh")) == ["TXN0002"]
    assert first_column(client.get("/villages/?q=to dan pho so 7")) == ["00004001"]
    assert first_column(client.get("/villages/?q=0007")) == ["00070001"]
    assert first_column(client.get("/offices/?q=hoan kiem")) == ["000101"]
    assert first_column(client.get("/contracts/?q=12/HĐ")) == ["12/HĐUT"]


def test_organizations_are_reference_data_with_units_counted_in_scope(client, world):
    client.force_login(world.commune_association)
    response = client.get("/organizations/")
    assert first_column(response) == ["11", "12", "13", "14"]
    assert [row[3][0] for row in response.context["rows"]] == [1, 0, 0, 0]
    detail = client.get("/organizations/11/")
    assert detail.status_code == 200
    assert section(detail, "Đơn vị hội trong phạm vi của bạn") == ["11-C-00070"]
    assert client.get("/organizations/99/").status_code == 404


# --- detail pages: content, navigation, 404 identical to missing -----------------------------------------------

def out_of_scope_urls(w):
    return {
        f"/branches/{w.other_branch.code}/": "/branches/999999/",
        f"/offices/{w.other_office.code}/": "/offices/999999/",
        f"/points/{w.point_c.code}/": "/points/TXN9999/",
        f"/villages/{w.village_c.code}/": "/villages/99999999/",
        f"/units/{w.unit_c['11'].code}/": "/units/11-C-99999/",
        f"/agreements/{w.other_agreement.pk}/": "/agreements/987654/",
        f"/contracts/{w.other_contract.pk}/": "/contracts/987654/",
    }


def test_out_of_scope_detail_and_edit_pages_answer_exactly_like_missing(client, world):
    checked = 0
    for persona in world.personas[1:]:
        client.force_login(persona)
        for url, missing_url in out_of_scope_urls(world).items():
            for suffix in ("", "edit/"):
                response = client.get(url + suffix)
                missing = client.get(missing_url + suffix)
                assert response.status_code == missing.status_code == 404, (persona.username, url + suffix)
                assert pages.stable_body(response) == pages.stable_body(missing)
                checked += 1
    assert checked == 7 * 7 * 2


def test_history_of_out_of_scope_network_objects_answers_404(client, world):
    targets = [("branch", world.other_branch.code), ("transactionoffice", world.other_office.code),
               ("jointagreement", world.other_agreement.pk), ("entrustmentcontract", world.other_contract.pk),
               ("associationunit", world.unit_c["11"].code), ("village", world.village_c.code)]
    for persona in world.personas[1:]:
        client.force_login(persona)
        for object_type, key in targets:
            assert client.get(f"/audit/{object_type}/{key}/").status_code == 404, (persona.username, object_type)
    client.force_login(world.admin)
    for object_type, key in targets:
        assert client.get(f"/audit/{object_type}/{key}/").status_code == 200, object_type


def test_admin_reaches_out_of_province_objects(client, world):
    client.force_login(world.admin)
    for url in out_of_scope_urls(world):
        assert client.get(url).status_code == 200, url


def test_office_page_lists_served_communes_points_and_contracts(client, world):
    client.force_login(world.pgd_staff)
    response = client.get("/offices/000101/")
    assert response.status_code == 200
    assert section(response, "Xã/phường phục vụ") == ["00004", "00070"]  # ordered by name: Ba Đình, Hoàn Kiếm
    assert section(response, "Điểm giao dịch") == ["TXN0001", "TXN0002"]
    assert section(response, "Hợp đồng ủy thác") == ["12/HĐUT"]
    body = page_text(response)
    assert "ngày 12 hằng tháng" in body and "ngày 15 hằng tháng" in body
    assert 'href="/audit/transactionoffice/000101/"' in body
    assert 'href="/offices/000101/edit/"' not in body  # PGD staff may not edit the PGD
    assert 'href="/points/new/?office=000101"' in body
    client.force_login(world.credit_officer)
    assert section(client.get("/offices/000101/"), "Xã/phường phục vụ") == ["00070"]
    client.force_login(world.branch_staff)
    assert 'href="/offices/000101/edit/"' in page_text(client.get("/offices/000101/"))


def test_breadcrumbs_chain_province_to_office_to_commune_by_following_links(client, world):
    client.force_login(world.pgd_staff)
    province_page = page_text(client.get("/provinces/01/"))
    assert 'href="/offices/000101/"' in province_page
    office = client.get("/offices/000101/")
    assert [c.url for c in office.context["breadcrumbs"]] == ["/provinces/", "/provinces/01/", "/offices/000101/"]
    assert 'href="/communes/00070/"' in page_text(office)
    commune = client.get("/communes/00070/")
    assert commune.status_code == 200 and world.commune_a.name in page_text(commune)
    assert 'href="/points/TXN0001/"' in page_text(commune)
    point = client.get("/points/TXN0001/")
    assert [c.url for c in point.context["breadcrumbs"]] == [
        "/provinces/", "/provinces/01/", "/communes/00070/", "/points/TXN0001/"
    ]
    assert 'href="/offices/000101/"' in page_text(point)
    assert section(point, "Tổ TK&VV giao dịch tại điểm") == ["0000001", "0000002"]
    assert 'href="/groups/0000001/"' in page_text(point)


def test_association_chain_unit_to_group_and_parent(client, world):
    client.force_login(world.province_association)
    province_unit = client.get("/units/11-P-01/")
    assert province_unit.status_code == 200
    assert section(province_unit, "Văn bản liên tịch / thỏa thuận") == ["01/VBLT-HN"]
    commune_unit = client.get("/units/11-C-00070/")
    assert [c.url for c in commune_unit.context["breadcrumbs"]] == [
        "/provinces/", "/provinces/01/", "/communes/00070/", "/units/11-C-00070/"
    ]
    assert section(commune_unit, "Tổ TK&VV do đơn vị quản lý") == ["0000001"]
    assert section(commune_unit, "Hợp đồng ủy thác (HĐUT)") == ["12/HĐUT"]
    body = page_text(commune_unit)
    assert 'href="/groups/0000001/"' in body and 'href="/audit/associationunit/11-C-00070/"' in body
    assert 'href="/units/11-C-00070/edit/"' in body  # province officer of organization 11


def test_village_page_lists_groups_and_households(client, world):
    client.force_login(world.credit_officer)
    response = client.get("/villages/00070001/")
    assert response.status_code == 200
    assert section(response, "Tổ TK&VV của thôn") == ["0000001", "0000002"]
    households = section(response, "Hộ gia đình trong thôn")
    assert len(households) == 11 and world.household_a.customer_code in households
    assert [c.url for c in response.context["breadcrumbs"]][-2:] == ["/communes/00070/", "/villages/00070001/"]
    assert 'href="/villages/new/?commune=00070"' in page_text(response)
    client.force_login(world.commune_association)  # organization 11: its members and households without a group
    assert section(client.get("/villages/00070001/"), "Tổ TK&VV của thôn") == ["0000001"]


def test_agreement_and_contract_pages(client, world):
    client.force_login(world.branch_staff)
    agreement = client.get(f"/agreements/{world.agreement.pk}/")
    body = page_text(agreement)
    assert "01/VBLT-HN" in body and "Nguyễn Văn Giám" in body and "01/03/2021" in body
    assert f'href="/audit/jointagreement/{world.agreement.pk}/"' in body
    contract = client.get(f"/contracts/{world.contract_a.pk}/")
    body = page_text(contract)
    assert "Đỗ Văn Xã" in body and "05/01/2022" in body and "Đang hiệu lực" in body
    assert [c.url for c in contract.context["breadcrumbs"]][-2:] == [
        "/units/11-C-00070/", f"/contracts/{world.contract_a.pk}/"
    ]
    client.force_login(world.commune_viewer)
    body = page_text(client.get(f"/contracts/{world.contract_a.pk}/"))
    assert f'href="/contracts/{world.contract_a.pk}/edit/"' not in body


# --- who may open the create and edit pages ------------------------------------------------------------------

CREATE_ALLOWED = {
    "/branches/new/": {"admin"},
    "/offices/new/?branch=000100": {"admin", "cn_hanoi"},
    "/points/new/": {"admin", "cn_hanoi", "pgd_hoankiem", "cbtd_a"},
    "/villages/new/": {"admin", "cn_hanoi", "pgd_hoankiem", "cbtd_a"},
    "/units/new/": {"admin", "cn_hanoi", "hnd_tinh"},
    "/agreements/new/": {"admin", "cn_hanoi", "hnd_tinh"},
    "/contracts/new/": {"admin", "cn_hanoi", "pgd_hoankiem", "cbtd_a"},
}


@pytest.mark.parametrize("url", sorted(CREATE_ALLOWED))
def test_create_pages_are_refused_to_roles_that_may_not_write(client, world, url):
    for persona in world.personas:
        client.force_login(persona)
        before = network_state()
        expected = 200 if persona.username in CREATE_ALLOWED[url] else 403
        assert client.get(url).status_code == expected, persona.username
        if expected == 403:
            assert client.post(url, {"code": "00070099", "name": "X"}).status_code == 403
        assert network_state() == before


def edit_statuses(w) -> dict:
    """Edit pages of in-scope objects: 200 for writers, 403 when visible but read-only, 404 when not visible."""
    return {
        "/branches/000100/edit/": {"admin": 200, "cn_hanoi": 403, "pgd_hoankiem": 403, "cbtd_a": 403},
        "/offices/000101/edit/": {"admin": 200, "cn_hanoi": 200},
        "/points/TXN0001/edit/": {"admin": 200, "cn_hanoi": 200, "pgd_hoankiem": 200, "cbtd_a": 200},
        "/villages/00070001/edit/": {"admin": 200, "cn_hanoi": 200, "pgd_hoankiem": 200, "cbtd_a": 200},
        "/units/11-C-00070/edit/": {"admin": 200, "cn_hanoi": 200, "hnd_tinh": 200},
        f"/agreements/{w.agreement.pk}/edit/": {"admin": 200, "cn_hanoi": 200, "hnd_tinh": 200,
                                                "pgd_hoankiem": 404, "cbtd_a": 404, "hnd_xa_a": 404,
                                                "totruong_a": 404, "ubnd_a": 404},
        f"/contracts/{w.contract_a.pk}/edit/": {"admin": 200, "cn_hanoi": 200, "pgd_hoankiem": 200, "cbtd_a": 200},
    }


def test_edit_pages_answer_by_role(client, world):
    hidden_branch = {"hnd_tinh", "hnd_xa_a", "totruong_a", "ubnd_a"}
    for url, allowed in edit_statuses(world).items():
        for persona in world.personas:
            default = 404 if url.startswith("/branches/") and persona.username in hidden_branch else 403
            expected = allowed.get(persona.username, default)
            client.force_login(persona)
            assert client.get(url).status_code == expected, (url, persona.username)


# --- villages: create with the commune preselected, edit, refusals ------------------------------------------------

def village_data(**overrides):
    data = {"code": "00070002", "name": "Tổ dân phố số 2", "kind": "TDP", "commune": "00070", "legacy_commune": "",
            "is_active": "on"}
    data.update(overrides)
    return data


def test_add_village_from_commune_link_preselects_commune(client, world):
    client.force_login(world.credit_officer)
    form = client.get("/villages/new/?commune=000070").context["form"]
    assert form.initial["commune"] == world.commune_a
    response = client.post("/villages/new/?commune=00070", village_data(), follow=True)
    assert response.redirect_chain == [("/villages/00070002/", 302)]
    assert "Đã thêm thôn." in page_text(response)
    village = Village.objects.get(code="00070002")
    assert (village.name, village.kind, village.commune, village.is_active) == (
        "Tổ dân phố số 2", "TDP", world.commune_a, True
    )
    event = last_event("village_create")
    assert (event.actor, event.object_key, event.after["name"]) == (world.credit_officer, "00070002", "Tổ dân phố số 2")


def test_village_refusals_change_nothing(client, world):
    client.force_login(world.credit_officer)
    refused_post(client, "/villages/new/", village_data(code="700021"), "Mã thôn phải gồm đúng 8 chữ số.")
    refused_post(client, "/villages/new/", village_data(code="00070001"), "Mã thôn 00070001 đã tồn tại.")
    # commune B is outside the credit officer's communes: not a choice, refused like an unknown code
    refused_post(client, "/villages/new/", village_data(commune="00004"),
                 OUT_OF_CHOICES)
    refused_post(client, "/villages/new/", village_data(legacy_commune="99998"), "Không có xã cũ mã 99998.")


def test_edit_village(client, world):
    client.force_login(world.pgd_staff)
    assert client.get("/villages/00070001/edit/").context["form"]["name"].value() == "Tổ dân phố số 1"
    data = village_data(name="Tổ dân phố Hàng Bạc")
    del data["code"]
    response = client.post("/villages/00070001/edit/", data)
    assert response.status_code == 302 and response["Location"] == "/villages/00070001/"
    world.village_a.refresh_from_db()
    assert world.village_a.name == "Tổ dân phố Hàng Bạc"
    event = last_event("village_update")
    assert (event.before["name"], event.after["name"]) == ("Tổ dân phố số 1", "Tổ dân phố Hàng Bạc")
    history = page_text(client.get("/audit/village/00070001/"))
    assert "village_update" in history and "Tổ dân phố Hàng Bạc" in history
    # moving a village that has households to another commune is refused
    refused_post(client, "/villages/00070001/edit/", {**data, "commune": "00004"},
                 "Không thể chuyển thôn Tổ dân phố Hàng Bạc sang xã khác vì thôn còn hộ hoặc tổ TK&amp;VV.")


# --- branches and PGDs ------------------------------------------------------------------------------------------

def test_admin_creates_and_edits_branch(client, world):
    client.force_login(world.admin)
    province = "04"  # Cao Bằng: no branch yet in the test world
    response = client.post("/branches/new/", {"code": "000400", "name": "Chi nhánh Cao Bằng", "province": province,
                                              "address": "Số 1 Hoàng Đình Giong"})
    assert response.status_code == 302 and response["Location"] == "/branches/000400/"
    branch = Branch.objects.get(code="000400")
    assert (branch.province.code, branch.level) == ("04", "BRANCH")
    assert last_event("branch_create").actor == world.admin
    refused_post(client, "/branches/new/", {"code": "000401", "name": "Trùng", "province": "01"},
                 "mỗi tỉnh chỉ có một chi nhánh.")
    refused_post(client, "/branches/new/", {"code": "101", "name": "Sai mã", "province": "08"},
                 "Mã chi nhánh phải gồm đúng 6 chữ số.")
    response = client.post("/branches/000400/edit/", {"name": "Chi nhánh tỉnh Cao Bằng", "province": "04",
                                                      "address": ""})
    assert response.status_code == 302
    branch.refresh_from_db()
    assert (branch.name, branch.address) == ("Chi nhánh tỉnh Cao Bằng", "")


def test_office_create_limits_communes_to_branch_province(client, world):
    client.force_login(world.branch_staff)
    form = client.get("/offices/new/").context["form"]  # branch staff see one branch: chosen for them
    assert set(form.fields["communes"].queryset.values_list("province__code", flat=True)) == {"01"}
    other_commune = Commune.objects.filter(province=world.province).exclude(
        pk__in=[world.commune_a.pk, world.commune_b.pk]).order_by("code").first()
    response = client.post("/offices/new/?branch=000100", {
        "code": "000102", "name": "PGD Ba Vì", "communes": [other_commune.code], "address": "", "is_active": "on",
    }, follow=True)
    assert response.redirect_chain == [("/offices/000102/", 302)]
    assert "Đã thêm phòng giao dịch." in page_text(response)
    office = TransactionOffice.objects.get(code="000102")
    assert (office.branch, list(office.communes.values_list("code", flat=True))) == (
        world.branch, [other_commune.code]
    )
    assert last_event("office_create").after["communes"] == [other_commune.code]
    refused_post(client, "/offices/new/?branch=000100", {"code": "000101", "name": "PGD trùng mã", "communes": []},
                 "Mã 000101 đã được dùng cho một chi nhánh hoặc PGD.")
    refused_post(client, "/offices/new/?branch=000100",
                 {"code": "000103", "name": "PGD Quận 1 (2)", "communes": [world.commune_c.code]},
                 f"Mã {world.commune_c.code} không tồn tại hoặc nằm ngoài phạm vi quản lý của bạn.")


def test_admin_without_branch_is_sent_to_choose_one(client, world):
    client.force_login(world.admin)
    response = client.get("/offices/new/", follow=True)
    assert response.redirect_chain == [("/branches/", 302)]
    assert "Chọn chi nhánh" in page_text(response)


def test_office_edit_keeps_points_attached(client, world):
    client.force_login(world.branch_staff)
    data = {"name": "PGD Hoàn Kiếm", "communes": ["00070"], "address": "", "is_active": "on"}
    refused_post(client, "/offices/000101/edit/", data,
                 "Không thể bỏ Phường Ba Đình khỏi PGD vì PGD còn điểm giao dịch TXN0002 tại xã này.")
    response = client.post("/offices/000101/edit/", {**data, "communes": ["00070", "00004"],
                                                     "address": "14 Lê Thái Tổ"})
    assert response.status_code == 302
    world.office.refresh_from_db()
    assert world.office.address == "14 Lê Thái Tổ"
    event = last_event("office_update")
    assert (event.before["address"], event.after["address"]) == ("", "14 Lê Thái Tổ")


# --- transaction points ---------------------------------------------------------------------------------------

def point_data(**overrides):
    data = {"code": "TXN0100", "name": "Điểm GD Hoàn Kiếm 2", "office": "000101", "commune": "00070",
            "session_day_of_month": "20", "location": "Nhà văn hóa", "legacy_commune": "", "is_active": "on"}
    data.update(overrides)
    return data


def test_pgd_staff_creates_point_with_session_day(client, world):
    client.force_login(world.pgd_staff)
    form = client.get("/points/new/?office=000101&commune=00004").context["form"]
    assert (form.initial["office"], form.initial["commune"]) == (world.office, world.commune_b)
    response = client.post("/points/new/", point_data(), follow=True)
    assert response.redirect_chain == [("/points/TXN0100/", 302)]
    body = page_text(response)
    assert "Đã thêm điểm giao dịch." in body and "ngày 20 hằng tháng" in body
    point = TransactionPoint.objects.get(code="TXN0100")
    assert (point.commune, point.office, point.session_day_of_month) == (world.commune_a, world.office, 20)
    assert last_event("point_create").actor == world.pgd_staff


def test_point_refusals_change_nothing(client, world):
    client.force_login(world.pgd_staff)
    refused_post(client, "/points/new/", point_data(session_day_of_month="32"),
                 "Ngày giao dịch cố định phải là một ngày từ 1 đến 31 trong tháng.")
    refused_post(client, "/points/new/", point_data(code="DGD01"), "Mã điểm giao dịch phải bắt đầu bằng TXN")
    refused_post(client, "/points/new/", point_data(code="TXN0001"), "Mã điểm giao dịch TXN0001 đã tồn tại.")
    refused_post(client, "/points/new/", point_data(office="007901"),
                 OUT_OF_CHOICES)


def test_edit_point_session_day(client, world):
    client.force_login(world.credit_officer)
    data = point_data(session_day_of_month="25")
    del data["code"]
    response = client.post("/points/TXN0001/edit/", data)
    assert response.status_code == 302 and response["Location"] == "/points/TXN0001/"
    world.point_a.refresh_from_db()
    assert world.point_a.session_day_of_month == 25
    event = last_event("point_update")
    assert (event.before["session_day_of_month"], event.after["session_day_of_month"]) == (12, 25)
    refused_post(client, "/points/TXN0001/edit/", {**data, "commune": "00004"},
                 OUT_OF_CHOICES)


# --- association units --------------------------------------------------------------------------------------

def unit_data(commune, **overrides):
    data = {"code": f"11-C-{commune.code}", "organization": "11", "level": "COMMUNE",
            "name": f"Hội Nông dân {commune.name}", "province": "", "commune": commune.code, "legacy_district": "",
            "parent": "11-P-01", "valid_from": "01/07/2025", "valid_to": "", "officer_name": "Lê Văn Hội",
            "officer_phone": "0912 345 678"}
    data.update(overrides)
    return data


def test_province_officer_adds_commune_unit_under_province_unit(client, world):
    commune = Commune.objects.filter(province=world.province).exclude(
        pk__in=[world.commune_a.pk, world.commune_b.pk]).order_by("code").first()
    client.force_login(world.province_association)
    form = client.get("/units/new/?parent=11-P-01").context["form"]
    assert (form.initial["organization"].code, form.initial["level"]) == ("11", "COMMUNE")
    assert list(form.fields["organization"].queryset.values_list("code", flat=True)) == ["11"]
    response = client.post("/units/new/", unit_data(commune), follow=True)
    assert response.redirect_chain == [(f"/units/11-C-{commune.code}/", 302)]
    unit = AssociationUnit.objects.get(code=f"11-C-{commune.code}")
    assert (unit.province, unit.commune, unit.parent, unit.officer_phone) == (
        world.province, commune, world.province_unit["11"], "0912345678"
    )
    assert str(unit.valid_from) == "2025-07-01"
    assert last_event("unit_create").actor == world.province_association
    assert section(client.get("/units/11-P-01/"), "Đơn vị cấp dưới") == [f"11-C-{commune.code}"]


def test_unit_refusals_change_nothing(client, world):
    client.force_login(world.province_association)
    refused_post(client, "/units/new/", unit_data(world.commune_a, code="11-C-X"),
                 "Hội Nông dân Việt Nam đã có đơn vị cấp xã đang hoạt động ở đây")
    refused_post(client, "/units/new/", unit_data(world.commune_a, code="12-C-X", organization="12"),
                 OUT_OF_CHOICES)
    refused_post(client, "/units/new/", unit_data(world.commune_a, code="11-C-X", valid_from="31/02/2025"),
                 "Nhập một ngày hợp lệ.")


def test_edit_unit_refuses_bad_phone_and_saves_officer(client, world):
    client.force_login(world.branch_staff)
    data = unit_data(world.commune_a, name="HND Phường Hoàn Kiếm", officer_phone="12345")
    for fixed in ("code", "organization", "level"):
        del data[fixed]
    refused_post(client, "/units/11-C-00070/edit/", data, "Số điện thoại 12345 không hợp lệ")
    response = client.post("/units/11-C-00070/edit/", {**data, "officer_phone": "+84 912 345 678"})
    assert response.status_code == 302
    unit = AssociationUnit.objects.get(code="11-C-00070")
    assert (unit.name, unit.officer_phone, unit.parent) == (
        "HND Phường Hoàn Kiếm", "0912345678", world.province_unit["11"]
    )
    assert last_event("unit_update").after["officer_phone"] == "0912345678"


# --- joint agreements and entrustment contracts ---------------------------------------------------------------

def document_data(**overrides):
    data = {"number": "02/VBLT-HN", "signed_on": "15/03/2024", "effective_from": "15/03/2024", "effective_to": "",
            "status": "ACTIVE", "bank_signatory": "Nguyễn Văn Giám", "association_signatory": "Trần Thị Hội",
            "note": ""}
    data.update(overrides)
    return data


def test_province_officer_records_joint_agreement(client, world):
    client.force_login(world.province_association)
    form = client.get("/agreements/new/?unit=11-P-01").context["form"]
    assert (form.initial["association_unit"], form.initial["branch"]) == (world.province_unit["11"], world.branch)
    response = client.post("/agreements/new/", document_data(branch="000100", association_unit="11-P-01"),
                           follow=True)
    agreement = JointAgreement.objects.get(number="02/VBLT-HN")
    assert response.redirect_chain == [(f"/agreements/{agreement.pk}/", 302)]
    assert "Đã thêm văn bản liên tịch." in page_text(response)
    assert (agreement.branch, agreement.association_unit, str(agreement.signed_on)) == (
        world.branch, world.province_unit["11"], "2024-03-15"
    )
    assert last_event("joint_agreement_create").object_key == str(agreement.pk)


def test_agreement_refusals_and_edit(client, world):
    client.force_login(world.branch_staff)
    base = document_data(branch="000100", association_unit="11-P-01")
    refused_post(client, "/agreements/new/", {**base, "effective_from": "01/03/2024"},
                 "Ngày hiệu lực (01/03/2024) không được trước ngày ký (15/03/2024).")
    refused_post(client, "/agreements/new/", {**base, "number": "01/VBLT-HN"}, "Chi nhánh đã có văn bản số 01/VBLT-HN.")
    refused_post(client, "/agreements/new/", {**base, "association_unit": "11-C-00070"},
                 OUT_OF_CHOICES)
    url = f"/agreements/{world.agreement.pk}/edit/"
    response = client.post(url, {**base, "number": "01/VBLT-HN", "signed_on": "01/03/2021",
                                 "effective_from": "01/03/2021", "effective_to": "28/02/2026"})
    assert response.status_code == 302
    world.agreement.refresh_from_db()
    assert str(world.agreement.effective_to) == "2026-02-28"
    assert last_event("joint_agreement_update").before["effective_to"] is None


def test_pgd_staff_records_and_edits_contract(client, world):
    client.force_login(world.pgd_staff)
    form = client.get("/contracts/new/?unit=12-C-00004").context["form"]
    assert (form.initial["association_unit"], form.initial["office"]) == (world.unit_b["12"], world.office)
    data = document_data(number="13/HĐUT", office="000101", association_unit="12-C-00004",
                         association_signatory="Phạm Thị Hà")
    response = client.post("/contracts/new/", data, follow=True)
    contract = EntrustmentContract.objects.get(number="13/HĐUT")
    assert response.redirect_chain == [(f"/contracts/{contract.pk}/", 302)]
    assert "Đã thêm hợp đồng ủy thác." in page_text(response)
    assert (contract.office, contract.association_unit, contract.status) == (world.office, world.unit_b["12"],
                                                                             "ACTIVE")
    refused_post(client, "/contracts/new/", {**data, "number": "12/HĐUT", "association_unit": "11-C-00070"},
                 "PGD đã có hợp đồng số 12/HĐUT.")
    refused_post(client, "/contracts/new/", {**data, "number": "14/HĐUT", "association_unit": "11-P-01"},
                 OUT_OF_CHOICES)
    response = client.post(f"/contracts/{contract.pk}/edit/", {**data, "status": "TERMINATED"})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == "TERMINATED"
    event = last_event("entrustment_contract_update")
    assert (event.before["status"], event.after["status"]) == ("ACTIVE", "TERMINATED")


def test_login_and_walk_from_province_to_commune_as_real_user(client, world):
    """The navigation chain works with a real session too (not only force_login)."""
    assert client.login(username=world.branch_staff.username, password=PASSWORD)
    office_url = "/offices/000101/"
    assert office_url in page_text(client.get("/provinces/01/"))
    assert "/communes/00004/" in page_text(client.get(office_url))
    assert client.get("/communes/00004/").status_code == 200
