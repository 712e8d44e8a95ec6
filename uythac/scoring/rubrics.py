"""Rubric versions: turn a stored rubric into an engine spec, find the version in force, publish a draft.

``rubric_publish`` refuses, with a Vietnamese message naming the criterion and the value, a draft whose criteria do
not sum to its total, whose bands overlap, leave a gap or give more than the criterion's maximum, whose grade
thresholds are out of order, or whose validity overlaps another active version of the same subject
(``close_previous=True`` ends an open-ended previous version the day before the new one starts instead).
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.core.audit import audit_event_record
from uythac.core.exceptions import DomainError
from uythac.core.guards import clean_choice, clean_text
from uythac.core.models import Confidence
from uythac.scoring import engine
from uythac.scoring.models import Band, Cap, Rubric, RubricStatus


def rubric_spec(rubric: Rubric) -> engine.RubricSpec:
    criteria = []
    for criterion in rubric.criteria.all().prefetch_related("bands").order_by("order"):
        bands = tuple(
            engine.BandSpec(points=b.points, lower=b.lower, upper=b.upper, lower_inclusive=b.lower_inclusive,
                            upper_inclusive=b.upper_inclusive)
            for b in criterion.bands.all().order_by("id")
        )
        criteria.append(engine.CriterionSpec(
            code=criterion.code, name=criterion.name, max_points=criterion.max_points, fact_key=criterion.fact_key,
            direction=criterion.direction, bands=bands, missing_points=criterion.missing_points,
        ))
    caps = tuple(engine.CapSpec(fact_key=c.fact_key, threshold=c.threshold, max_total=c.max_total,
                                at_or_above=c.at_or_above) for c in rubric.caps.all().order_by("id"))
    return engine.RubricSpec(
        subject=rubric.subject, version=rubric.version, total_points=rubric.total_points, good_from=rubric.good_from,
        fair_from=rubric.fair_from, average_from=rubric.average_from, criteria=tuple(criteria), caps=caps,
    )


def rubric_active(subject: str, *, on: dt.date) -> Rubric:
    found = (
        Rubric.objects.filter(subject=subject, status=RubricStatus.ACTIVE, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from").first()
    )
    if found is None:
        raise DomainError(_("Chưa có bộ tiêu chí chấm điểm đang áp dụng cho «%(subject)s» vào ngày %(date)s.")
                          % {"subject": subject, "date": f"{on:%d/%m/%Y}"})
    return found


def _number(value) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")
    return str(value)


def problem_message(code: str, params: dict) -> str:
    """The Vietnamese message of one ``engine.rubric_problems`` code."""
    shown = {key: _number(value) for key, value in params.items()}
    messages = {
        "no_criteria": _("Bộ tiêu chí chưa có tiêu chí nào."),
        "points_sum": _("Tổng điểm tối đa của các tiêu chí là %(sum)s, khác tổng điểm của bộ tiêu chí (%(total)s)."),
        "duplicate_criterion": _("Có hai tiêu chí trùng mã."),
        "thresholds_order": _("Ngưỡng xếp loại phải giảm dần và nằm trong tổng điểm: Tốt %(good)s > Khá %(fair)s > "
                              "Trung bình %(average)s > 0, Tốt ≤ %(total)s."),
        "no_bands": _("Tiêu chí %(criterion)s chưa có khoảng điểm nào."),
        "band_points_out_of_range": _("Tiêu chí %(criterion)s: một khoảng cho %(points)s điểm, ngoài 0…%(max)s."),
        "band_empty": _("Tiêu chí %(criterion)s: khoảng %(lower)s…%(upper)s không chứa giá trị nào."),
        "band_overlap": _("Tiêu chí %(criterion)s: các khoảng điểm chồng lên nhau tại %(at)s."),
        "band_gap": _("Tiêu chí %(criterion)s: các khoảng điểm bỏ sót giá trị tại %(at)s."),
        "band_max_unreachable": _("Tiêu chí %(criterion)s: không khoảng nào cho đủ %(max)s điểm tối đa."),
    }
    return messages[code] % shown


def rubric_check(rubric: Rubric) -> list[str]:
    """Every problem of a rubric as a Vietnamese message (empty: publishable as far as its content goes)."""
    return [problem_message(code, params) for code, params in engine.rubric_problems(rubric_spec(rubric))]


@transaction.atomic
def rubric_publish(*, actor, rubric: Rubric, close_previous: bool = False) -> Rubric:
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if rubric.status == RubricStatus.ACTIVE:
        raise DomainError(_("Bộ tiêu chí này đã được áp dụng."))
    problems = rubric_check(rubric)
    if problems:
        raise DomainError(" ".join(problems))
    overlapping = Rubric.objects.filter(subject=rubric.subject, status=RubricStatus.ACTIVE).exclude(pk=rubric.pk)
    if rubric.effective_to is not None:
        overlapping = overlapping.filter(effective_from__lte=rubric.effective_to)
    overlapping = list(overlapping.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=rubric.effective_from)))
    if overlapping and close_previous:
        previous = overlapping[0]
        if len(overlapping) == 1 and previous.effective_to is None and previous.effective_from < rubric.effective_from:
            before = {"effective_to": None}
            previous.effective_to = rubric.effective_from - dt.timedelta(days=1)
            previous.save(update_fields=["effective_to"])
            audit_event_record(actor=actor, action="rubric.close", instance=previous, before=before,
                               after={"effective_to": previous.effective_to.isoformat()})
            overlapping = []
    if overlapping:
        other = overlapping[0]
        raise DomainError(
            _("Phiên bản %(other)s của cùng đối tượng đang áp dụng từ %(start)s, trùng thời gian hiệu lực; hãy kết "
              "thúc phiên bản đó trước.") % {"other": other.version, "start": f"{other.effective_from:%d/%m/%Y}"},
            field="effective_from",
        )
    rubric.status = RubricStatus.ACTIVE
    rubric.save(update_fields=["status"])
    audit_event_record(actor=actor, action="rubric.publish", instance=rubric, before={"status": "DRAFT"},
                       after={"status": "ACTIVE", "effective_from": rubric.effective_from.isoformat()})
    return rubric


# --- new versions from the web: copy the active version into a draft, edit it, publish it (administrator only) ---


def can_publish_rubrics(user) -> bool:
    """Rubrics are national reference data: only the system administrator creates, edits and publishes versions."""
    return getattr(user, "role", "") == "admin"


def _content(rubric: Rubric) -> dict:
    """The editable content of a rubric as JSON (the audit trail's before/after of an edit)."""
    text = str  # Decimals as their exact text
    return {
        "name": rubric.name, "effective_from": rubric.effective_from.isoformat(), "provisional": rubric.provisional,
        "source_document": rubric.source_document, "confidence": rubric.confidence,
        "total_points": text(rubric.total_points), "good_from": text(rubric.good_from),
        "fair_from": text(rubric.fair_from), "average_from": text(rubric.average_from), "note": rubric.note,
        "criteria": [
            {"code": c.code, "name": c.name, "max_points": text(c.max_points), "missing_points": text(c.missing_points),
             "action_hint": c.action_hint,
             "bands": [[None if b.lower is None else text(b.lower), b.lower_inclusive,
                        None if b.upper is None else text(b.upper), b.upper_inclusive, text(b.points)]
                       for b in c.bands.all().order_by("id")]}
            for c in rubric.criteria.all().order_by("order")
        ],
        "caps": [[c.fact_key, text(c.threshold), c.at_or_above, text(c.max_total)] for c in rubric.caps.order_by("id")],
    }


@transaction.atomic
def rubric_new_version(*, actor, rubric: Rubric, effective_from: dt.date) -> Rubric:
    """Copy the active version ``rubric`` (criteria, bands, caps, thresholds, source) into a DRAFT numbered after the
    subject's last version, starting on ``effective_from`` (after the copied version's start, so that publishing can
    end it the day before)."""
    if not can_publish_rubrics(actor):
        raise PermissionDenied
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if rubric.status != RubricStatus.ACTIVE:
        raise DomainError(_("Chỉ tạo phiên bản mới từ một phiên bản đang áp dụng."))
    if not isinstance(effective_from, dt.date) or isinstance(effective_from, dt.datetime):
        raise DomainError(_("Chưa nhập ngày hiệu lực."), field="effective_from")
    if effective_from <= rubric.effective_from:
        raise DomainError(_("Ngày hiệu lực của phiên bản mới phải sau ngày bắt đầu của phiên bản v%(version)s "
                            "(%(start)s).") % {"version": rubric.version, "start": f"{rubric.effective_from:%d/%m/%Y}"},
                          field="effective_from")
    last = Rubric.objects.filter(subject=rubric.subject).order_by("-version").values_list("version", flat=True).first()
    criteria = list(rubric.criteria.all().prefetch_related("bands").order_by("order"))
    caps = list(rubric.caps.all().order_by("id"))
    copy = Rubric.objects.create(
        subject=rubric.subject, version=last + 1, name=rubric.name, status=RubricStatus.DRAFT,
        effective_from=effective_from, source_document=rubric.source_document, confidence=rubric.confidence,
        provisional=rubric.provisional, total_points=rubric.total_points, good_from=rubric.good_from,
        fair_from=rubric.fair_from, average_from=rubric.average_from, note=rubric.note,
    )
    for criterion in criteria:
        bands = list(criterion.bands.all().order_by("id"))
        criterion.pk, criterion.rubric = None, copy
        criterion.save()
        for band in bands:
            band.pk, band.criterion = None, criterion
        Band.objects.bulk_create(bands)
    for cap in caps:
        cap.pk, cap.rubric = None, copy
    Cap.objects.bulk_create(caps)
    audit_event_record(actor=actor, action="rubric.new_version", instance=copy, before=None,
                       after={"copied_from": rubric.audit_key(), **_content(copy)})
    return copy


def _check_header(values: dict) -> None:
    """What the database would refuse (thresholds out of order) as a Vietnamese message on the form instead."""
    total, good, fair, average = (values[k] for k in ("total_points", "good_from", "fair_from", "average_from"))
    if not (total >= good > fair > average > 0):
        raise DomainError(problem_message("thresholds_order", {"good": good, "fair": fair, "average": average,
                                                                "total": total}), field="good_from")


@transaction.atomic
def rubric_draft_save(*, actor, rubric: Rubric, header: dict, criteria: dict, bands: dict, caps: list,
                      publish: bool = False) -> Rubric:
    """Replace the content of a DRAFT: ``header`` (name, effective_from, source_document, confidence, provisional,
    total_points, good_from, fair_from, average_from, note), ``criteria`` {criterion pk: {name, max_points,
    missing_points, action_hint}}, ``bands`` {criterion pk: [{lower, lower_inclusive, upper, upper_inclusive,
    points}]}, ``caps`` [{fact_key, threshold, at_or_above, max_total}]. A draft may be saved with content problems
    (the page lists them); with ``publish`` every ``rubric_check`` problem and every ``rubric_publish`` refusal (an
    overlapping active version) is raised and the whole save is rolled back: nothing is saved."""
    if not can_publish_rubrics(actor):
        raise PermissionDenied
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if rubric.status != RubricStatus.DRAFT:
        raise DomainError(_("Phiên bản đã công bố không sửa được; hãy tạo phiên bản mới."))
    before = _content(rubric)
    values = dict(header)
    values["name"] = clean_text(values["name"], field="name", label=_("tên bộ tiêu chí"), max_length=200)
    values["source_document"] = clean_text(values["source_document"], field="source_document",
                                           label=_("văn bản nguồn"), max_length=255)
    values["confidence"] = clean_choice(values["confidence"], Confidence, field="confidence", label=_("độ tin cậy"))
    if not isinstance(values.get("effective_from"), dt.date):
        raise DomainError(_("Chưa nhập ngày hiệu lực."), field="effective_from")
    _check_header(values)
    for field, value in values.items():
        setattr(rubric, field, value)
    rubric.save()
    known = {c.pk: c for c in rubric.criteria.all()}
    for pk, changes in criteria.items():
        criterion = known[pk]
        if changes["max_points"] <= 0:
            raise DomainError(_("Tiêu chí %(criterion)s: điểm tối đa phải lớn hơn 0.") % {"criterion": criterion.code})
        for field, value in changes.items():
            setattr(criterion, field, value)
        criterion.save()
    for pk, rows in bands.items():
        criterion = known[pk]
        if any(row["points"] < 0 for row in rows):
            raise DomainError(_("Tiêu chí %(criterion)s: điểm của một khoảng không được âm.")
                              % {"criterion": criterion.code})
        criterion.bands.all().delete()
        Band.objects.bulk_create([Band(criterion=criterion, **row) for row in rows])
    rubric.caps.all().delete()
    Cap.objects.bulk_create([Cap(rubric=rubric, **row) for row in caps])
    after = _content(rubric)
    if after != before:
        audit_event_record(actor=actor, action="rubric.edit", instance=rubric, before=before, after=after)
    if publish:
        problems = rubric_check(rubric)
        if problems:
            raise DomainError(problems)
        rubric = rubric_publish(actor=actor, rubric=rubric, close_previous=True)
    return rubric


def rubric_periods(rubric: Rubric) -> list[str]:
    """The periods (YYYY-MM) whose current scores were computed with this version, newest first."""
    return list(rubric.scores.filter(is_current=True).values_list("period", flat=True).distinct()
                .order_by("-period"))
