"""Rubric versions: turn a stored rubric into an engine spec, find the version in force, publish a draft.

``rubric_publish`` refuses, with a Vietnamese message naming the criterion and the value, a draft whose criteria do
not sum to its total, whose bands overlap, leave a gap or give more than the criterion's maximum, whose grade
thresholds are out of order, or whose validity overlaps another active version of the same subject
(``close_previous=True`` ends an open-ended previous version the day before the new one starts instead).
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.core.audit import audit_event_record
from uythac.core.exceptions import DomainError
from uythac.scoring import engine
from uythac.scoring.models import Rubric, RubricStatus


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
