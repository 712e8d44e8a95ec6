"""Stored rubrics: the provisional versions are valid, band edges through the database, publishing refusals."""

import datetime as dt
from decimal import Decimal as D

import pytest

from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent
from uythac.scoring import engine
from uythac.scoring.models import Band, Criterion, Rubric, RubricStatus, Subject
from uythac.scoring.rubrics import rubric_active, rubric_check, rubric_publish, rubric_spec

pytestmark = pytest.mark.django_db
ON = dt.date(2025, 6, 30)


@pytest.mark.parametrize("subject", Subject.values)
def test_provisional_rubrics_valid_and_active(subject):
    rubric = rubric_active(subject, on=ON)
    assert rubric.provisional and rubric.version == 1 and rubric.total_points == 100
    assert (rubric.good_from, rubric.fair_from, rubric.average_from) == (85, 70, 50)
    assert rubric_check(rubric) == []


def test_group_rubric_six_criteria():
    spec = rubric_spec(rubric_active(Subject.GROUP, on=ON))
    assert [(c.code, c.max_points) for c in spec.criteria] == [
        ("diem_gdtx", 20), ("diem_nqh", 30), ("diem_thu_no", 15), ("diem_thu_lai", 20), ("diem_tv_tiengui", 5),
        ("diem_ds_tg", 10)]


@pytest.mark.parametrize("fact, value, points", [
    ("overdue_ratio", "1", 30), ("overdue_ratio", "1.01", 25), ("overdue_ratio", "10", 4),
    ("overdue_ratio", "10.01", 0), ("session_activity_ratio", "95", 20), ("session_activity_ratio", "94.99", 16),
    ("session_activity_ratio", "69.99", 0),
    ("interest_collection_ratio", "95", 20), ("interest_collection_ratio", "94.99", 16),
    ("saver_share", "90", 5), ("saver_share", "49.99", 0), ("savings_growth", "0", 10),
    ("savings_growth", "-5", 5), ("savings_growth", "-5.01", 0), ("principal_due_collected_ratio", "80", 5),
])
def test_stored_group_band_edges(fact, value, points):
    spec = rubric_spec(rubric_active(Subject.GROUP, on=ON))
    criterion = next(c for c in spec.criteria if c.fact_key == fact)
    assert engine.score_criterion(criterion, D(value)).points == points


def draft(subject=Subject.GROUP, start=dt.date(2026, 1, 1), **kwargs) -> Rubric:
    rubric = Rubric.objects.create(
        subject=subject, version=2, name="v2", effective_from=start, source_document="thử", confidence="L",
        total_points=D(100), good_from=D(85), fair_from=D(70), average_from=D(50), **kwargs)
    for order, (code, max_points) in enumerate((("a", 60), ("b", 40)), start=1):
        criterion = Criterion.objects.create(rubric=rubric, order=order, code=code, name=code,
                                             max_points=D(max_points), fact_key=code)
        Band.objects.create(criterion=criterion, lower=D(1), points=D(max_points))
        Band.objects.create(criterion=criterion, upper=D(1), points=D(0))
    return rubric


def test_publish_refuses_overlap_with_active_version_and_changes_nothing(world):
    rubric = draft()
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError, match="Phiên bản 1 .* trùng thời gian hiệu lực"):
        rubric_publish(actor=world.admin, rubric=rubric)
    rubric.refresh_from_db()
    assert rubric.status == RubricStatus.DRAFT and AuditEvent.objects.count() == before
    assert Rubric.objects.get(subject=Subject.GROUP, version=1).effective_to is None


def test_publish_closing_previous_version(world):
    rubric = rubric_publish(actor=world.admin, rubric=draft(), close_previous=True)
    assert rubric.status == RubricStatus.ACTIVE
    assert Rubric.objects.get(subject=Subject.GROUP, version=1).effective_to == dt.date(2025, 12, 31)
    assert rubric_active(Subject.GROUP, on=dt.date(2025, 12, 31)).version == 1
    assert rubric_active(Subject.GROUP, on=dt.date(2026, 1, 1)).version == 2


def test_publish_refuses_points_not_summing(world):
    rubric = draft()
    Criterion.objects.filter(rubric=rubric, code="b").update(max_points=D(30))
    Band.objects.filter(criterion__rubric=rubric, criterion__code="b", points=D(40)).update(points=D(30))
    with pytest.raises(DomainError, match="Tổng điểm tối đa của các tiêu chí là 90, khác tổng điểm"):
        rubric_publish(actor=world.admin, rubric=rubric, close_previous=True)
    assert Rubric.objects.get(pk=rubric.pk).status == RubricStatus.DRAFT
    assert Rubric.objects.get(subject=Subject.GROUP, version=1).effective_to is None


def test_publish_refuses_overlapping_bands(world):
    rubric = draft()
    Band.objects.filter(criterion__rubric=rubric, criterion__code="a", points=0).update(upper=D(2))
    with pytest.raises(DomainError, match="Tiêu chí a: các khoảng điểm chồng lên nhau tại 1"):
        rubric_publish(actor=world.admin, rubric=rubric, close_previous=True)


def test_publish_refuses_gap(world):
    rubric = draft()
    Band.objects.filter(criterion__rubric=rubric, criterion__code="b", points=40).update(lower=D(3))
    with pytest.raises(DomainError, match="Tiêu chí b: các khoảng điểm bỏ sót giá trị tại 1"):
        rubric_publish(actor=world.admin, rubric=rubric, close_previous=True)


def test_thresholds_out_of_order_refused_by_database_and_check(world):
    rubric = draft()
    rubric.fair_from = D(90)
    assert any("Ngưỡng xếp loại" in m for m in rubric_check(rubric))
