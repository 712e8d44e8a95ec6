"""New rubric versions: copy of the active version into a draft, editing, publishing (the previous version ends the day
before), old periods keep their version, and every refusal leaves nothing saved."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from tests.scoring.support import group_snapshot
from uythac.closing.scope import scope_parse
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent
from uythac.scoring.models import Band, Criterion, Rubric, RubricStatus, Score, Subject
from uythac.scoring.rubrics import (
    rubric_active,
    rubric_check,
    rubric_draft_save,
    rubric_new_version,
    rubric_periods,
)
from uythac.scoring.services import scores_compute

pytestmark = pytest.mark.django_db
JULY = dt.date(2025, 7, 1)


def v1(subject=Subject.GROUP) -> Rubric:
    return Rubric.objects.get(subject=subject, version=1)


def content(rubric: Rubric) -> dict:
    """The keyword arguments of ``rubric_draft_save`` for the draft as stored (what the edit page posts unchanged)."""
    header = {
        f: getattr(rubric, f)
        for f in (
            "name",
            "effective_from",
            "source_document",
            "confidence",
            "provisional",
            "total_points",
            "good_from",
            "fair_from",
            "average_from",
            "note",
        )
    }
    criteria, bands = {}, {}
    for c in rubric.criteria.order_by("order"):
        criteria[c.pk] = {
            "name": c.name,
            "max_points": c.max_points,
            "missing_points": c.missing_points,
            "action_hint": c.action_hint,
        }
        bands[c.pk] = [
            {
                "lower": b.lower,
                "lower_inclusive": b.lower_inclusive,
                "upper": b.upper,
                "upper_inclusive": b.upper_inclusive,
                "points": b.points,
            }
            for b in c.bands.order_by("id")
        ]
    caps = [
        {"fact_key": c.fact_key, "threshold": c.threshold, "at_or_above": c.at_or_above, "max_total": c.max_total}
        for c in rubric.caps.order_by("id")
    ]
    return {"header": header, "criteria": criteria, "bands": bands, "caps": caps}


def pk_of(rubric: Rubric, code: str) -> int:
    return rubric.criteria.get(code=code).pk


def snapshot_state(rubric: Rubric) -> tuple:
    """Everything a refused save must leave untouched."""
    return (
        Rubric.objects.filter(pk=rubric.pk).values().get(),
        content(Rubric.objects.get(pk=rubric.pk)),
        list(Rubric.objects.values_list("pk", "status", "effective_to").order_by("pk")),
        AuditEvent.objects.count(),
    )


def test_new_version_copies_the_active_one(world):
    draft = rubric_new_version(actor=world.admin, rubric=v1(), effective_from=JULY)
    assert (draft.version, draft.status, draft.effective_from, draft.effective_to) == (2, "DRAFT", JULY, None)
    assert draft.source_document == v1().source_document and draft.provisional
    assert Criterion.objects.filter(rubric=draft).count() == 6
    assert Band.objects.filter(criterion__rubric=draft).count() == Band.objects.filter(criterion__rubric=v1()).count()
    expected = content(v1())
    copied = content(draft)
    assert list(copied["bands"].values()) == list(expected["bands"].values())
    assert copied["caps"] == expected["caps"] and rubric_check(draft) == []
    assert AuditEvent.objects.get(action="rubric.new_version").after["copied_from"] == "GROUP/v1"
    # The draft changes nothing in force.
    assert rubric_active(Subject.GROUP, on=dt.date(2030, 1, 1)).version == 1


def test_new_version_refusals(world):
    with pytest.raises(PermissionDenied):
        rubric_new_version(actor=world.branch_staff, rubric=v1(), effective_from=JULY)
    with pytest.raises(DomainError, match="phải sau ngày bắt đầu của phiên bản v1 \\(01/01/2019\\)"):
        rubric_new_version(actor=world.admin, rubric=v1(), effective_from=dt.date(2019, 1, 1))
    draft = rubric_new_version(actor=world.admin, rubric=v1(), effective_from=JULY)
    with pytest.raises(DomainError, match="Chỉ tạo phiên bản mới từ một phiên bản đang áp dụng"):
        rubric_new_version(actor=world.admin, rubric=draft, effective_from=dt.date(2026, 1, 1))
    assert Rubric.objects.filter(subject=Subject.GROUP).count() == 2


def test_publish_edited_copy_and_old_periods_keep_version_1(world):
    # Version 2 from 01/07/2025: overdue band (5 %, 10 %] gives 0 instead of 4, and Trung bình starts at 55.
    draft = rubric_new_version(actor=world.admin, rubric=v1(), effective_from=JULY)
    values = content(draft)
    values["header"]["average_from"] = D(55)
    values["header"]["provisional"] = True
    values["header"]["source_document"] = "Thử nghiệm v2"
    overdue = pk_of(draft, "diem_nqh")
    values["bands"][overdue] = [{**b, "points": D(0)} if b["points"] == 4 else b for b in values["bands"][overdue]]
    published = rubric_draft_save(actor=world.admin, rubric=draft, publish=True, **values)
    assert published.status == RubricStatus.ACTIVE and published.effective_from == JULY
    old = v1()
    assert old.effective_to == dt.date(2025, 6, 30)
    assert rubric_active(Subject.GROUP, on=dt.date(2025, 6, 30)).version == 1
    assert rubric_active(Subject.GROUP, on=JULY).version == 2
    assert list(
        AuditEvent.objects.filter(object_key__in=["GROUP/v1", "GROUP/v2"])
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["rubric.new_version", "rubric.edit", "rubric.close", "rubric.publish"]

    # Group 0000003: overdue 6 % and interest collection 50 % in June and in July.
    bad = {"principal_overdue": 60_000_000, "principal_current": 940_000_000, "interest_arrears_in_term": 6_000_000}
    for period in ("2025-06", "2025-07"):
        group_snapshot(world, world.group_b, period=period, **bad)
        scores_compute(actor=world.admin, period=period, scope=scope_parse("01"))
    june = Score.objects.get(subject=Subject.GROUP, subject_key="0000003", period="2025-06", is_current=True)
    july = Score.objects.get(subject=Subject.GROUP, subject_key="0000003", period="2025-07", is_current=True)
    # v1: 100 − 26 (overdue 6 % → 4 of 30) − 20 (interest 50 % → 0) = 54, Trung bình (≥ 50).
    assert (june.rubric.version, june.total, june.grade) == (1, D(54), "AVERAGE")
    # v2: 100 − 30 − 20 = 50, below the new 55 → Yếu.
    assert (july.rubric.version, july.total, july.grade) == (2, D(50), "WEAK")
    assert "2025-06" in rubric_periods(old) and rubric_periods(published) == ["2025-07"]
    # Re-scoring June after the publication still uses version 1 (the version in force on 30/06/2025).
    scores_compute(actor=world.admin, period="2025-06", scope=scope_parse("01"))
    assert (
        Score.objects.get(
            subject=Subject.GROUP, subject_key="0000003", period="2025-06", is_current=True
        ).rubric.version
        == 1
    )


def test_draft_may_be_saved_with_problems_but_not_published(world):
    draft = rubric_new_version(actor=world.admin, rubric=v1(), effective_from=JULY)
    values = content(draft)
    values["criteria"][pk_of(draft, "diem_gdtx")]["max_points"] = D(25)
    rubric_draft_save(actor=world.admin, rubric=draft, **values)
    assert rubric_check(draft)[0] == ("Tổng điểm tối đa của các tiêu chí là 105, khác tổng điểm của bộ tiêu chí (100).")
    assert Rubric.objects.get(pk=draft.pk).status == RubricStatus.DRAFT


def _refused(world, change, message):
    draft = rubric_new_version(actor=world.admin, rubric=v1(), effective_from=JULY)
    values = content(draft)
    change(draft, values)
    before = snapshot_state(draft)
    with pytest.raises(DomainError, match=message):
        rubric_draft_save(actor=world.admin, rubric=draft, publish=True, **values)
    assert snapshot_state(draft) == before
    assert v1().effective_to is None and Rubric.objects.get(pk=draft.pk).status == RubricStatus.DRAFT


def test_refused_points_not_summing(world):
    def change(draft, values):
        values["criteria"][pk_of(draft, "diem_ds_tg")]["max_points"] = D(15)

    _refused(world, change, "Tổng điểm tối đa của các tiêu chí là 105, khác tổng điểm của bộ tiêu chí \\(100\\)")


def test_refused_overlapping_bands(world):
    def change(draft, values):
        # Overdue "≤ 1 → 30" widened to ≤ 1,5 while "(1, 2] → 25" still starts above 1.
        overdue = pk_of(draft, "diem_nqh")
        values["bands"][overdue] = [
            {**b, "upper": D("1.5")} if b["points"] == 30 else b for b in values["bands"][overdue]
        ]

    _refused(world, change, "Tiêu chí diem_nqh: các khoảng điểm chồng lên nhau tại 1")


def test_refused_thresholds_out_of_order(world):
    def change(draft, values):
        values["header"]["fair_from"] = D(90)

    _refused(world, change, "Ngưỡng xếp loại phải giảm dần")


def test_thresholds_out_of_order_refused_even_as_a_draft(world):
    draft = rubric_new_version(actor=world.admin, rubric=v1(), effective_from=JULY)
    values = content(draft)
    values["header"]["average_from"] = D(0)
    before = snapshot_state(draft)
    with pytest.raises(DomainError) as error:
        rubric_draft_save(actor=world.admin, rubric=draft, **values)
    assert "good_from" in error.value.error_dict
    assert snapshot_state(draft) == before


def test_refused_two_active_versions(world):
    first = rubric_new_version(actor=world.admin, rubric=v1(), effective_from=JULY)
    rubric_draft_save(actor=world.admin, rubric=first, publish=True, **content(first))
    second = rubric_new_version(
        actor=world.admin, rubric=Rubric.objects.get(pk=first.pk), effective_from=dt.date(2026, 1, 1)
    )

    before = snapshot_state(second)
    values = content(second)
    values["header"]["effective_from"] = dt.date(2025, 3, 1)
    # It would overlap version 1 (closed on 30/06/2025) and version 2 (open from 01/07/2025): refused on the date.
    with pytest.raises(DomainError, match="Phiên bản 2 của cùng đối tượng đang áp dụng từ 01/07/2025, trùng"):
        rubric_draft_save(actor=world.admin, rubric=second, publish=True, **values)
    assert snapshot_state(second) == before
    assert Rubric.objects.get(pk=second.pk).effective_from == dt.date(2026, 1, 1)
    assert Rubric.objects.get(pk=first.pk).effective_to is None


def test_published_version_cannot_be_edited_and_only_admin_edits(world):
    draft = rubric_new_version(actor=world.admin, rubric=v1(), effective_from=JULY)
    with pytest.raises(PermissionDenied):
        rubric_draft_save(actor=world.province_association, rubric=draft, **content(draft))
    with pytest.raises(DomainError, match="Phiên bản đã công bố không sửa được"):
        rubric_draft_save(actor=world.admin, rubric=v1(), **content(v1()))
