"""Credit program pages: public reference data for every signed-in user; recording decisions for administrators.

"Today" is frozen at 15/01/2026: after the cut of 01/12/2025 and after the storm relief ended on 31/12/2025.
"""

import datetime as dt

import pytest
import time_machine

from tests.programs.helpers import D, dec, program_state
from uythac.core.models import AuditEvent
from uythac.programs.models import ProgramLimit, ProgramRate

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def text(response) -> str:
    return response.content.decode()


def row_of(response, code: str) -> dict:
    return next(row for row in response.context["rows"] if row["program"].code == code)


def test_every_persona_sees_the_program_list(world, client):
    for persona in world.personas:
        client.force_login(persona)
        response = client.get("/programs/")
        assert response.status_code == 200, persona.username
        assert [row["program"].code for row in response.context["rows"]] == [
            "01", "02", "03", "04", "06", "07", "09", "10", "12", "15", "17", "19", "21", "25", "26", "99",
        ]
        assert 'href="/programs/"' in text(response)  # the "Danh mục khác" menu link


def test_list_shows_current_rates_channel_and_provisional_badges(world, client):
    client.force_login(world.commune_viewer)
    response = client.get("/programs/")
    poor = row_of(response, "01")
    assert [(r["annual"], r["monthly"], r["provisional"]) for r in poor["rates"]] == [("6,24", "0,52", False)]
    assert poor["channel"] == "Ủy thác qua tổ TK&VV"
    job = row_of(response, "03")
    assert [(r["category"].code if r["category"] else None, r["annual"], r["provisional"]) for r in job["rates"]] == [
        (None, "7,488", False), ("PRIORITY", "3,744", True),
    ]
    assert row_of(response, "12")["rates"] == []  # from 01/12/2025 not known
    assert row_of(response, "17")["channel"] == ""
    body = text(response)
    assert "6,24%/năm" in body and "Chưa cấu hình (chưa rõ)" in body and "tạm tính" in body


def test_detail_shows_history_overrides_and_limits_with_sources(world, client):
    client.force_login(world.group_leader)
    response = client.get("/programs/01/")
    assert response.status_code == 200
    rates = response.context["rates"]
    assert [(r["annual"], r["monthly"], r["from"], r["to"], r["confidence"]["code"]) for r in rates] == [
        ("6,6", "0,55", D(2019, 1, 1), D(2025, 11, 30), "M"), ("6,24", "0,52", D(2025, 12, 1), None, "H"),
    ]
    assert all("2553/QĐ-TTg" in r["source"] for r in rates)
    overrides = response.context["overrides"]
    assert [o["legal_basis"] for o in overrides] == [
        "QĐ 2654/QĐ-TTg (ký 04/12/2025)", "NQ 380/NQ-CP (25/11/2025); QĐ 2731/QĐ-TTg (16/12/2025)",
    ]
    assert overrides[0]["change"] == "−2 điểm %/năm"
    assert overrides[0]["combination_confidence"]["code"] == "L"
    assert "Quảng Ngãi" in overrides[0]["provinces"] and "Khánh Hòa" in overrides[1]["provinces"]
    limits = {(r["kind"], r["value"]) for r in response.context["limits"]}
    assert ("Mức cho vay tối đa/hộ", "100.000.000 đ") in limits
    assert ("Thời hạn cho vay tối đa", "120 tháng") in limits
    assert ("Gia hạn tối đa (trung, dài hạn) theo % thời hạn", "50%") in limits
    assert ("Lưu vụ", "Được lưu vụ (theo lãi suất hiện hành)") in limits
    assert [r["rule"] for r in response.context["overdue"]] == [
        "130% lãi suất đang áp dụng (kể cả điều chỉnh theo địa bàn)"]
    body = text(response)
    assert "Ghi nhận lãi suất mới" not in body  # administrators only
    assert "QĐ 2553/QĐ-TTg (21/11/2025)" in body


