"""Training pages (scoped list, the criterion's counting, record / correct / delete) and the rubric version pages
(new draft, edit with formsets, publish; refusals on the form with nothing saved; administrator only)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from tests.pages import text
from tests.scoring.support import group_snapshot, unit_snapshot
from uythac.closing.scope import scope_parse
from uythac.core.models import AuditEvent
from uythac.scoring.models import Criterion, Rubric, RubricStatus, Subject, TrainingRecord
from uythac.scoring.services import scores_compute, training_record
from uythac.web.pages.scoring_admin import _rubric_forms, ordered_bands

pytestmark = pytest.mark.django_db


# --- trainings ----------------------------------------------------------------------------------------------------


@pytest.fixture
def trainings(world):
    w = world
    w.t_a = training_record(
        actor=w.commune_association,
        unit_code=w.unit_a["11"].code,
        held_on=dt.date(2024, 7, 1),
        topic="Nghiệp vụ ủy thác",
        attendees=3,
    )
    w.t_old = training_record(
        actor=w.admin, unit_code=w.unit_a["11"].code, held_on=dt.date(2024, 6, 30), topic="Tập huấn cũ", attendees=2
    )
    w.t_c = TrainingRecord.objects.create(
        association_unit=w.unit_c["11"], held_on=dt.date(2025, 1, 5), topic="Tập huấn tỉnh khác", recorded_by=w.admin
    )
    return w


def test_list_scoped_and_counting_explained(trainings, client):
    w = trainings
    client.force_login(w.commune_association)
    page = text(client.get("/trainings/"))
    assert "Nghiệp vụ ủy thác" in page and "Tập huấn tỉnh khác" not in page
    assert "Ghi buổi tập huấn" in page
    page = text(client.get("/trainings/", {"unit": w.unit_a["11"].code, "period": "2025-06"}))
    assert "Tính các buổi tập huấn từ 01/07/2024 đến 30/06/2025 (12 tháng đến hết kỳ): 1 buổi." in page
    assert "5 / 5 điểm" in page and "≥ 1 buổi → 5" in page and "tạm tính" in page
    assert "được tính" in page and "ngoài 12 tháng" in page
    # The training of 30/06/2024 counts for 2025-05 (window 01/06/2024 – 31/05/2025): 2 trainings, still 5.
    page = text(client.get("/trainings/", {"unit": w.unit_a["11"].code, "period": "2025-05"}))
    assert "từ 01/06/2024 đến 31/05/2025 (12 tháng đến hết kỳ): 2 buổi." in page
    # Year filter.
    page = text(client.get("/trainings/", {"year": "2024", "unit": w.unit_a["11"].code}))
    assert "Nghiệp vụ ủy thác" in page and "Tập huấn cũ" in page
    assert "Tập huấn cũ" not in text(client.get("/trainings/", {"year": "2025"}))
    # Another organization's unit, or another province's: 404 like a missing unit.
    assert client.get("/trainings/", {"unit": w.unit_a["12"].code}).status_code == 404
    assert client.get("/trainings/", {"unit": w.unit_c["11"].code}).status_code == 404


def test_unit_score_page_links_to_the_counting(trainings, client):
    w = trainings
    group_snapshot(w, w.group_a)
    unit_snapshot(w.unit_a["11"])
    scores_compute(actor=w.admin, period="2025-06", scope=scope_parse("01"))
    client.force_login(w.commune_association)
    page = text(client.get(f"/unit-scores/{w.unit_a['11'].code}/"))
    assert (
        "Tiêu chí «Tập huấn» đếm các buổi tập huấn đơn vị đã dự trong 12 tháng tính đến hết kỳ (1 buổi khi chấm)"
        in page
    )
    page = text(client.get("/trainings/", {"unit": w.unit_a["11"].code, "period": "2025-06"}))
    assert "Lần chấm hiện hành của kỳ đã dùng 1 buổi: 5 điểm." in page
    assert "Tập huấn" in text(client.get(f"/units/{w.unit_a['11'].code}/"))


def test_record_page(trainings, client):
    w = trainings
    unit = w.unit_a["11"].code
    client.force_login(w.pgd_staff)
    assert client.get(f"/trainings/new/?unit={unit}").status_code == 200
    count, events = TrainingRecord.objects.count(), AuditEvent.objects.count()
    good = {"unit": unit, "held_on": "15/05/2025", "topic": "Quy trình 727", "attendees": "4"}
    for bad, message in [
        ({"held_on": "01/01/2999"}, "Ngày tập huấn (01/01/2999) không được sau ngày hôm nay."),
        ({"attendees": "0"}, "Số người dự phải là số nguyên dương."),
        ({"attendees": "-2"}, "Số người dự phải là số nguyên dương."),
        ({"unit": w.unit_c["11"].code}, "Đơn vị hội không thuộc phạm vi quản lý của bạn."),
        ({"topic": ""}, "Chưa nhập nội dung tập huấn."),
    ]:
        response = client.post("/trainings/new/", {**good, **bad})
        assert response.status_code == 400 and message in text(response), bad
    assert (TrainingRecord.objects.count(), AuditEvent.objects.count()) == (count, events)
    response = client.post("/trainings/new/", good)
    assert response.status_code == 302 and response["Location"] == f"/trainings/?unit={unit}"
    record = TrainingRecord.objects.get(topic="Quy trình 727")
    assert (record.held_on, record.attendees, record.recorded_by) == (dt.date(2025, 5, 15), 4, w.pgd_staff)
    assert "Đã ghi buổi tập huấn." in text(client.get(response["Location"]))


@pytest.mark.parametrize("persona", ["group_leader", "commune_viewer"])
def test_read_only_personas_cannot_record(trainings, client, persona):
    client.force_login(getattr(trainings, persona))
    assert client.get("/trainings/new/").status_code == 403
    assert (
        client.post(
            "/trainings/new/",
            {"unit": trainings.unit_a["11"].code, "held_on": "01/05/2025", "topic": "x", "attendees": "1"},
        ).status_code
        == 403
    )
    assert "Ghi buổi tập huấn" not in text(client.get("/trainings/"))
    assert client.get(f"/trainings/{trainings.t_a.pk}/edit/").status_code == 403


def test_correct_and_delete_pages(trainings, client):
    w = trainings
    client.force_login(w.branch_staff)  # may record, but did not record this one
    assert client.get(f"/trainings/{w.t_a.pk}/edit/").status_code == 403
    assert client.post(f"/trainings/{w.t_a.pk}/delete/", {"note": "x"}).status_code == 403
    client.force_login(w.commune_association)
    page = text(client.get("/trainings/", {"unit": w.unit_a["11"].code}))
    assert page.count('/edit/">Sửa</a>') == 1 and f"/trainings/{w.t_a.pk}/edit/" in page  # only its own
    response = client.post(
        f"/trainings/{w.t_a.pk}/edit/",
        {"held_on": "01/07/2024", "topic": "Nghiệp vụ ủy thác", "attendees": "0", "note": "Sai"},
    )
    assert response.status_code == 400 and "Số người dự phải là số nguyên dương." in text(response)
    response = client.post(
        f"/trainings/{w.t_a.pk}/edit/",
        {"held_on": "02/07/2024", "topic": "Nghiệp vụ ủy thác", "attendees": "5", "note": "Đếm lại"},
    )
    assert response.status_code == 302
    w.t_a.refresh_from_db()
    assert (w.t_a.held_on, w.t_a.attendees) == (dt.date(2024, 7, 2), 5)
    response = client.post(f"/trainings/{w.t_a.pk}/delete/", {"note": ""})
    assert response.status_code == 400 and TrainingRecord.objects.filter(pk=w.t_a.pk).exists()
    response = client.post(f"/trainings/{w.t_a.pk}/delete/", {"note": "Ghi trùng"})
    assert response.status_code == 302 and not TrainingRecord.objects.filter(pk=w.t_a.pk).exists()
    assert AuditEvent.objects.get(action="training.delete").note == "Ghi trùng"
    assert "Ghi trùng" in text(client.get(f"/audit/associationunit/{w.unit_a['11'].code}/"))


# --- rubric versions ----------------------------------------------------------------------------------------------


def post_data(rubric: Rubric, **changes) -> dict:
    """What the edit page posts when nothing is touched (the forms' initial values as typed), with ``changes`` by
    field name."""
    parts = _rubric_forms(rubric)
    data = {}
    forms = [parts["header"], parts["caps"].management_form, *parts["caps"].forms]
    for block in parts["blocks"]:
        forms += [block["form"], block["bands"].management_form, *block["bands"].forms]
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(value, bool) or value is None:
                if value:
                    data[field.html_name] = "on"
                continue
            if isinstance(value, dt.date):
                value = f"{value:%d/%m/%Y}"
            data[field.html_name] = str(field.field.prepare_value(value))
    data.update(changes)
    return data


def test_rubric_pages_for_administrator_only(world, client):
    v1 = Rubric.objects.get(subject=Subject.GROUP, version=1)
    client.force_login(world.province_association)
    page = text(client.get(f"/rubrics/{v1.pk}/"))
    assert "Tạo phiên bản mới" not in page and "Đang áp dụng từ 01/01/2019." in page
    assert client.get(f"/rubrics/{v1.pk}/new-version/").status_code == 403
    assert client.post(f"/rubrics/{v1.pk}/new-version/", {"effective_from": "01/07/2025"}).status_code == 403
    assert client.post(f"/rubrics/{v1.pk}/edit/", {}).status_code == 403
    assert Rubric.objects.filter(subject=Subject.GROUP).count() == 1


def test_new_version_edit_and_publish(world, client):
    v1 = Rubric.objects.get(subject=Subject.GROUP, version=1)
    client.force_login(world.admin)
    assert "Tạo phiên bản mới" in text(client.get(f"/rubrics/{v1.pk}/"))
    response = client.post(f"/rubrics/{v1.pk}/new-version/", {"effective_from": "01/01/2019"})
    assert response.status_code == 400 and "phải sau ngày bắt đầu của phiên bản v1 (01/01/2019)" in text(response)
    response = client.post(f"/rubrics/{v1.pk}/new-version/", {"effective_from": "01/07/2025"})
    draft = Rubric.objects.get(subject=Subject.GROUP, version=2)
    assert response.status_code == 302 and response["Location"] == f"/rubrics/{draft.pk}/edit/"
    page = text(client.get(response["Location"]))
    assert "Khi công bố, phiên bản v1 (đang áp dụng từ 01/01/2019) kết thúc ngày 30/06/2025" in page

    gdtx = Criterion.objects.get(rubric=draft, code="diem_gdtx")
    events = AuditEvent.objects.count()
    # Points no longer summing to 100: refused on the form, nothing saved, version 1 still open.
    response = client.post(
        f"/rubrics/{draft.pk}/edit/", post_data(draft, **{f"c{gdtx.pk}-max_points": "25", "publish": "1"})
    )
    assert response.status_code == 400
    assert "Tổng điểm tối đa của các tiêu chí là 105, khác tổng điểm của bộ tiêu chí (100)." in text(response)
    gdtx.refresh_from_db()
    assert gdtx.max_points == 20 and AuditEvent.objects.count() == events
    assert Rubric.objects.get(pk=v1.pk).effective_to is None
    # Thresholds out of order: on the "Tốt từ" field.
    response = client.post(f"/rubrics/{draft.pk}/edit/", post_data(draft, **{"r-fair_from": "90", "save": "1"}))
    assert response.status_code == 400 and "Ngưỡng xếp loại phải giảm dần" in text(response)
    assert Rubric.objects.get(pk=draft.pk).fair_from == 70
    # An overlapping band typed with a comma.
    nqh = Criterion.objects.get(rubric=draft, code="diem_nqh")
    band_index = [b.points for b in ordered_bands(nqh)].index(D(30))
    response = client.post(
        f"/rubrics/{draft.pk}/edit/", post_data(draft, **{f"b{nqh.pk}-{band_index}-upper": "1,5", "publish": "1"})
    )
    assert response.status_code == 400 and "Tiêu chí diem_nqh: các khoảng điểm chồng lên nhau tại 1." in text(response)
    assert AuditEvent.objects.count() == events

    # Valid edit: source document and the provisional flag, Trung bình from 55, then publish.
    response = client.post(
        f"/rubrics/{draft.pk}/edit/",
        post_data(draft, **{"r-average_from": "55", "r-source_document": "QĐ thử nghiệm 2025", "publish": "1"}),
    )
    assert response.status_code == 302 and response["Location"] == f"/rubrics/{draft.pk}/"
    draft.refresh_from_db()
    assert (draft.status, draft.average_from, draft.source_document) == (RubricStatus.ACTIVE, 55, "QĐ thử nghiệm 2025")
    assert Rubric.objects.get(pk=v1.pk).effective_to == dt.date(2025, 6, 30)
    page = text(client.get(f"/rubrics/{draft.pk}/"))
    assert "Đã công bố phiên bản v2, áp dụng từ 01/07/2025." in page and "Đang áp dụng từ 01/07/2025." in page
    assert "tạm tính" in page
    assert "Áp dụng từ 01/01/2019 đến 30/06/2025." in text(client.get(f"/rubrics/{v1.pk}/"))
    # A published version is not editable any more.
    assert client.get(f"/rubrics/{draft.pk}/edit/").status_code == 302

    # Two active versions: version 3 moved back to 01/03/2025 would overlap version 2 — on the date field.
    client.post(f"/rubrics/{draft.pk}/new-version/", {"effective_from": "01/01/2026"})
    v3 = Rubric.objects.get(subject=Subject.GROUP, version=3)
    events = AuditEvent.objects.count()
    response = client.post(
        f"/rubrics/{v3.pk}/edit/", post_data(v3, **{"r-effective_from": "01/03/2025", "publish": "1"})
    )
    assert response.status_code == 400
    assert "Phiên bản 2 của cùng đối tượng đang áp dụng từ 01/07/2025, trùng thời gian hiệu lực" in text(response)
    v3.refresh_from_db()
    assert (v3.status, v3.effective_from, AuditEvent.objects.count()) == ("DRAFT", dt.date(2026, 1, 1), events)
    assert Rubric.objects.get(pk=draft.pk).effective_to is None


def test_draft_saved_with_problems_lists_them(world, client):
    v1 = Rubric.objects.get(subject=Subject.GROUP, version=1)
    client.force_login(world.admin)
    client.post(f"/rubrics/{v1.pk}/new-version/", {"effective_from": "01/07/2025"})
    draft = Rubric.objects.get(subject=Subject.GROUP, version=2)
    gdtx = Criterion.objects.get(rubric=draft, code="diem_gdtx")
    response = client.post(
        f"/rubrics/{draft.pk}/edit/", post_data(draft, **{f"c{gdtx.pk}-max_points": "25", "save": "1"})
    )
    assert response.status_code == 302
    page = text(client.get(f"/rubrics/{draft.pk}/edit/"))
    assert "Bản nháp đã lưu chưa công bố được:" in page and "là 105, khác tổng điểm" in page
    assert "Sửa và công bố bản nháp" in text(client.get(f"/rubrics/{draft.pk}/"))
