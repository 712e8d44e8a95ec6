"""Sections of the entrustment report fed by other apps, through their documented selectors:

* group grades — ``uythac.scoring.selectors.grade_distribution`` (current group scores of the period, by
  organization, counts and % to 2 places ROUND_HALF_UP), with the change of each grade against the comparison;
* inspections (seed 001 table B) — ``uythac.inspections.selectors.inspection_counts`` (/work notes
  "inspections_api": distinct districts, communes, groups and households inspected in the year, per organization and
  inspecting level).

When the app holds nothing for the period the section says "no data in the system" — never a zero that was not
counted. Fees and training have no selector yet: their sections always say so.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.closing.scope import COMMUNE, OFFICE, PROVINCE, CloseScope
from uythac.inspections.models import InspectorLevel
from uythac.inspections.selectors import inspection_counts
from uythac.reports.entrustment_types import ExternalSection
from uythac.scoring.models import Grade, Subject
from uythac.scoring.selectors import grade_distribution

NO_DATA = "no-data"
#: Table B's levels: the provincial and the (pre-2025) district chapters, as seed 001 prints them.
INSPECTION_LEVELS = (InspectorLevel.ASSOCIATION_PROVINCE, InspectorLevel.ASSOCIATION_DISTRICT,
                     InspectorLevel.ASSOCIATION_COMMUNE)


def no_data(key: str) -> ExternalSection:
    return ExternalSection(key, False, (), _("Hệ thống chưa có số liệu cho kỳ này."))


def _score_place(scope: CloseScope) -> Q:
    return {PROVINCE: Q(province_id=scope.pk), OFFICE: Q(office_id=scope.pk),
            COMMUNE: Q(commune_id=scope.pk)}.get(scope.kind, Q())


def grades_section(scope: CloseScope, period: str, compare: str | None, organizations) -> ExternalSection:
    """Rows (code, count, {grade: (count, pct)}, {grade: change or None}); code "" is the total."""
    where = _score_place(scope) & Q(organization_code__in=organizations)
    rows = grade_distribution(period, subject=Subject.GROUP, by="organization", where=where)
    if not rows or not any(row["count"] for row in rows):
        return no_data("grades")
    before = {}
    if compare:
        before = {row["key"]: row for row in grade_distribution(compare, subject=Subject.GROUP, by="organization",
                                                                where=where)}
    result = []
    for row in rows:
        key = row["key"]
        grades = {grade: (row[grade], row[f"{grade}_pct"]) for grade in Grade.values}
        changes = {grade: (row[grade] - before[key][grade]) if key in before else None for grade in Grade.values}
        result.append((key, row["count"], grades, changes))
    return ExternalSection("grades", True, tuple(result))


def inspections_section(scope: CloseScope, first: dt.date, last: dt.date, organizations) -> ExternalSection:
    """Rows (code, level, districts, communes, groups, households): per organization its all-levels row (level "")
    then its association levels; the grand total of the shown organizations last (code "*")."""
    rows = [row for row in inspection_counts(scope, first, last)
            if row.organization_code in organizations and (row.level == "" or row.level in INSPECTION_LEVELS)]
    if not any(row.inspections for row in rows):
        return no_data("inspections")
    order = {level: n for n, level in enumerate(("", *INSPECTION_LEVELS))}
    rows.sort(key=lambda row: (row.organization_code, order[row.level]))
    result = tuple((row.organization_code, row.level, row.districts, row.communes, row.groups, row.households)
                   for row in rows)
    totals = tuple(sum(row[i] for row in result if row[1] == "") for i in range(2, 6))
    return ExternalSection("inspections", True, (*result, ("*", "", *totals)))


def level_label(level: str) -> str:
    return str(InspectorLevel(level).label) if level else ""
