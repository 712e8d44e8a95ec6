"""Facts for every subject of a scope and period, gathered set-based from the month-end snapshots (one query per
subject kind, never a query per group). All ratios are percentages, Decimal, 2 places ROUND_HALF_UP
(``engine.ratio_percent``). Definitions (provisional — the official formulas of VB 3986 are not known; see
docs/scoring.md):

Group (GroupSnapshot of the period):
* ``session_activity_ratio`` — "giao dịch tại xã": the share of the group's loans with a balance that transacted at
  the commune session within the last three months, i.e. not flagged 3-months-inactive (every collection of an
  entrusted loan happens at the commune transaction point). No loan with a balance → 100.
* ``overdue_ratio`` — overdue ÷ outstanding (in-term + overdue + frozen) × 100 (§5). No outstanding → 0.
* ``principal_due_collected_ratio`` — principal collected in the month ÷ (collected + principal transferred to
  overdue in the month) × 100: what fell due was either paid or became overdue. Nothing due → 100.
* ``interest_collection_ratio`` — interest collected in the month ÷ (collected + interest arrears in term and overdue
  at the month end; arrears in grace excluded as in the 727 checklist) × 100. Nothing owed → 100.
* ``saver_share`` — member households with a savings balance at the month end ÷ current members × 100.
* ``savings_growth`` — (deposits − withdrawals of the month) ÷ the balance at the month start × 100; a start balance
  of 0 gives 100 when something was saved, else 0. From the snapshot's own flows, so it does not need the previous
  period to be closed.

Commune association unit (UnitSnapshot, commune level): ``overdue_ratio``, ``inactive_3m_share`` (inactive loans ÷
loans with a balance), ``group_savings_share`` (its groups with deposits in the month ÷ its groups),
``good_fair_group_share`` (from the group scores of the same run), ``inspection_coverage`` (the inspections app's
coverage ratio by unit, targets entered by the month end; no target → 100; app or data missing → None),
``briefing_attendance`` (sessions held in the month at the points serving its groups where one of its officers is
recorded at the giao ban ÷ those sessions; no session recorded → None), ``trainings_12m`` (TrainingRecord rows in the
12 months ending at the period end).

Commune / PGD / province (their snapshots' total rows, organization ""): ``overdue_ratio``, ``inactive_3m_share``,
``interest_collection_ratio``, ``principal_due_collected_ratio``, ``good_fair_group_share``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from uythac.closing.models import ALL_ORGANIZATIONS
from uythac.closing.scope import CloseScope
from uythac.core.periods import Period, add_months
from uythac.scoring.engine import ratio_percent

HUNDRED = Decimal("100.00")


@dataclass
class SubjectFacts:
    subject_id: int
    subject_key: str
    facts: dict[str, Decimal | None]
    organization_code: str = ""
    commune_id: int | None = None
    office_id: int | None = None
    province_id: int | None = None
    association_unit_id: int | None = None
    extra: dict = field(default_factory=dict)


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def _date(day: dt.date):
    return connection.ops.adapt_datefield_value(day)


def _scope_sql(scope: CloseScope, alias: str, columns: dict[str, str] | None = None) -> tuple[str, list]:
    columns = columns or {"province": f"{alias}.province_id", "office": f"{alias}.office_id",
                          "commune": f"{alias}.commune_id"}
    if scope.is_country:
        return "1 = 1", []
    return f"{columns[scope.kind]} = %s", [scope.pk]


def group_fact_rows(period: Period, scope: CloseScope) -> list[tuple]:
    """The snapshot figures of every group of the scope, one tuple per group (``group_facts_from_rows`` turns them
    into facts). Split so that a national run can score and write each group while the next are turned into
    facts, instead of holding 166,000 ``SubjectFacts`` first."""
    where, params = _scope_sql(scope, "g")
    end = _date(period.last_day)
    return _rows(
        "SELECT g.group_id, sg.code, g.organization_code, g.commune_id, g.office_id, g.province_id,"
        " g.association_unit_id, g.loans_with_balance, g.inactive_3m_loans, g.principal_overdue, g.outstanding,"
        " g.principal_collected, g.overdue_transferred, g.interest_collected,"
        " g.interest_arrears_in_term + g.interest_arrears_overdue, g.savings_members,"
        # A correlated count on the (group, left_on) index: robust whatever the planner's statistics (a join to a
        # grouped subquery became a nested loop over 5.7 M pairs on a freshly generated, unanalysed database).
        " (SELECT COUNT(*) FROM groups_groupmembership m WHERE m.group_id = g.group_id AND m.joined_on <= %s"
        "   AND (m.left_on IS NULL OR m.left_on > %s)),"
        " g.savings_balance, g.savings_deposited, g.savings_withdrawn"
        " FROM closing_groupsnapshot g JOIN groups_savingsgroup sg ON sg.id = g.group_id"
        f" WHERE g.period = %s AND {where} ORDER BY g.group_id",
        [end, end, str(period), *params],
    )


def group_facts_from_rows(rows: list[tuple]):
    """Yield the ``SubjectFacts`` of each row of ``group_fact_rows``, in order."""
    zero = Decimal("0.00")
    for (group_id, code, org, commune_id, office_id, province_id, unit_id, loans, inactive, overdue, outstanding,
         pcol, otr, icol, iarrears, savers, members, balance, deposited, withdrawn) in rows:
        net = deposited - withdrawn
        start = balance - net
        # A group that starts from nothing: any saving is full growth.
        growth = ratio_percent(net, start) if start > 0 else (HUNDRED if net > 0 else zero)
        facts = {
            "session_activity_ratio": ratio_percent(loans - inactive, loans, empty=HUNDRED),
            "overdue_ratio": ratio_percent(overdue, outstanding, empty=zero),
            "principal_due_collected_ratio": ratio_percent(pcol, pcol + otr, empty=HUNDRED),
            "interest_collection_ratio": ratio_percent(icol, icol + iarrears, empty=HUNDRED),
            "saver_share": ratio_percent(savers, max(members, savers), empty=zero),
            "savings_growth": growth,
        }
        yield SubjectFacts(group_id, code, facts, org, commune_id, office_id, province_id, unit_id,
                           extra={"inactive_3m_loans": inactive, "loans_with_balance": loans,
                                  "principal_overdue": overdue, "outstanding": outstanding,
                                  "members": members, "savers": savers})


def group_facts(period: Period, scope: CloseScope) -> list[SubjectFacts]:
    return list(group_facts_from_rows(group_fact_rows(period, scope)))


def _inspection_coverage(period: Period, scope: CloseScope) -> dict[str, tuple[Decimal | None, int]] | None:
    """(coverage ratio, targets not entered) per association unit code from the inspections app; None when the app
    gives nothing."""
    try:
        from uythac.inspections.selectors import coverage
    except ImportError:
        return None
    try:
        rows = coverage(scope, period, by="unit")
    except Exception:  # noqa: BLE001 — the inspections app is optional for scoring: no data, 0 points, explained.
        return None
    return {row.key: (HUNDRED if row.targets == 0 else row.ratio, row.missing + row.pending)
            for row in rows if row.kind == ""}


def unit_facts(period: Period, scope: CloseScope, group_grades: dict[int, list[str]]) -> list[SubjectFacts]:
    """Commune association units with a snapshot in the period. ``group_grades``: unit id → its groups' grades."""
    if scope.kind == "office":
        # A unit snapshot carries no PGD: the units whose groups the PGD serves.
        where = ("u.association_unit_id IN (SELECT gs.association_unit_id FROM closing_groupsnapshot gs"
                 " WHERE gs.period = u.period AND gs.office_id = %s)")
        params = [scope.pk]
    else:
        where, params = _scope_sql(scope, "u")
    first, end = _date(period.first_day), _date(period.last_day)
    year_start = _date(add_months(period.last_day, -12) + dt.timedelta(days=1))
    rows = _rows(
        "SELECT u.association_unit_id, au.code, org.code, u.commune_id, u.province_id, u.loans_with_balance,"
        " u.inactive_3m_loans, u.principal_overdue, u.outstanding, COALESCE(gs.n, 0), COALESCE(gs.saving, 0),"
        " COALESCE(tr.n, 0), ses.held, ses.attended"
        " FROM closing_unitsnapshot u JOIN network_associationunit au ON au.id = u.association_unit_id"
        " JOIN network_organization org ON org.id = au.organization_id"
        " LEFT JOIN (SELECT association_unit_id, COUNT(*) AS n,"
        "   SUM(CASE WHEN savings_deposited > 0 THEN 1 ELSE 0 END) AS saving FROM closing_groupsnapshot"
        "   WHERE period = %s GROUP BY association_unit_id) gs ON gs.association_unit_id = u.association_unit_id"
        " LEFT JOIN (SELECT association_unit_id, COUNT(*) AS n FROM scoring_trainingrecord"
        "   WHERE held_on >= %s AND held_on <= %s GROUP BY association_unit_id) tr"
        "   ON tr.association_unit_id = u.association_unit_id"
        " LEFT JOIN (SELECT pu.unit_id, COUNT(*) AS held, SUM(CASE WHEN EXISTS (SELECT 1 FROM"
        "     transaction_sessions_sessionattendee a WHERE a.session_id = s.id AND a.association_unit_id = pu.unit_id)"
        "     THEN 1 ELSE 0 END) AS attended"
        "   FROM (SELECT DISTINCT association_unit_id AS unit_id, transaction_point_id AS point_id"
        "     FROM groups_savingsgroup) pu"
        "   JOIN transaction_sessions_transactionsession s ON s.transaction_point_id = pu.point_id"
        "   WHERE s.session_date >= %s AND s.session_date <= %s GROUP BY pu.unit_id) ses"
        "   ON ses.unit_id = u.association_unit_id"
        f" WHERE u.period = %s AND au.level = 'COMMUNE' AND {where} ORDER BY u.association_unit_id",
        [str(period), year_start, end, first, end, str(period), *params],
    )
    coverage = _inspection_coverage(period, scope)
    result = []
    for (unit_id, code, org, commune_id, province_id, loans, inactive, overdue, outstanding, groups, saving,
         trainings, held, attended) in rows:
        grades = group_grades.get(unit_id, [])
        good_fair = sum(1 for g in grades if g in ("GOOD", "FAIR"))
        facts = {
            "overdue_ratio": ratio_percent(overdue, outstanding, empty=Decimal("0.00")),
            "inactive_3m_share": ratio_percent(inactive, loans, empty=Decimal("0.00")),
            "group_savings_share": ratio_percent(saving, groups, empty=Decimal("0.00")),
            "good_fair_group_share": ratio_percent(good_fair, len(grades), empty=HUNDRED),
            "inspection_coverage": None if coverage is None else coverage.get(code, (HUNDRED, 0))[0],
            "briefing_attendance": ratio_percent(attended or 0, held or 0, empty=None),
            "trainings_12m": Decimal(trainings),
        }
        result.append(SubjectFacts(unit_id, code, facts, org, commune_id, None, province_id, unit_id,
                                   extra={"inactive_3m_loans": inactive, "groups": groups, "principal_overdue": overdue,
                                          "outstanding": outstanding,
                                          "inspection_missing": None if coverage is None
                                          else coverage.get(code, (HUNDRED, 0))[1]}))
    return result


