"""Trainings (tập huấn): who records them, correction and deletion by the recorder, the 12-month window, and the exact
effect of a training on a commune association unit's ``tap_huan`` points."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.scoring.support import group_snapshot, unit_snapshot
from uythac.closing.scope import scope_parse
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent
from uythac.core.periods import Period
from uythac.scoring.models import Score, Subject, TrainingRecord
from uythac.scoring.services import (
    can_record_trainings,
    scores_compute,
    training_correct,
    training_delete,
    training_record,
    training_window,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 6, 10)


@pytest.mark.parametrize(
    "persona, allowed",
    [
        ("admin", True),
        ("branch_staff", True),
        ("pgd_staff", True),
        ("credit_officer", True),
        ("province_association", True),
        ("commune_association", True),
        ("group_leader", False),
        ("commune_viewer", False),
    ],
)
def test_who_records_for_commune_a_farmers_union(world, persona, allowed):
    unit = world.unit_a["11"]
    actor = getattr(world, persona)
    assert can_record_trainings(actor, unit) is allowed
    if allowed:
        record = training_record(actor=actor, unit_code=unit.code, held_on=DAY, topic="Nghiệp vụ", attendees=2)
        assert record.recorded_by == actor
        assert AuditEvent.objects.filter(action="training.record", parent_key=unit.code).count() == 1
    else:
        with pytest.raises(PermissionDenied):
            training_record(actor=actor, unit_code=unit.code, held_on=DAY, topic="Nghiệp vụ")
        assert TrainingRecord.objects.count() == 0 and AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "persona",
    [
        "branch_staff",
        "pgd_staff",
        "credit_officer",
        "province_association",
        "commune_association",
        "group_leader",
        "commune_viewer",
    ],
)
def test_unit_out_of_scope_is_404_and_nothing_written(world, persona):
    with pytest.raises(Http404):
        training_record(actor=getattr(world, persona), unit_code=world.unit_c["11"].code, held_on=DAY, topic="x")
    assert TrainingRecord.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_association_officer_only_for_own_organization(world):
    # The Women's Union unit of commune A is not visible to a Farmers' Union officer: 404 like a missing one.
    with pytest.raises(Http404):
        training_record(actor=world.commune_association, unit_code=world.unit_a["12"].code, held_on=DAY, topic="x")
    # A credit officer responsible for commune A only does not see commune B's units.
    with pytest.raises(Http404):
        training_record(actor=world.credit_officer, unit_code=world.unit_b["11"].code, held_on=DAY, topic="x")


@pytest.mark.parametrize("attendees", [0, -3, True, "2"])
def test_attendees_must_be_positive_integer(world, attendees):
    with pytest.raises(DomainError, match="Số người dự phải là số nguyên dương"):
        training_record(
            actor=world.commune_association,
            unit_code=world.unit_a["11"].code,
            held_on=DAY,
            topic="Nghiệp vụ",
            attendees=attendees,
        )
    assert TrainingRecord.objects.count() == 0


def test_future_date_refused(world):
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(DomainError, match="không được sau ngày hôm nay"):
        training_record(
            actor=world.commune_association, unit_code=world.unit_a["11"].code, held_on=tomorrow, topic="Nghiệp vụ"
        )
    assert TrainingRecord.objects.count() == 0


def test_correct_and_delete_by_recorder_audited(world):
    unit = world.unit_a["11"]
    record = training_record(
        actor=world.commune_association, unit_code=unit.code, held_on=DAY, topic="Nghiệp vụ", attendees=2
    )
    # Another writer of the unit (branch staff) may not change someone else's record.
    with pytest.raises(PermissionDenied):
        training_correct(actor=world.branch_staff, record=record, note="x", attendees=5)
    with pytest.raises(DomainError, match="Số người dự"):
        training_correct(actor=world.commune_association, record=record, note="Sai số", attendees=0)
    record.refresh_from_db()
    assert record.attendees == 2
    training_correct(
        actor=world.commune_association,
        record=record,
        note="Đếm lại danh sách",
        attendees=4,
        held_on=dt.date(2025, 6, 9),
    )
    record.refresh_from_db()
    assert (record.attendees, record.held_on) == (4, dt.date(2025, 6, 9))
    event = AuditEvent.objects.get(action="training.correct")
    assert event.before["attendees"] == 2 and event.after["attendees"] == 4 and event.note == "Đếm lại danh sách"
    assert event.parent_key == unit.code
    # Unchanged values: nothing written.
    training_correct(actor=world.commune_association, record=record, note="Không đổi", attendees=4)
    assert AuditEvent.objects.filter(action="training.correct").count() == 1

    with pytest.raises(DomainError, match="Chưa nhập lý do xóa"):
        training_delete(actor=world.commune_association, record=record, note=" ")
    assert TrainingRecord.objects.count() == 1
    training_delete(actor=world.commune_association, record=record, note="Ghi nhầm đơn vị")
    assert TrainingRecord.objects.count() == 0
    deleted = AuditEvent.objects.get(action="training.delete")
    assert deleted.before["topic"] == "Nghiệp vụ" and deleted.after is None and deleted.parent_key == unit.code


def test_admin_corrects_anyones_record(world):
    record = training_record(actor=world.pgd_staff, unit_code=world.unit_a["11"].code, held_on=DAY, topic="A")
    training_correct(actor=world.admin, record=record, note="Sửa tên", topic="Tập huấn nghiệp vụ ủy thác")
    record.refresh_from_db()
    assert record.topic == "Tập huấn nghiệp vụ ủy thác"


@pytest.mark.parametrize(
    "period, start, end",
    [
        ("2025-06", dt.date(2024, 7, 1), dt.date(2025, 6, 30)),
        ("2024-02", dt.date(2023, 3, 1), dt.date(2024, 2, 29)),
        ("2025-12", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ],
)
def test_training_window(period, start, end):
    assert training_window(Period.parse(period)) == (start, end)


def _unit_points(world) -> tuple[D, D]:
    scores_compute(actor=world.admin, period="2025-06", scope=scope_parse("01"))
    score = Score.objects.get(subject=Subject.COMMUNE_ASSOCIATION, subject_key=world.unit_a["11"].code, is_current=True)
    line = next(c for c in score.contributions if c["code"] == "tap_huan")
    return D(line["points"]), score.total


def test_training_changes_the_criterion_by_exactly_its_band(world):
    group_snapshot(world, world.group_a)
    unit_snapshot(world.unit_a["11"])
    unit = world.unit_a["11"]
    # Overdue 0 % (20) + inactive 0 % (15) + its group saved (10) + its group Good (20) + inspections 0 (0) + no giao
    # ban recorded (0) + no training (0) = 65, Trung bình.
    points, total = _unit_points(world)
    assert (points, total) == (D("0.00"), D("65.00"))
    # The day before the window (30/06/2024) does not count: still 0.
    training_record(actor=world.commune_association, unit_code=unit.code, held_on=dt.date(2024, 6, 30), topic="Cũ")
    assert _unit_points(world) == (D("0.00"), total)
    # The first day of the window (01/07/2024) counts: band "≥ 1 buổi → 5 điểm" of version 1, +5 on the total.
    training_record(actor=world.commune_association, unit_code=unit.code, held_on=dt.date(2024, 7, 1), topic="Mới")
    assert _unit_points(world) == (D("5.00"), D("70.00"))
    grade = Score.objects.get(subject=Subject.COMMUNE_ASSOCIATION, subject_key=unit.code, is_current=True).grade
    assert grade == "FAIR"  # 70 reaches Khá (lower bound inclusive)
    # A second training reaches no higher band: still 5.
    training_record(actor=world.commune_association, unit_code=unit.code, held_on=dt.date(2025, 6, 30), topic="2")
    assert _unit_points(world) == (D("5.00"), D("70.00"))