def test_detail_of_categories_and_unknown_code(world, client):
    client.force_login(world.credit_officer)
    response = client.get("/programs/04/")
    assert [(r["scope"], r["annual"]) for r in response.context["rates"]] == [
        ("Chung cho chương trình", "6,6"), ("Chung cho chương trình", "6,24"),
        ("Người lao động thuộc hộ nghèo, người DTTS ở huyện nghèo (lãi suất 50%)", "3,3"),
        ("Người lao động thuộc hộ nghèo, người DTTS ở huyện nghèo (lãi suất 50%)", "3,12"),
    ]
    assert client.get("/programs/55/").status_code == 404
    assert client.get("/programs/55/rates/new/").status_code == 403  # not an administrator


RATE_POST = {
    "category": "", "annual_rate": "5,9", "effective_from": "01/07/2026", "effective_to": "",
    "source_document": "QĐ 9999/QĐ-TTg (kiểm thử)", "confidence": "H", "note": "", "close_previous": "on",
}


def test_rate_form_is_for_administrators_only(world, client):
    for persona in world.personas:
        if persona.role == "admin":
            continue
        client.force_login(persona)
        before = program_state()
        assert client.get("/programs/01/rates/new/").status_code == 403
        assert client.post("/programs/01/rates/new/", RATE_POST).status_code == 403
        assert client.post("/programs/01/limits/new/", {}).status_code == 403
        assert program_state() == before


def test_admin_records_a_rate(world, client):
    client.force_login(world.admin)
    assert client.get("/programs/01/").context["rate_create_url"] == "/programs/01/rates/new/"
    form = client.get("/programs/04/rates/new/")
    assert form.status_code == 200
    assert [c[0] for c in form.context["form"].fields["category"].choices] == ["", "HALF_RATE"]
    response = client.post("/programs/01/rates/new/", RATE_POST)
    assert response.status_code == 302 and response["Location"] == "/programs/01/"
    row = ProgramRate.objects.get(program__code="01", effective_from=D(2026, 7, 1))
    assert (row.annual_rate, row.effective_to, row.source_document) == (dec("5.9"), None, "QĐ 9999/QĐ-TTg (kiểm thử)")
    assert ProgramRate.objects.get(program__code="01", effective_from=D(2025, 12, 1)).effective_to == D(2026, 6, 30)
    assert AuditEvent.objects.filter(action="program_rate_add", actor=world.admin).count() == 1
    page = client.get("/programs/01/")
    assert "Đã ghi nhận lãi suất mới." in text(page)
    assert [e.action for e in page.context["events"]] == ["program_rate_add", "program_rate_close"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"close_previous": ""}, "Thời gian hiệu lực trùng với mức đã có từ 01/12/2025–nay"),
        ({"annual_rate": "0"}, "Lãi suất phải lớn hơn 0 và nhỏ hơn 100 (%/năm)."),
        ({"annual_rate": "120"}, "Lãi suất phải lớn hơn 0 và nhỏ hơn 100 (%/năm)."),
        ({"effective_to": "30/06/2026"}, "không được trước ngày hiệu lực (01/07/2026)"),
    ],
)
def test_refused_rate_posts_change_nothing(world, client, changes, message):
    client.force_login(world.admin)
    before = program_state()
    response = client.post("/programs/01/rates/new/", {**RATE_POST, **changes})
    assert response.status_code == 400
    assert message in text(response)
    assert program_state() == before


def test_admin_records_a_limit(world, client):
    client.force_login(world.admin)
    data = {"kind": "MAX_AMOUNT_PER_WORK", "category": "", "value": "30.000.000", "effective_from": "01/01/2027",
            "effective_to": "", "source_document": "QĐ 9997/QĐ-TTg (kiểm thử)", "confidence": "M", "note": "",
            "close_previous": "on"}
    response = client.post("/programs/06/limits/new/", data)
    assert response.status_code == 302
    row = ProgramLimit.objects.get(program__code="06", kind="MAX_AMOUNT_PER_WORK", effective_from=D(2027, 1, 1))
    assert (row.amount_vnd, row.confidence) == (30_000_000, "M")
    before = program_state()
    refused = client.post("/programs/06/limits/new/",
                          {**data, "value": "ba mươi triệu", "effective_from": "01/01/2028"})
    assert refused.status_code == 400
    assert "Mức cho vay tối đa/loại công trình phải là số nguyên." in text(refused)
    assert program_state() == before
