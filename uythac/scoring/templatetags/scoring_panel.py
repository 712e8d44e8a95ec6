"""``{% score_panel "GROUP" group %}`` — the compact score panel of the group and association-unit pages: the latest
score, points per criterion, the three criteria losing most points with the action that wins them back, and a link
to the full explanation (what-if, trend). The caller has already fetched the object through its guarded access."""

from decimal import Decimal

from django import template
from django.urls import reverse

from uythac.scoring.models import Subject
from uythac.scoring.selectors import current_score, score_explanation

register = template.Library()

GRADE_CLASS = {"GOOD": "ok", "FAIR": "ok", "AVERAGE": "provisional", "WEAK": "bad"}
PAGES = {Subject.GROUP: "score-group", Subject.COMMUNE_ASSOCIATION: "score-unit"}


@register.inclusion_tag("web/score_panel.html")
def score_panel(subject: str, subject_object) -> dict:
    url = reverse(PAGES[subject], args=[subject_object.code])
    score = current_score(subject, subject_object.pk)
    if score is None:
        return {"panel": {"score": None, "url": url}}
    explanation = score_explanation(score)
    losing = sorted((line for line in explanation["lines"] if line["lost"] > 0), key=lambda line: -line["gain"])
    return {"panel": {"score": score, "url": url, "lines": explanation["lines"], "actions": losing[:3],
                      "lost": explanation["lost"], "grade_class": GRADE_CLASS.get(score.grade, ""),
                      "zero": Decimal(0)}}
