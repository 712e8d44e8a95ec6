"""Inspection pages: scoped list with exact counts, worklist, record form (prefilled, refusals), detail, correction,
coverage and counts; out-of-scope records answer 404 exactly like missing ones."""

import pytest

from tests.inspections.support import D, ensure_inspection_rules, inspect_group, inspect_loan, out_of_scope_inspection
from tests.pages import assert_out_of_scope_like_missing, dmy, refused_post, text, today
from uythac.inspections.models import Inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world):
    ensure_inspection_rules()
    return world


def _state():
    return list(Inspection.objects.order_by("id").values())


def test_the_list_shows_only_the_records_in_scope(pw, client):
    inspect_group(pw.group_a, on=D(2026, 3, 2))
    inspect_group(pw.group_a_women, on=D(2026, 3, 3))
    inspect_group(pw.group_b, on=D(2026, 3, 4))
    out_of_scope_inspection(pw)
    expected = {"admin": 4, "cn_hanoi": 3, "pgd_hoankiem": 3, "cbtd_a": 2, "hnd_tinh": 2, "hnd_xa_a": 1,
                "totruong_a": 1, "ubnd_a": 2}
    for persona in pw.personas:
        client.force_login(persona)
        response = client.get("/inspections/")
        assert response.status_code == 200
        assert f"{expected[persona.username]} kết quả" in text(response), persona.username
    client.force_login(pw.admin)
    assert "1 kết quả" in text(client.get("/inspections/?organization=12"))
    assert "2 kết quả" in text(client.get("/inspections/?commune=00070"))
    assert "0 kết quả" in text(client.get("/inspections/?period=2026-04"))
    assert "4 kết quả" in text(client.get("/inspections/?period=03/2026"))


def test_out_of_scope_records_answer_like_missing_ones(pw, client):
    # A key of six digits, like the missing one, so that only the key differs between the two pages.
    Inspection.objects.filter(pk=out_of_scope_inspection(pw).pk).update(id=987654)
    assert_out_of_scope_like_missing(client, pw.personas, base="/inspections/", outside="987654",
                                     missing="999999", pages=["", "correct/"])


def test_a_commune_association_officer_records_from_the_worklist(pw, client):
    client.force_login(pw.commune_association)
    worklist = client.get("/inspections/worklist/?kind=ANNUAL_GROUP")
    body = text(worklist)
    # Only its own organization's group of its commune (0000001); founded 2015, never inspected.
    assert "1 mục tiêu" in body and "0000001" in body and "0000002" not in body
    form = client.get("/inspections/new/?subject_kind=GROUP&subject=0000001&reason=ANNUAL_GROUP")
    assert form.status_code == 200 and 'value="0000001"' in form.content.decode()
    response = client.post("/inspections/new/", {
        "subject_kind": "GROUP", "subject": "0000001", "level": "ASSOC_COMMUNE", "inspected_on": dmy(today()),
        "reason": "ANNUAL_GROUP", "inspector_name": "Đoàn HND xã", "use_of_funds": "NOT_CHECKED",
        "findings": "Tổ hoạt động tốt",
    })
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/{inspection.pk}/"
    assert (inspection.organization.code, inspection.entered_on) == ("11", today())
    assert "0 mục tiêu" in text(client.get("/inspections/worklist/?kind=ANNUAL_GROUP"))
    detail = text(client.get(f"/inspections/{inspection.pk}/"))
    assert "Tổ hoạt động tốt" in detail and "Sửa kết quả" in detail
    group_page = client.get("/groups/0000001/")
    assert group_page.status_code == 200


def test_refused_records_show_the_message_and_change_nothing(pw, client):
    client.force_login(pw.commune_association)
    base = {"subject_kind": "GROUP", "subject": "0000079", "level": "ASSOC_COMMUNE", "inspected_on": "01/10/2026",
            "reason": "ANNUAL_GROUP", "inspector_name": "Đoàn", "use_of_funds": "NOT_CHECKED"}
    refused_post(client, "/inspections/new/", base, "Không tìm thấy tổ TK&amp;VV «0000079»", state=_state)
    refused_post(client, "/inspections/new/", {**base, "subject": "0000001", "inspected_on": "01/01/2099"},
                 "không được sau ngày hôm nay", state=_state)


def test_read_only_and_leaders_cannot_open_the_form(pw, client):
    for persona in (pw.commune_viewer, pw.group_leader):
        client.force_login(persona)
        assert client.get("/inspections/new/").status_code == 403
        assert client.post("/inspections/new/", {}).status_code == 403


def test_correction_page(pw, client):
    inspection = inspect_group(pw.group_a, on=D(2026, 10, 1), entered=today())
    client.force_login(pw.commune_association)
    response = client.post(f"/inspections/{inspection.pk}/correct/", {
        "inspected_on": "02/10/2026", "reason": "ANNUAL_GROUP", "inspector_name": "Đoàn HND xã",
        "use_of_funds": "NOT_CHECKED", "findings": "Bổ sung", "note": "Sai ngày",
    })
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.inspected_on, inspection.findings, inspection.correction_count) == (D(2026, 10, 2), "Bổ sung", 1)
    assert "Sai ngày" in text(client.get(f"/inspections/{inspection.pk}/"))
    client.force_login(pw.commune_viewer)
    assert client.get(f"/inspections/{inspection.pk}/correct/").status_code == 403


def test_coverage_and_counts_pages(pw, client):
    from tests.closing.support import ensure_closing_reference_data
    from tests.loans.support import make_poor

    ensure_closing_reference_data()
    make_poor(pw.household_a, 2026)
    make_poor(pw.household_b, 2026)
    from tests.inspections.support import loan

    one = loan(pw, pw.household_a, pw.group_a, D(2026, 8, 5))
    loan(pw, pw.household_b, pw.group_b, D(2026, 8, 10))
    inspect_loan(one, on=D(2026, 8, 20))
    client.force_login(pw.branch_staff)
    body = text(client.get("/inspections/coverage/?period=2026-09&by=organization"))
    assert "tạm tính" in body
    # Farmers' Union, post-disbursement: two loans due in September (deadlines 04/09 and 09/09), one checked in
    # time → 50,00 %.
    assert "<td>50,00</td>" in body
    counts = text(client.get("/inspections/counts/?date_from=01/01/2026&date_to=31/12/2026"))
    assert "Tổng cộng" in counts and "Hội cấp xã" in counts
    client.force_login(pw.commune_association)
    assert client.get("/inspections/coverage/?period=2026-09&by=unit").status_code == 200
    assert client.get("/inspections/coverage/?period=bad").status_code == 200


def test_the_administrator_opens_any_record(pw, client):
    outside = out_of_scope_inspection(pw)
    client.force_login(pw.admin)
    assert client.get(f"/inspections/{outside.pk}/").status_code == 200
    assert client.get(f"/inspections/{outside.pk}/correct/").status_code == 200


def test_the_group_page_snippet(pw):
    from django.template.loader import render_to_string

    from uythac.web.pages.inspections import inspection_related_for

    inspect_group(pw.group_a, on=D(2026, 5, 4))
    html = render_to_string("web/inspection_related.html",
                            {"related": inspection_related_for(pw.commune_association, group=pw.group_a)})
    assert "04/05/2026" in html and "subject=0000001" in html and "Ghi kết quả kiểm tra tổ" in html
    html = render_to_string("web/inspection_related.html",
                            {"related": inspection_related_for(pw.commune_viewer, group=pw.group_a)})
    assert "04/05/2026" in html and "Ghi kết quả kiểm tra tổ" not in html
