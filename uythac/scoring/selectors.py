"""Reading scores: current score of a subject, explanation with the actions that win points back, what-if, the
12-month trend, grade distributions by organization and level, disagreements with the bank's imported grades."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.core.periods import Period
from uythac.scoring import engine
from uythac.scoring.models import Criterion, Grade, ImportedGroupScore, Score, Subject
from uythac.scoring.rubrics import rubric_spec

#: |our total − the bank's total| above which a group is listed as a disagreement even with the same grade (points).
DISAGREEMENT_POINTS = Decimal("5")


def current_score(subject: str, subject_id: int, period: str | None = None) -> Score | None:
    found = Score.objects.filter(subject=subject, subject_id=subject_id, is_current=True).select_related("rubric")
    if period:
        found = found.filter(period=period)
    return found.order_by("-period").first()


def score_trend(subject: str, subject_id: int, *, until: str, months: int = 12) -> list[dict]:
    """The current score of each of the ``months`` periods ending with ``until`` (missing months: total None)."""
    last = Period.parse(until)
    periods = [str(last.add(-offset)) for offset in range(months - 1, -1, -1)]
    found = dict(Score.objects.filter(subject=subject, subject_id=subject_id, is_current=True, period__in=periods)
                 .values_list("period", "total"))
    grades = dict(Score.objects.filter(subject=subject, subject_id=subject_id, is_current=True, period__in=periods)
                  .values_list("period", "grade"))
    return [{"period": p, "total": found.get(p), "grade": grades.get(p)} for p in periods]


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    return text.replace(".", ",")


def _action(criterion: Criterion, line: dict, counts: dict) -> str:
    better = line["better"]
    if better is None:
        if line["explanation"] == "missing_fact":
            if criterion.fact_key == "inspection_coverage":
                return _("Chưa có số liệu kiểm tra: %(hint)s: tối đa +%(gain)s điểm") % {
                    "hint": criterion.action_hint, "gain": _number(Decimal(line["lost"]))}
            return _("Chưa có số liệu: %(hint)s: tối đa +%(gain)s điểm") % {
                "hint": criterion.action_hint, "gain": _number(Decimal(line["lost"]))}
        return ""
    gain, bound = _number(Decimal(better["gain"])), better["bound"]
    fact = criterion.fact_key
    if fact == "overdue_ratio" and bound is not None and counts.get("outstanding"):
        target = (Decimal(bound) * counts["outstanding"] / 100).to_integral_value(rounding=ROUND_FLOOR)
        amount = max(counts["principal_overdue"] - int(target), 0)
        return _("Thu hồi %(amount)s nợ quá hạn (tỷ lệ về %(bound)s%%): +%(gain)s điểm") % {
            "amount": _vnd(amount), "bound": _number(Decimal(bound)), "gain": gain}
    if fact in ("session_activity_ratio", "inactive_3m_share") and counts.get("inactive_3m_loans"):
        return _("%(count)s món vay 3 tháng không giao dịch — %(hint)s: +%(gain)s điểm") % {
            "count": counts["inactive_3m_loans"], "hint": criterion.action_hint.lower(), "gain": gain}
    if fact == "inspection_coverage" and counts.get("inspection_missing"):
        return _("%(count)s mục tiêu kiểm tra (727) chưa nhập vào hệ thống: +%(gain)s điểm") % {
            "count": counts["inspection_missing"], "gain": gain}
    if bound is None:
        return _("%(hint)s: +%(gain)s điểm") % {"hint": criterion.action_hint, "gain": gain}
    return _("%(hint)s (đạt %(bound)s%(unit)s): +%(gain)s điểm") % {
        "hint": criterion.action_hint, "bound": _number(Decimal(bound)), "unit": criterion.unit, "gain": gain}


def score_explanation(score: Score) -> dict:
    """Per criterion: name, fact, points, max, lost, the next band's gain and the action that wins it."""
    criteria = {c.code: c for c in Criterion.objects.filter(rubric=score.rubric)}
    counts = score.facts.get("_counts", {})
    lines = []
    for line in score.contributions:
        criterion = criteria[line["code"]]
        lines.append({
            "code": line["code"], "name": criterion.name, "fact_key": line["fact_key"], "unit": criterion.unit,
            "fact": None if line["fact"] is None else Decimal(line["fact"]),
            "points": Decimal(line["points"]), "max": Decimal(line["max"]), "lost": Decimal(line["lost"]),
            "gain": Decimal(line["better"]["gain"]) if line["better"] else Decimal(line["lost"]),
            "explanation": line["explanation"], "action": _action(criterion, line, counts),
        })
    return {"score": score, "lines": lines, "lost": sum((line["lost"] for line in lines), Decimal(0))}


