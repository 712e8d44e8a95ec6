"""Scoring pages: rubrics (national data, not scoped), the grade distribution, and the explanation of a group's or a
commune association unit's score with a what-if simulator (GET parameters, no JavaScript) and the 12-month trend.

URLs: ``/rubrics/``, ``/rubrics/<pk>/``, ``/scores/`` (distribution), ``/scores/<group code>/``,
``/unit-scores/<unit code>/``. A group or unit outside the user's scope answers 404 like a missing one (guarded
fetches ``access_group`` / ``access_unit``); lists and distributions only count the scope's communes (and the
user's organization for association roles).
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.accounts.access import access_unit
from uythac.accounts.scope import scope_for
from uythac.core.exceptions import DomainError
from uythac.geography.models import Commune, Province
from uythac.groups.access import access_group
from uythac.network.models import Organization, TransactionOffice
from uythac.scoring.models import Grade, ImportedGroupScore, Rubric, Score, Subject
from uythac.scoring.rubrics import can_publish_rubrics, rubric_periods
from uythac.scoring.selectors import (
    current_score,
    grade_distribution,
    score_disagreements,
    score_explanation,
    score_trend,
    score_whatif,
)
from uythac.web.crud import Breadcrumb

GRADE_CLASS = {"GOOD": "ok", "FAIR": "ok", "AVERAGE": "provisional", "WEAK": "bad"}


def _scope_q(user) -> Q:
    """Scores the user may see: the scope's communes (and organization for association roles)."""
    scope = scope_for(user)
    where = scope.commune_q("commune")
    if scope.is_association and scope.organization_id is not None:
        code = Organization.objects.filter(pk=scope.organization_id).values_list("code", flat=True).first()
        where &= Q(organization_code=code)
    if scope.group_id is not None:
        where &= Q(subject=Subject.GROUP, subject_id=scope.group_id)
    return where


# --- rubrics -------------------------------------------------------------------------------------------------

@login_required
def rubric_list(request):
    rubrics = Rubric.objects.order_by("subject", "-version")
    return render(request, "web/rubric_list.html", {
        "title": _("Bộ tiêu chí chấm điểm"), "rubrics": rubrics,
        "breadcrumbs": [Breadcrumb(_("Bộ tiêu chí chấm điểm"))],
    })


@login_required
def rubric_detail(request, pk):
    rubric = get_object_or_404(Rubric, pk=pk)
    criteria = rubric.criteria.prefetch_related("bands").order_by("order")
    return render(request, "web/rubric_detail.html", {
        "title": str(rubric), "rubric": rubric, "criteria": criteria,
        "caps": rubric.caps.all(),
        "periods": rubric_periods(rubric), "can_publish": can_publish_rubrics(request.user),  # scoring_admin pages
        "breadcrumbs": [Breadcrumb(_("Bộ tiêu chí chấm điểm"), reverse("rubric-list")), Breadcrumb(str(rubric))],
    })


# --- distribution ---------------------------------------------------------------------------------------------

LEVELS = {
    "organization": (_("Tổ chức hội"), None),
    "province": (_("Tỉnh"), Province),
    "office": (_("Phòng giao dịch"), TransactionOffice),
    "commune": (_("Xã"), Commune),
}


def _labels(by: str, keys) -> dict:
    model = LEVELS[by][1]
    if model is None:
        names = dict(Organization.objects.values_list("code", "short_name"))
        return {key: f"{key} {names.get(key, '')}".strip() for key in keys if key != ""}
    ids = [key for key in keys if key != ""]
    return {pk: f"{code} {name}" for pk, code, name in model.objects.filter(pk__in=ids).values_list("pk", "code",
                                                                                                 "name")}


@login_required
def score_distribution(request):
    where = _scope_q(request.user)
    periods = list(Score.objects.filter(where, is_current=True).values_list("period", flat=True).distinct()
                   .order_by("-period")[:36])
    period = request.GET.get("period") or (periods[0] if periods else "")
    subject = request.GET.get("subject") if request.GET.get("subject") in Subject.values else Subject.GROUP
    by = request.GET.get("by") if request.GET.get("by") in LEVELS else "organization"
    rows = grade_distribution(period, subject=subject, by=by, where=where) if period else []
    labels = _labels(by, [row["key"] for row in rows])
    for row in rows:
        row["label"] = _("Tổng cộng") if row["key"] == "" else labels.get(row["key"], row["key"])
    disagreements = score_disagreements(period, where=where) if period and subject == Subject.GROUP and (
        ImportedGroupScore.objects.filter(period=period).exists()) else []
    return render(request, "web/score_distribution.html", {
        "title": _("Kết quả xếp loại"), "periods": periods, "period": period, "subject": subject, "by": by,
        "subjects": Subject.choices, "levels": [(key, label) for key, (label, _m) in LEVELS.items()],
        "rows": rows, "grades": Grade.choices, "disagreements": disagreements[:200],
        "disagreement_count": len(disagreements),
        "breadcrumbs": [Breadcrumb(_("Kết quả xếp loại"))],
    })


