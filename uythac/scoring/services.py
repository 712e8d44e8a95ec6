"""Scoring a period: facts of every subject in the scope → engine → new ``Score`` rows superseding the current ones.

Order: groups first (their grades feed the association units and the roll-ups), then commune association units,
communes, PGDs, provinces. Each subject kind is scored with the rubric version active on the period's last day.
Writes are bulk: one UPDATE marking the previous rows not current, one bulk INSERT of the new rows.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.accounts.access import access_unit, unit_queryset_for
from uythac.closing.models import GroupSnapshot
from uythac.closing.scope import CloseScope
from uythac.core.access import deny_unless, fetch_or_404
from uythac.core.audit import audit_event_record
from uythac.core.exceptions import DomainError
from uythac.core.guards import clean_date, clean_text
from uythac.core.periods import Period, add_months
from uythac.inspections.access import can_record_inspections
from uythac.scoring import engine, facts
from uythac.scoring.models import Score, Subject, TrainingRecord
from uythac.scoring.rubrics import rubric_active, rubric_spec

BATCH = 5000


def _facts_json(item: facts.SubjectFacts) -> dict:
    """The facts as strings (exact Decimals), plus the counts the explanation quotes under ``_counts``."""
    stored: dict = {key: None if value is None else str(value) for key, value in item.facts.items()}
    if item.extra:
        stored["_counts"] = item.extra
    return stored


COLUMNS = ("subject", "subject_id", "subject_key", "period", "organization_code", "commune_id", "office_id",
           "province_id", "association_unit_id", "rubric_id", "total", "grade", "facts", "contributions",
           "supersedes_id", "is_current", "computed_at")


def _insert(rows: list[tuple]) -> None:
    """COPY on PostgreSQL (Django's bulk INSERT binds arrays of JSON text, 5× slower here); executemany on SQLite."""
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY scoring_score ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            cursor.executemany(f"INSERT INTO scoring_score ({columns}) VALUES ({marks})", rows)


def _score_and_write(subject: str, period: Period, items, ids: set[int], now) -> tuple[int, list | None]:
    """Score ``items`` (an iterable of ``SubjectFacts`` for the subjects ``ids``) with the rubric in force and write
    the new rows, superseding the current ones. Returns (rows written, [(facts, result, None)…]), or (0, None) when
    no rubric is in force (e.g. a database whose reference rows were flushed: the month-end close goes on without
    these scores rather than failing; the summary names the subject).

    The rows are STREAMED into the COPY as each subject is scored: on PostgreSQL the server parses the JSON of
    the rows already sent (~1.5 KB of JSONB a group) on one core while this process computes the next facts and
    scores on the other, instead of facts, then scores, then the write one after the other (docs/performance.md,
    "Scoring at national size")."""
    if not ids:
        return 0, []
    try:
        rubric = rubric_active(subject, on=period.last_day)
    except DomainError:
        return 0, None
    scorer = engine.Scorer(rubric_spec(rubric))
    current = {
        subject_id: pk
        for subject_id, pk in Score.objects.filter(subject=subject, period=str(period), is_current=True)
        .values_list("subject_id", "pk") if subject_id in ids
    }
    previous = list(current.values())
    for start in range(0, len(previous), BATCH):
        Score.objects.filter(pk__in=previous[start:start + BATCH]).update(is_current=False)
    key, stamp = str(period), connection.ops.adapt_datetimefield_value(now)
    scored: list = []

    def rows():
        for item in items:
            result, contributions = scorer.score_encoded(item.facts)
            scored.append((item, result, None))
            yield (subject, item.subject_id, item.subject_key, key, item.organization_code, item.commune_id,
                   item.office_id, item.province_id, item.association_unit_id, rubric.pk, result.total, result.grade,
                   json.dumps(_facts_json(item)), contributions, current.get(item.subject_id), True, stamp)

    _insert(rows())
    return len(scored), scored


def _grades_by(scored, attribute: str) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = defaultdict(list)
    for item, result, _dicts in scored or ():
        key = getattr(item, attribute)
        if key is not None:
            grouped[key].append(result.grade)
    return grouped


def score_period_run(period: Period, scope: CloseScope) -> dict:
    """Score every subject of the scope for the period (no transaction, no audit: the close step and
    ``scores_compute`` wrap it). Returns counts per subject and grade, and seconds per phase."""
    now = timezone.now()
    summary: dict = {"period": str(period), "scope": scope.key, "subjects": {}, "seconds": {}}
    started = time.perf_counter()
    # Seconds are cumulative from the start: group facts read, groups scored and written, units, roll-ups.
    group_rows = facts.group_fact_rows(period, scope)
    summary["seconds"]["group_facts"] = round(time.perf_counter() - started, 3)
    written, scored_groups = _score_and_write(Subject.GROUP, period, facts.group_facts_from_rows(group_rows),
                                              {row[0] for row in group_rows}, now)
    del group_rows
    _record(summary, Subject.GROUP, written, scored_groups)
    summary["seconds"]["group_write"] = round(time.perf_counter() - started, 3)

    units = facts.unit_facts(period, scope, _grades_by(scored_groups, "association_unit_id"))
    written, scored = _score_and_write(Subject.COMMUNE_ASSOCIATION, period, units,
                                       {item.subject_id for item in units}, now)
    _record(summary, Subject.COMMUNE_ASSOCIATION, written, scored)
    summary["seconds"]["units"] = round(time.perf_counter() - started, 3)
    for subject, attribute in ((Subject.COMMUNE, "commune_id"), (Subject.OFFICE, "office_id"),
                               (Subject.PROVINCE, "province_id")):
        grades = _grades_by(scored_groups, attribute)
        items = facts.rollup_facts(subject, period, set(grades), grades)
        written, scored = _score_and_write(subject, period, items, {item.subject_id for item in items}, now)
        _record(summary, subject, written, scored)
    summary["seconds"]["total"] = round(time.perf_counter() - started, 3)
    return summary


def _record(summary: dict, subject: str, written: int, scored) -> None:
    if scored is None:
        summary.setdefault("without_rubric", []).append(subject)
        scored = []
    grades = Counter(result.grade for _item, result, _dicts in scored)
    summary["subjects"][subject] = {"scored": written, **{g: grades.get(g, 0) for g in engine.GRADES}}


@transaction.atomic
def scores_compute(*, actor, period: Period | str, scope: CloseScope) -> dict:
    """Re-score a period alone (``uythac score``). Refused when the period has not been closed for the scope."""
    period = Period.parse(period) if isinstance(period, str) else period
    if not GroupSnapshot.objects.filter(period=str(period)).exists():
        raise DomainError(_("Kỳ %(period)s chưa khóa sổ: chưa có số liệu cuối tháng để chấm điểm.")
                          % {"period": f"{period.month:02d}/{period.year}"}, field="period")
    summary = score_period_run(period, scope)
    marker = Score.objects.filter(period=str(period), is_current=True).order_by("-pk").first()
    if marker is not None:
        audit_event_record(actor=actor, action="score.compute", instance=marker, before=None,
                           after={"period": str(period), "scope": scope.key, "subjects": summary["subjects"]},
                           object_type="scoring.period", object_key=f"{scope.key}/{period}")
    return summary


@transaction.atomic
def training_record(*, actor, unit_code: str, held_on, topic: str, attendees: int = 1) -> TrainingRecord:
    """Record a training an association unit attended (the ``tap_huan`` criterion). Out of scope → 404, a role that
    may not record trainings (``can_record_trainings``) → 403."""
    unit = access_unit(actor, unit_code)
    deny_unless(can_record_trainings(actor, unit))
    held_on = clean_date(held_on, field="held_on", label=_("ngày tập huấn"))
    topic = clean_text(topic, field="topic", label=_("nội dung tập huấn"), max_length=255)
    if isinstance(attendees, bool) or not isinstance(attendees, int) or attendees < 1:
        raise DomainError(_("Số người dự phải là số nguyên dương."), field="attendees")
    record = TrainingRecord.objects.create(association_unit=unit, held_on=held_on, topic=topic, attendees=attendees,
                                           recorded_by=actor)
    audit_event_record(actor=actor, action="training.record", instance=record, before=None,
                       after={"unit": unit.code, "held_on": held_on.isoformat(), "topic": topic,
                              "attendees": attendees},
                       object_type="trainingrecord", object_key=str(record.pk), parent=unit)
    return record


# --- trainings: who records them, the guarded fetch, correction and deletion, the 12-month window ---------------


def can_record_trainings(user, unit=None) -> bool:
    """Trainings are recorded by the same people who record inspection work (``inspections.access.LEVELS_BY_ROLE``):
    the administrator, branch staff for their province, PGD staff and credit officers for their communes, province
    association officers for their organization's units in the province, commune association officers for their own
    chapter. Group leaders and the commune People's Committee (read-only) record nothing. With ``unit``, it must also
    be visible to the user (``unit_queryset_for``)."""
    if not can_record_inspections(user):
        return False
    return unit is None or unit_queryset_for(user).filter(pk=unit.pk).exists()


def training_queryset_for(user):
    """Trainings of the association units the user may see."""
    return TrainingRecord.objects.filter(association_unit__in=unit_queryset_for(user))


def can_change_training(user, record: TrainingRecord) -> bool:
    """Correction and deletion: the officer who recorded it (still allowed to record for the unit), or the
    administrator."""
    if getattr(user, "role", "") == "admin":
        return True
    return record.recorded_by_id == user.pk and can_record_trainings(user, record.association_unit)


def access_training(user, pk, *, for_write: bool = False) -> TrainingRecord:
    try:
        key = int(str(pk))
    except ValueError:
        key = 0
    record = fetch_or_404(training_queryset_for(user).select_related("association_unit", "recorded_by"), pk=key)
    if for_write:
        deny_unless(can_change_training(user, record))
    return record


def _training_values(record: TrainingRecord) -> dict:
    return {"unit": record.association_unit.code, "held_on": record.held_on.isoformat(), "topic": record.topic,
            "attendees": record.attendees}


@transaction.atomic
def training_correct(*, actor, record: TrainingRecord, note: str, **changes) -> TrainingRecord:
    """Correct the date, topic or number of attendees of a training (the recorder or the administrator); the reason
    is kept in the audit trail. Nothing changed → nothing written."""
    record = access_training(actor, record.pk, for_write=True)
    note = clean_text(note, field="note", label=_("lý do sửa"), max_length=255)
    before = _training_values(record)
    if "held_on" in changes:
        record.held_on = clean_date(changes["held_on"], field="held_on", label=_("ngày tập huấn"))
    if "topic" in changes:
        record.topic = clean_text(changes["topic"], field="topic", label=_("nội dung tập huấn"), max_length=255)
    if "attendees" in changes:
        attendees = changes["attendees"]
        if isinstance(attendees, bool) or not isinstance(attendees, int) or attendees < 1:
            raise DomainError(_("Số người dự phải là số nguyên dương."), field="attendees")
        record.attendees = attendees
    after = _training_values(record)
    if after != before:
        record.save(update_fields=["held_on", "topic", "attendees"])
        audit_event_record(actor=actor, action="training.correct", instance=record, before=before, after=after,
                           note=note, object_type="trainingrecord", object_key=str(record.pk),
                           parent=record.association_unit)
    return record


@transaction.atomic
def training_delete(*, actor, record: TrainingRecord, note: str) -> None:
    """Delete a training recorded by mistake (the recorder or the administrator); the audit event keeps what it
    was and why it was deleted, filed under the unit."""
    record = access_training(actor, record.pk, for_write=True)
    note = clean_text(note, field="note", label=_("lý do xóa"), max_length=255)
    audit_event_record(actor=actor, action="training.delete", instance=record, before=_training_values(record),
                       after=None, note=note, object_type="trainingrecord", object_key=str(record.pk),
                       parent=record.association_unit)
    record.delete()


def training_window(period: Period) -> tuple:
    """The days whose trainings count for ``trainings_12m`` of a period: the 12 months ending on its last day (the
    same bounds as ``facts.unit_facts``), e.g. 2025-06 → 01/07/2024 … 30/06/2025."""
    return add_months(period.last_day, -12) + dt.timedelta(days=1), period.last_day