def score_whatif(score: Score, overrides: dict[str, str]) -> engine.ScoreResult:
    """The score the same rubric would give with some facts changed (values as typed: "1,5" or "1.5")."""
    facts: dict[str, Decimal | None] = {
        key: None if value is None else Decimal(value) for key, value in score.facts.items() if not key.startswith("_")
    }
    for key, text in overrides.items():
        if key not in facts or text in (None, ""):
            continue
        try:
            facts[key] = Decimal(str(text).strip().replace(",", "."))
        except InvalidOperation:
            raise DomainError(_("Giá trị «%(value)s» không phải là số.") % {"value": text}, field=key) from None
        if not facts[key].is_finite():
            raise DomainError(_("Giá trị «%(value)s» không phải là số.") % {"value": text}, field=key)
    return engine.score(rubric_spec(score.rubric), facts)


LEVEL_FIELDS = {"organization": "organization_code", "province": "province_id", "office": "office_id",
                "commune": "commune_id", "unit": "association_unit_id"}


def _pct(count: int, total: int) -> Decimal:
    return engine.ratio_percent(count, total, empty=Decimal("0.00"))


def grade_distribution(period: str, *, subject: str = Subject.GROUP, by: str = "organization",
                       where: Q | None = None) -> list[dict]:
    """Grade counts and percentages (2 places ROUND_HALF_UP) per value of ``by`` plus a total row (key "")."""
    field = LEVEL_FIELDS[by]
    rows = Score.objects.filter(period=period, subject=subject, is_current=True)
    if where is not None:
        rows = rows.filter(where)
    counts: dict = defaultdict(lambda: dict.fromkeys(Grade.values, 0))
    for key, grade, n in _grouped(rows, field):
        counts[key][grade] += n
        counts[""][grade] += n
    result = []
    for key in sorted(counts, key=lambda k: (k != "", str(k))):
        row = {"key": key, **counts[key]}
        row["count"] = sum(counts[key].values())
        for grade in Grade.values:
            row[f"{grade}_pct"] = _pct(row[grade], row["count"])
        row["good_fair_pct"] = _pct(row["GOOD"] + row["FAIR"], row["count"])
        result.append(row)
    return result


def _grouped(rows, field: str):
    from django.db.models import Count

    for item in rows.values(field, "grade").annotate(n=Count("id")).order_by():
        yield item[field] if item[field] is not None else "", item["grade"], item["n"]


def score_disagreements(period: str, *, where: Q | None = None) -> list[dict]:
    """Groups whose imported (bank) grade differs from ours, or whose totals differ by more than
    ``DISAGREEMENT_POINTS``; also imported groups we did not score and the reverse is not listed (ours only)."""
    imported = ImportedGroupScore.objects.filter(period=period)
    ours = Score.objects.filter(period=period, subject=Subject.GROUP, is_current=True)
    if where is not None:
        ours = ours.filter(where)
    by_code = {s.subject_key: s for s in ours.only("subject_key", "total", "grade", "contributions")}
    result = []
    for row in imported.order_by("group_code"):
        mine = by_code.get(row.group_code)
        if mine is None:
            if where is None:
                result.append({"imported": row, "ours": None, "difference": None, "criteria": []})
            continue
        difference = mine.total - row.total
        if mine.grade == row.grade and abs(difference) <= DISAGREEMENT_POINTS:
            continue
        points = {c["code"]: Decimal(c["points"]) for c in mine.contributions}
        criteria = [(code, points.get(code), getattr(row, code)) for code in
                    ("diem_gdtx", "diem_nqh", "diem_thu_no", "diem_thu_lai", "diem_tv_tiengui", "diem_ds_tg")
                    if points.get(code) != getattr(row, code)]
        result.append({"imported": row, "ours": mine, "difference": difference, "criteria": criteria})
    return result