ROLLUPS = {
    # subject: (snapshot table, id column, code join)
    "COMMUNE": ("closing_communesnapshot", "commune_id", "geography_commune"),
    "OFFICE": ("closing_officesnapshot", "office_id", "network_transactionoffice"),
    "PROVINCE": ("closing_provincesnapshot", "province_id", "geography_province"),
}


def rollup_facts(subject: str, period: Period, ids: set[int], grades: dict[int, list[str]]) -> list[SubjectFacts]:
    """Total rows (all organizations) of the commune / PGD / province snapshots for ``ids``; ``grades``: entity id →
    grades of its groups scored in this run."""
    if not ids:
        return []
    table, column, master = ROLLUPS[subject]
    ordered = sorted(ids)
    rows = []
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        rows += _rows(
            f"SELECT s.{column}, m.code, s.loans_with_balance, s.inactive_3m_loans, s.principal_overdue,"
            f" s.outstanding, s.principal_collected, s.overdue_transferred, s.interest_collected,"
            f" s.interest_arrears_in_term + s.interest_arrears_overdue, s.province_id"
            f" FROM {table} s JOIN {master} m ON m.id = s.{column}"
            f" WHERE s.period = %s AND s.organization_code = %s AND s.{column} IN ({marks})",
            [str(period), ALL_ORGANIZATIONS, *chunk],
        )
    result = []
    for (entity_id, code, loans, inactive, overdue, outstanding, pcol, otr, icol, iarrears, province_id) in rows:
        entity_grades = grades.get(entity_id, [])
        good_fair = sum(1 for g in entity_grades if g in ("GOOD", "FAIR"))
        facts = {
            "overdue_ratio": ratio_percent(overdue, outstanding, empty=Decimal("0.00")),
            "inactive_3m_share": ratio_percent(inactive, loans, empty=Decimal("0.00")),
            "interest_collection_ratio": ratio_percent(icol, icol + iarrears, empty=HUNDRED),
            "principal_due_collected_ratio": ratio_percent(pcol, pcol + otr, empty=HUNDRED),
            "good_fair_group_share": ratio_percent(good_fair, len(entity_grades), empty=HUNDRED),
        }
        place = {"COMMUNE": {"commune_id": entity_id}, "OFFICE": {"office_id": entity_id},
                 "PROVINCE": {}}[subject]
        result.append(SubjectFacts(entity_id, code, facts, "", province_id=province_id if subject != "PROVINCE"
                                   else entity_id, **place))
    return result