# --- explanation, what-if, trend ------------------------------------------------------------------------------

def _sparkline(trend: list[dict]) -> dict:
    """Points of an inline SVG polyline (width 240, height 60, 0–100 points) for the months that have a score."""
    width, height, step = 240, 60, 240 / max(len(trend) - 1, 1)
    points = [f"{index * step:.1f},{height - float(item['total']) * height / 100:.1f}"
              for index, item in enumerate(trend) if item["total"] is not None]
    return {"width": width, "height": height, "points": " ".join(points), "good_y": height - 85 * height / 100,
            "fair_y": height - 70 * height / 100, "average_y": height - 50 * height / 100}


def _whatif(request, score: Score, lines: list[dict]) -> dict:
    overrides = {line["fact_key"]: request.GET.get(line["fact_key"], "") for line in lines}
    context = {"values": overrides, "result": None, "error": ""}
    if any(value.strip() for value in overrides.values()):
        try:
            context["result"] = score_whatif(score, overrides)
        except DomainError as error:
            context["error"] = error.text()
    return context


def _score_page(request, *, subject: str, subject_id: int, title: str, crumbs: list[Breadcrumb], imported=None):
    period = request.GET.get("period") or None
    score = current_score(subject, subject_id, period)
    if score is None and period:
        raise Http404
    context = {"title": title, "breadcrumbs": crumbs, "score": score, "imported": imported}
    if score is not None:
        explanation = score_explanation(score)
        trend = score_trend(subject, subject_id, until=score.period)
        periods = Score.objects.filter(subject=subject, subject_id=subject_id, is_current=True).values_list(
            "period", flat=True).order_by("-period")
        context.update({
            "lines": explanation["lines"], "lost": explanation["lost"], "trend": trend, "spark": _sparkline(trend),
            "whatif": _whatif(request, score, explanation["lines"]), "periods": list(periods),
            "history": Score.objects.filter(subject=subject, subject_id=subject_id, period=score.period)
            .order_by("-computed_at", "-pk")[:10],
            "grade_class": GRADE_CLASS.get(score.grade, ""),
        })
        if imported is not None:
            context["imported"] = ImportedGroupScore.objects.filter(group_code=imported, period=score.period).first()
    return render(request, "web/score_detail.html", context)


@login_required
def group_score(request, code):
    group = access_group(request.user, code)
    crumbs = [Breadcrumb(_("Tổ TK&VV"), reverse("group-list")), Breadcrumb(str(group), reverse("group-detail",
                                                                                              args=[group.code])),
              Breadcrumb(_("Điểm và xếp loại"))]
    return _score_page(request, subject=Subject.GROUP, subject_id=group.pk,
                       title=_("Điểm và xếp loại — %(name)s") % {"name": group}, crumbs=crumbs, imported=group.code)


@login_required
def unit_score(request, code):
    unit = access_unit(request.user, code)
    crumbs = [Breadcrumb(_("Đơn vị hội"), reverse("unit-list")), Breadcrumb(unit.name, reverse("unit-detail",
                                                                                             args=[unit.code])),
              Breadcrumb(_("Điểm đánh giá"))]
    return _score_page(request, subject=Subject.COMMUNE_ASSOCIATION, subject_id=unit.pk,
                       title=_("Điểm đánh giá hoạt động ủy thác — %(name)s") % {"name": unit.name}, crumbs=crumbs)


urlpatterns = [
    path("rubrics/", rubric_list, name="rubric-list"),
    path("rubrics/<int:pk>/", rubric_detail, name="rubric-detail"),
    path("scores/", score_distribution, name="score-distribution"),
    path("scores/<str:code>/", group_score, name="score-group"),
    path("unit-scores/<str:code>/", unit_score, name="score-unit"),
]
