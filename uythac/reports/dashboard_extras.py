"""The two dashboard figures that come from other apps than the month-end close:

* ``grade_distribution(node, period, previous)`` — the groups of the node by grade (Tốt / Khá / Trung bình / Yếu)
  from the current month-end scores of ``uythac.scoring`` (``Score``, subject GROUP), with shares in % (ROUND_HALF_UP,
  2 places). Empty until the scoring step has run for the period: the dashboard then shows no grade card.
* ``inspection_coverage(node, user, period)`` — the share of the period's inspection targets covered in time, from
  ``uythac.inspections.selectors.coverage`` (its rules are provisional: shown "tạm tính"). None for a group.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from uythac.accounts.scope import scope_for
from uythac.closing.scope import COMMUNE as CLOSE_COMMUNE
from uythac.closing.scope import OFFICE as CLOSE_OFFICE
from uythac.closing.scope import PROVINCE as CLOSE_PROVINCE
from uythac.closing.scope import CloseScope
from uythac.inspections.selectors import coverage
from uythac.reports.dashboard import ratio
from uythac.reports.dashboard_nodes import COMMUNE, COMMUNES, COUNTRY, GROUP, OFFICE, PROVINCE, UNIT, Node
from uythac.scoring.models import Grade, Score, Subject


@dataclass(frozen=True)
class GradeCount:
    grade: str
    label: str
    count: int
    share: Decimal | None
    previous: int | None

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.count - self.previous


def _score_filter(node: Node) -> Q:
    obj = node.obj
    if node.kind == COUNTRY:
        return Q()
    if node.kind == PROVINCE:
        return Q(province_id=obj.id)
    if node.kind == OFFICE:
        return Q(office_id=obj.id)
    if node.kind == COMMUNES:
        return Q(commune_id__in=node.commune_ids)
    if node.kind == COMMUNE:
        return Q(commune_id=obj.id)
    if node.kind == UNIT:
        return Q(association_unit_id=obj.id)
    return Q(subject_id=obj.id)


def grade_distribution(node: Node, period: str, previous: str | None) -> list[GradeCount]:
    """Groups by grade at ``period`` (and the counts at ``previous``); [] when the period has no group score."""
    rows = Score.objects.filter(_score_filter(node), subject=Subject.GROUP, is_current=True,
                                period__in=[p for p in (period, previous) if p])
    if node.organization:
        rows = rows.filter(organization_code=node.organization)
    counts: dict[str, dict[str, int]] = {}
    for row in rows.values("period", "grade").annotate(n=Count("id")).order_by():
        counts.setdefault(row["period"], {})[row["grade"]] = row["n"]
    now = counts.get(period)
    if not now:
        return []
    before = counts.get(previous) if previous else None
    whole = sum(now.values())
    return [GradeCount(grade.value, str(grade.label), now.get(grade.value, 0), ratio(now.get(grade.value, 0), whole, 2),
                       None if before is None else before.get(grade.value, 0))
            for grade in Grade]


@dataclass(frozen=True)
class Coverage:
    targets: int
    covered: int
    ratio: Decimal | None
    provisional: bool


def _coverage_scope(node: Node, user):
    if node.kind == COUNTRY:
        return None
    if node.kind == COMMUNES:
        return scope_for(user)
    kind = {PROVINCE: CLOSE_PROVINCE, OFFICE: CLOSE_OFFICE, COMMUNE: CLOSE_COMMUNE, UNIT: CLOSE_COMMUNE}[node.kind]
    obj = node.obj if node.kind != UNIT else node.obj.commune
    return CloseScope(kind, obj.code, obj.pk, str(obj))


def inspection_coverage(node: Node, user, period: str) -> Coverage | None:
    """Targets due in the period and those covered in time, for the node (its organization for an officer)."""
    if node.kind == GROUP:
        return None
    if node.kind == UNIT:
        by, key = "unit", node.obj.code
    elif node.organization:
        by, key = "organization", node.organization
    else:
        by, key = "total", ""
    rows = [row for row in coverage(_coverage_scope(node, user), period, by=by) if row.key == key and row.kind == ""]
    if not rows or not rows[0].targets:
        return None
    row = rows[0]
    return Coverage(row.targets, row.covered, row.ratio, row.provisional)
