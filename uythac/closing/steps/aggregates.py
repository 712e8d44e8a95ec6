"""Step 4 — aggregates per group, association unit, commune, PGD and province, each an ``INSERT … SELECT … GROUP BY``
(never a loop per loan) over one temporary table of facts: the period's ``LoanSnapshot`` rows and, from the savings
app, every member savings account (TK 105) with its balance at E (cached balance + postings after E; a liability) and
the month's deposits and withdrawals, placed by its group.

Commune, PGD and province rows come once per organization code 11/12/13/14 (loans and savings of that association's
groups) and once for the total (``ALL_ORGANIZATIONS``, direct loans included). Distinct counts (borrowing households,
members saving, groups with a balance) are exact in every row — a household borrowing through two groups of a
commune counts once there. To keep each level cheap, the facts are reduced once to two small temporary tables: the
sums per place (group, unit, commune, PGD, province, organization: a few thousand rows) and the households flagged
borrowing / saving per place; each level then sums places, counts (entity, household) pairs and (entity, group)
pairs — no COUNT(DISTINCT), which costs a sort of every fact per level.

Which rows a close rewrites: a whole-country close deletes and rebuilds every row of the period. A scoped close
rebuilds the rows of every entity its loans and savings touch — from ALL the period's facts of that entity, so a
province row rebuilt by a PGD close still includes the other PGDs' loans as last closed (the facts cover the
provinces the scope touches: groups, communes, units and PGDs each lie in one province) — and deletes the rows
placed inside the scope that no longer have any fact. Every aggregate row therefore always equals the sum of the
period's loan snapshots (and savings at E) of its entity.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from uythac.closing import sql
from uythac.closing.models import ALL_ORGANIZATIONS
from uythac.closing.scope import COMMUNE, OFFICE, PROVINCE
from uythac.closing.steps import unit_programs
from uythac.closing.steps.base import CloseContext, Step
from uythac.ledger.chart import AccountCode as A

FACTS, CELLS, HOUSEHOLDS = "closing_tmp_facts", "closing_tmp_cells", "closing_tmp_households"
BY_HOUSEHOLD, SINGLES, PAID = "closing_tmp_by_household", "closing_tmp_singles", "closing_tmp_paid"
PLACES = ("group_id", "association_unit_id", "commune_id", "office_id", "province_id", "org")
# Cell columns summed when cells are grouped into an entity: (cell column, expression over the facts ``f``).
SUMS = (
    ("outstanding", "SUM(f.pc + f.po + f.pf)"),
    ("principal_current", "SUM(f.pc)"),
    ("principal_overdue", "SUM(f.po)"),
    ("principal_frozen", "SUM(f.pf)"),
    ("interest_arrears_in_term", "SUM(f.iit)"),
    ("interest_arrears_overdue", "SUM(f.iio)"),
    ("interest_arrears_grace", "SUM(f.iig)"),
    ("loans_with_balance", "SUM(CASE WHEN f.pc + f.po + f.pf > 0 THEN 1 ELSE 0 END)"),
    ("overdue_loans", "SUM(CASE WHEN f.po > 0 THEN 1 ELSE 0 END)"),
    ("inactive_3m_loans", "SUM(f.inactive)"),
    ("inactive_3m_amount", "SUM(CASE WHEN f.inactive = 1 THEN f.pc + f.po + f.pf ELSE 0 END)"),
    ("savings_balance", "SUM(f.sav)"),
    ("savings_deposited", "SUM(f.dep)"),
    ("savings_withdrawn", "SUM(f.wdr)"),
    ("disbursed_count", "SUM(CASE WHEN f.disbursed > 0 THEN 1 ELSE 0 END)"),
    ("disbursed_amount", "SUM(f.disbursed)"),
    ("principal_collected", "SUM(f.pcol)"),
    ("interest_collected", "SUM(f.icol)"),
    ("overdue_transferred", "SUM(f.otr)"),
)
# Flags of a cell, counted once per household in an entity. The last three are BC0437's member counts (columns K,
# Y, Z; export-formats.md §2.8): among the households with a balance in the place, those who paid interest in the
# closed months of the last three (``f.paid3``: in the same group, on any of their loans — a loan repaid since
# counts), and those with interest arrears in term or overdue, or in grace. Stored at the close so the report sums
# group rows instead of scanning three months of loan snapshots per page (0.6 s on a province).
BALANCE = "MAX(CASE WHEN f.pc + f.po + f.pf > 0 THEN 1 ELSE 0 END)"
FLAGS = (
    ("borrowing_households", BALANCE),
    ("savings_members", "MAX(CASE WHEN f.sav > 0 THEN 1 ELSE 0 END)"),
    ("members_paid_interest_3m", f"{BALANCE} * MAX(f.paid3)"),
    ("members_with_interest_arrears",
     "MAX(CASE WHEN f.pc + f.po + f.pf > 0 AND (f.iit > 0 OR f.iio > 0) THEN 1 ELSE 0 END)"),
    ("members_with_grace_arrears", "MAX(CASE WHEN f.pc + f.po + f.pf > 0 AND f.iig > 0 THEN 1 ELSE 0 END)"),
)
MEASURES = tuple(name for name, _e in SUMS) + tuple(name for name, _e in FLAGS) + ("groups_with_balance",)


@dataclass(frozen=True)
class Level:
    table: str
    key: str  # the cell column grouped on (also the aggregate's FK column)
    by_organization: bool
    location_join: str  # joins the entity (alias ``agg`` holds ``k``) to its place
    location_columns: dict[str, str]  # aggregate column → expression
    scope_columns: dict[str, str]  # scope kind → aggregate column placing the row inside a scope


LEVELS = (
    Level(
        "closing_groupsnapshot", "group_id", False,
        "JOIN groups_savingsgroup g ON g.id = agg.k JOIN geography_commune gc ON gc.id = g.commune_id"
        " JOIN network_transactionpoint tp ON tp.id = g.transaction_point_id",
        {"association_unit_id": "g.association_unit_id", "commune_id": "g.commune_id", "office_id": "tp.office_id",
         "province_id": "gc.province_id"},
        {PROVINCE: "province_id", OFFICE: "office_id", COMMUNE: "commune_id"},
    ),
    Level(
        "closing_unitsnapshot", "association_unit_id", False,
        "JOIN network_associationunit u ON u.id = agg.k",
        {"commune_id": "u.commune_id", "province_id": "u.province_id"},
        {PROVINCE: "province_id", COMMUNE: "commune_id"},
    ),
    Level(
        "closing_communesnapshot", "commune_id", True,
        "JOIN geography_commune c ON c.id = agg.k",
        {"province_id": "c.province_id"},
        {PROVINCE: "province_id", COMMUNE: "commune_id"},
    ),
    Level(
        "closing_officesnapshot", "office_id", True,
        "JOIN network_transactionoffice o ON o.id = agg.k JOIN network_branch b ON b.id = o.branch_id",
        {"province_id": "b.province_id"},
        {PROVINCE: "province_id", OFFICE: "office_id"},
    ),
    Level("closing_provincesnapshot", "province_id", True, "", {}, {PROVINCE: "province_id"}),
)


def rebuild_rows(ctx: CloseContext, table: str, key: str, scope_columns: dict[str, str], alias: str = "c") -> str:
    """Delete the period's rows of ``table`` that this close rebuilds (module docstring: every row of a country close;
    else the rows of the entities — ``key`` — the scope's facts touch, and the rows placed inside the scope) and
    return the filter (on ``alias``) of the facts to rebuild them from."""
    if ctx.scope.is_country:
        sql.execute(f"DELETE FROM {table} WHERE period = %s", [ctx.key])
        return ""
    keyset = f"SELECT {key} FROM {CELLS} WHERE in_scope = 1 AND {key} IS NOT NULL"
    placed = scope_columns.get(ctx.scope.kind)
    place_sql, place_params = (f" OR {placed} = %s", [ctx.scope.pk]) if placed else ("", [])
    sql.execute(f"DELETE FROM {table} WHERE period = %s AND ({key} IN ({keyset}){place_sql})", [ctx.key, *place_params])
    return f" AND {alias}.{key} IN ({keyset})"


class Aggregates(Step):
    name = "aggregates"
    label = _("Tổng hợp theo tổ, hội, xã, phòng giao dịch, tỉnh")

    def cleanup(self, ctx: CloseContext) -> None:
        """The rebuild below starts by deleting every row it is about to write: nothing else to undo."""

    def run(self, ctx: CloseContext) -> int:
        self._facts(ctx)
        self._cells()
        sql.analyze(CELLS, SINGLES, HOUSEHOLDS)
        rows = sum(self._level(ctx, level) for level in LEVELS)
        rows += unit_programs.write(ctx, FACTS, rebuild_rows(
            ctx, unit_programs.TABLE, "association_unit_id", unit_programs.SCOPE_COLUMNS, alias="f"))
        sql.drop_temp(FACTS, CELLS, BY_HOUSEHOLD, SINGLES, HOUSEHOLDS)
        return rows

    def _facts(self, ctx: CloseContext) -> None:
        """Materialise the facts once (a temporary table: no WAL, no index): loan snapshots and savings at E."""
        sql.temp_table(
            FACTS,
            "group_id BIGINT, association_unit_id BIGINT, commune_id BIGINT, office_id BIGINT, province_id BIGINT,"
            " org VARCHAR(2), household BIGINT, pc BIGINT, po BIGINT, pf BIGINT, iit BIGINT, iio BIGINT, iig BIGINT,"
            " inactive INTEGER, disbursed BIGINT, pcol BIGINT, icol BIGINT, otr BIGINT, sav BIGINT, dep BIGINT,"
            " wdr BIGINT, in_scope INTEGER, paid3 INTEGER, program VARCHAR(2)",
        )
        loan_scope, loan_params = ctx.scope.snapshot_filter("s")
        region, region_params = self._region(ctx)
        self._paid_interest(ctx, region, region_params)
        sql.execute(
            f"INSERT INTO {FACTS} SELECT s.group_id, s.association_unit_id, s.commune_id, s.office_id, s.province_id,"
            f" s.organization_code, s.household_id, s.principal_current, s.principal_overdue, s.principal_frozen,"
            f" s.interest_arrears_in_term, s.interest_arrears_overdue, s.interest_arrears_grace,"
            f" CASE WHEN s.is_inactive_3m THEN 1 ELSE 0 END, s.disbursed_in_period, s.principal_collected,"
            f" s.interest_collected, s.overdue_transferred, 0, 0, 0, CASE WHEN {loan_scope} THEN 1 ELSE 0 END,"
            f" CASE WHEN s.interest_collected > 0 OR p.group_id IS NOT NULL THEN 1 ELSE 0 END, s.program_code"
            f" FROM closing_loansnapshot s"
            f" LEFT JOIN {PAID} p ON p.group_id = s.group_id AND p.household = s.household_id"
            f" WHERE s.period = %s AND s.province_id IN ({region})",
            [*loan_params, ctx.key, *region_params],
        )
        sql.drop_temp(PAID)
        savings = ctx.account_id(A.SAVINGS_105)
        group_scope, group_params = ctx.scope.group_filter()
        sql.execute(
            f"INSERT INTO {FACTS} SELECT a.group_id, g.association_unit_id, g.commune_id, tp.office_id,"
            f" gc.province_id, org.code, a.household_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,"
            f" a.balance + COALESCE(lt.later, 0), COALESCE(f.deposited, 0), COALESCE(f.withdrawn, 0),"
            f" CASE WHEN {group_scope} THEN 1 ELSE 0 END, 0, ''"
            f" FROM savings_membersavingsaccount a JOIN groups_savingsgroup g ON g.id = a.group_id"
            f" JOIN geography_commune gc ON gc.id = g.commune_id"
            f" JOIN network_transactionpoint tp ON tp.id = g.transaction_point_id"
            f" JOIN network_associationunit u ON u.id = g.association_unit_id"
            f" JOIN network_organization org ON org.id = u.organization_id"
            f" LEFT JOIN (SELECT p.subledger_key, SUM(p.amount) AS later FROM ledger_posting p"
            f"   WHERE p.account_id = %s AND p.subledger_type = 'savings' AND p.value_date > %s"
            f"   GROUP BY p.subledger_key) lt ON lt.subledger_key = a.account_number"
            f" LEFT JOIN (SELECT p.subledger_key, -SUM(CASE WHEN p.amount < 0 THEN p.amount ELSE 0 END) AS deposited,"
            f"   SUM(CASE WHEN p.amount > 0 THEN p.amount ELSE 0 END) AS withdrawn FROM ledger_posting p"
            f"   WHERE p.account_id = %s AND p.subledger_type = 'savings' AND p.value_date >= %s"
            f"   AND p.value_date <= %s GROUP BY p.subledger_key) f ON f.subledger_key = a.account_number"
            f" WHERE a.account_number IS NOT NULL AND a.opened_on <= %s AND (a.closed_on IS NULL OR a.closed_on >= %s)"
            f" AND gc.province_id IN ({region})",
            [*group_params, savings, ctx.end_param, savings, ctx.first_param, ctx.end_param, ctx.end_param,
             ctx.first_param, *region_params],
        )

    def _paid_interest(self, ctx: CloseContext, region: str, region_params: list) -> None:
        """(group, household) pairs that paid interest in the group in the two months before the period (a month not
        closed has no snapshot); the period's own payments are in the facts (``f.icol``)."""
        sql.drop_temp(PAID)
        sql.execute(
            f"CREATE TEMPORARY TABLE {PAID} AS SELECT DISTINCT s.group_id, s.household_id AS household"
            f" FROM closing_loansnapshot s WHERE s.period IN (%s, %s) AND s.interest_collected > 0"
            f" AND s.group_id IS NOT NULL AND s.province_id IN ({region})",
            [str(ctx.period.add(-1)), str(ctx.period.add(-2)), *region_params],
        )
        sql.analyze(PAID)

    def _cells(self) -> None:
        """Sum the facts per place, and list the households flagged per place: the grains every level reads.

        Distinct households per entity, cheaply and exactly: almost every household has its flagged facts (a loan
        with a balance, savings) in ONE place (group, unit, commune, PGD, province, organization), so it counts once
        in every entity containing that place — such households are simply counted per place (``SINGLES``, a few
        thousand rows). Only households flagged in several places (two groups, a loan and savings in different
        groups…) stay in ``HOUSEHOLDS``, where each level counts (entity, household) pairs. This replaced a pass
        over ~100,000 household rows per level (eight levels) with one pass in all."""
        # CAST: PostgreSQL's SUM(bigint) is NUMERIC, much slower to add up again at every level than BIGINT.
        sums = ", ".join(f"CAST({expression} AS BIGINT) AS {name}" for name, expression in SUMS)
        places = ", ".join(f"f.{place} AS {place}" for place in PLACES)
        grouping = ", ".join(f"f.{place}" for place in PLACES)
        flags = ", ".join(f"{expression} AS {name}" for name, expression in FLAGS)
        sql.drop_temp(CELLS, BY_HOUSEHOLD, SINGLES, HOUSEHOLDS)
        sql.execute(f"CREATE TEMPORARY TABLE {CELLS} AS SELECT {places}, {sums}, MAX(f.in_scope) AS in_scope"
                    f" FROM {FACTS} f GROUP BY {grouping}")
        sql.execute(
            f"CREATE TEMPORARY TABLE {BY_HOUSEHOLD} AS SELECT h.*, COUNT(*) OVER (PARTITION BY h.household) AS places"
            f" FROM (SELECT {places}, f.household AS household, {flags} FROM {FACTS} f"
            f"  WHERE f.pc + f.po + f.pf > 0 OR f.sav > 0 GROUP BY {grouping}, f.household) h"
        )
        places = ", ".join(f"h.{place} AS {place}" for place in PLACES)
        grouping = ", ".join(f"h.{place}" for place in PLACES)
        sql.execute(f"CREATE TEMPORARY TABLE {SINGLES} AS SELECT {places},"
                    f" {', '.join(f'SUM(h.{name}) AS {name}' for name, _e in FLAGS)}"
                    f" FROM {BY_HOUSEHOLD} h WHERE h.places = 1 GROUP BY {grouping}")
        sql.execute(f"CREATE TEMPORARY TABLE {HOUSEHOLDS} AS SELECT {places}, h.household AS household,"
                    f" {', '.join(f'h.{name} AS {name}' for name, _e in FLAGS)} FROM {BY_HOUSEHOLD} h"
                    f" WHERE h.places > 1")

    def _region(self, ctx: CloseContext) -> tuple[str, list]:
        """The provinces whose facts are needed: all (country), else those the scope's loans and groups lie in —
        looked up once here as a list of ids (as a subquery, the three statements that use it each scanned the
        period's loan snapshots again: 0.06 s apiece on a province); a province scope is its own region."""
        if ctx.scope.is_country:
            return "SELECT id FROM geography_province", []
        if ctx.scope.kind == PROVINCE:
            ids = [ctx.scope.pk]
        else:
            loan_scope, loan_params = ctx.scope.snapshot_filter("s")
            group_scope, group_params = ctx.scope.group_filter()
            ids = [row[0] for row in sql.fetch_all(
                f"SELECT s.province_id FROM closing_loansnapshot s WHERE s.period = %s AND {loan_scope}"
                f" UNION SELECT gc.province_id FROM groups_savingsgroup g"
                f" JOIN geography_commune gc ON gc.id = g.commune_id"
                f" JOIN network_transactionpoint tp ON tp.id = g.transaction_point_id WHERE {group_scope}",
                [ctx.key, *loan_params, *group_params],
            ) if row[0] is not None] or [0]
        return ", ".join(["%s"] * len(ids)), ids

    def _level(self, ctx: CloseContext, level: Level) -> int:
        key_filter = rebuild_rows(ctx, level.table, level.key, level.scope_columns)
        inserted = self._insert(ctx, level, key_filter, by_organization=False)
        if level.by_organization:
            inserted += self._insert(ctx, level, key_filter, by_organization=True)
        return inserted

    def _insert(self, ctx: CloseContext, level: Level, key_filter: str, *, by_organization: bool) -> int:
        key = f"c.{level.key}"
        where = f"WHERE {key} IS NOT NULL{key_filter}" + (" AND c.org <> ''" if by_organization else "")
        # by organization: one row per code (direct loans, without one, only in the total); a group or a unit
        # belongs to one organization; otherwise the total row.
        org_in, org_group, org_match = (", c.org AS org", ", c.org", " AND {o}.org = agg.org") if by_organization \
            else ("", "", "")
        sums = (
            f"SELECT {key} AS k{org_in}, MAX(c.org) AS org_any, {', '.join(f'SUM(c.{n}) AS {n}' for n, _e in SUMS)}"
            f" FROM {CELLS} c {where} GROUP BY {key}{org_group}"
        )
        households = (
            f"SELECT y.k{', y.org' if by_organization else ''}, {', '.join(f'SUM(y.{n}) AS {n}' for n, _e in FLAGS)}"
            f" FROM (SELECT {key} AS k{org_in}, {', '.join(f'MAX(c.{n}) AS {n}' for n, _e in FLAGS)}"
            f"  FROM {HOUSEHOLDS} c {where} GROUP BY {key}{org_group}, c.household"
            f"  UNION ALL SELECT {key} AS k{org_in}, {', '.join(f'SUM(c.{n}) AS {n}' for n, _e in FLAGS)}"
            f"  FROM {SINGLES} c {where} GROUP BY {key}{org_group}) y"
            f" GROUP BY y.k{', y.org' if by_organization else ''}"
        )
        groups = (
            f"SELECT y.k{', y.org' if by_organization else ''}, COUNT(*) AS groups_with_balance FROM ("
            f" SELECT {key} AS k{org_in}, c.group_id FROM {CELLS} c {where} AND c.group_id IS NOT NULL"
            f" GROUP BY {key}{org_group}, c.group_id HAVING SUM(c.outstanding) > 0) y"
            f" GROUP BY y.k{', y.org' if by_organization else ''}"
        )
        if by_organization:
            org_value, org_params = "agg.org", []
        elif level.by_organization:
            org_value, org_params = "%s", [ALL_ORGANIZATIONS]
        else:
            org_value, org_params = "agg.org_any", []
        columns = ["period", "organization_code", level.key, *level.location_columns, *MEASURES]
        values = ["%s", org_value, "agg.k", *level.location_columns.values(),
                  *(f"agg.{name}" for name, _e in SUMS), *(f"COALESCE(hh.{name}, 0)" for name, _e in FLAGS),
                  "COALESCE(gw.groups_with_balance, 0)"]
        extra_join, extra_params = "", []
        extra = self._extra_column(ctx, level, where)
        if extra is not None:
            column, subquery, extra_params = extra
            columns.append(column)
            values.append("COALESCE(ex.n, 0)")
            extra_join = f" LEFT JOIN ({subquery}) ex ON ex.k = agg.k"
        return sql.execute(
            f"INSERT INTO {level.table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM ({sums}) agg"
            f" LEFT JOIN ({households}) hh ON hh.k = agg.k{org_match.format(o='hh')}"
            f" LEFT JOIN ({groups}) gw ON gw.k = agg.k{org_match.format(o='gw')} {level.location_join}{extra_join}",
            [ctx.key, *org_params, *extra_params],
        )

    @staticmethod
    def _extra_column(ctx: CloseContext, level: Level, where: str) -> tuple[str, str, list] | None:
        """The column only one level has, as (column, subquery giving ``k`` and ``n``, its parameters)."""
        if level.key == "group_id":
            # A group's members at E (the memberships of the groups written, through the group_id index).
            return "members", (
                f"SELECT m.group_id AS k, COUNT(*) AS n FROM groups_groupmembership m"
                f" WHERE m.joined_on <= %s AND (m.left_on IS NULL OR m.left_on > %s)"
                f" AND m.group_id IN (SELECT c.group_id FROM {CELLS} c {where}) GROUP BY m.group_id"
            ), [ctx.end_param, ctx.end_param]
        if level.key == "association_unit_id":
            # BC0438 ①: the villages of the unit's groups that have a balance (a group is formed in its village,
            # process.md §7) — from the few thousand cells, not the households.
            return "villages_with_balance", (
                f"SELECT y.k, COUNT(*) AS n FROM (SELECT DISTINCT c.association_unit_id AS k, gv.village_id AS v"
                f" FROM {CELLS} c JOIN groups_savingsgroup_villages gv ON gv.savingsgroup_id = c.group_id {where}"
                f" AND c.outstanding > 0) y GROUP BY y.k"
            ), []
        return None
