"""Scoring a period: facts of every subject in the scope → engine → new ``Score`` rows superseding the current ones.

Order: groups first (their grades feed the association units and the roll-ups), then commune association units,
communes, PGDs, provinces. Each subject kind is scored with the rubric version active on the period's last day.
Writes are bulk: one UPDATE marking the previous rows not current, one bulk INSERT of the new rows.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.accounts.access import access_unit
from uythac.closing.models import GroupSnapshot
from uythac.closing.scope import CloseScope
from uythac.core.audit import audit_event_record
from uythac.core.exceptions import DomainError
from uythac.core.guards import clean_date, clean_text
from uythac.core.periods import Period
from uythac.scoring import engine, facts
from uythac.scoring.models import Rubric, Score, Subject, TrainingRecord
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


def _write(subject: str, period: Period, rubric: Rubric, scored: list, now) -> int:
    """``scored``: (facts, result, contribution dicts). Marks the current rows of these subjects superseded and
    inserts the new ones pointing to them."""
    if not scored:  # nothing to score, or no rubric in force (None)
        return 0
    ids = {item.subject_id for item, _result, _dicts in scored}
    current = {
        subject_id: pk
        for subject_id, pk in Score.objects.filter(subject=subject, period=str(period), is_current=True)
        .values_list("subject_id", "pk") if subject_id in ids
    }
    previous = list(current.values())
    for start in range(0, len(previous), BATCH):
        Score.objects.filter(pk__in=previous[start:start + BATCH]).update(is_current=False)
    key, stamp = str(period), connection.ops.adapt_datetimefield_value(now)
    rows = [
        (subject, item.subject_id, item.subject_key, key, item.organization_code, item.commune_id, item.office_id,
         item.province_id, item.association_unit_id, rubric.pk, result.total, result.grade,
         json.dumps(_facts_json(item)), json.dumps(dicts), current.get(item.subject_id), True, stamp)
        for item, result, dicts in scored
    ]
    for start in range(0, len(rows), BATCH * 4):
        _insert(rows[start:start + BATCH * 4])
    return len(rows)


def _score_all(subject: str, period: Period, items: list[facts.SubjectFacts]):
    if not items:
        return None, []
    try:
        rubric = rubric_active(subject, on=period.last_day)
    except DomainError:
        # No rubric in force for this subject and date (e.g. a database whose reference rows were flushed): the
        # month-end close goes on without these scores rather than failing; the summary names the subject.
        return None, None
    scorer = engine.Scorer(rubric_spec(rubric))
    return rubric, [(item, *scorer.score(item.facts)) for item in items]


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
    groups = facts.group_facts(period, scope)
    summary["seconds"]["group_facts"] = round(time.perf_counter() - started, 3)
    rubric, scored_groups = _score_all(Subject.GROUP, period, groups)
    summary["seconds"]["group_engine"] = round(time.perf_counter() - started, 3)
    _record(summary, Subject.GROUP, _write(Subject.GROUP, period, rubric, scored_groups, now), scored_groups)
    summary["seconds"]["group_write"] = round(time.perf_counter() - started, 3)

    units = facts.unit_facts(period, scope, _grades_by(scored_groups, "association_unit_id"))
    rubric, scored = _score_all(Subject.COMMUNE_ASSOCIATION, period, units)
    _record(summary, Subject.COMMUNE_ASSOCIATION, _write(Subject.COMMUNE_ASSOCIATION, period, rubric, scored, now),
            scored)
    for subject, attribute in ((Subject.COMMUNE, "commune_id"), (Subject.OFFICE, "office_id"),
                               (Subject.PROVINCE, "province_id")):
        grades = _grades_by(scored_groups, attribute)
        items = facts.rollup_facts(subject, period, set(grades), grades)
        rubric, scored = _score_all(subject, period, items)
        _record(summary, subject, _write(subject, period, rubric, scored, now), scored)
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
    """Record a training an association unit attended (the ``tap_huan`` criterion). Guarded like every write to the
    unit: out of scope → 404, a role that may not change the unit → 403."""
    unit = access_unit(actor, unit_code, for_write=True)
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
