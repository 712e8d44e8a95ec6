"""Month-end snapshots of the national profile: one row per group and period drawn from seeded hashes, then the
unit, commune, PGD and province rows as sums of the group rows (``uythac.synthetic.national``)."""

from __future__ import annotations

from uythac.core.periods import Period
from uythac.synthetic.national.plan import TMP_GROUPS, _execute, _rand

MEASURES = (
    "principal_current",
    "principal_overdue",
    "principal_frozen",
    "interest_arrears_in_term",
    "interest_arrears_overdue",
    "interest_arrears_grace",
    "outstanding",
    "loans_with_balance",
    "borrowing_households",
    "groups_with_balance",
    "overdue_loans",
    "inactive_3m_loans",
    "inactive_3m_amount",
    "savings_balance",
    "savings_members",
    "members_paid_interest_3m",
    "members_with_interest_arrears",
    "members_with_grace_arrears",
    "savings_deposited",
    "savings_withdrawn",
    "disbursed_count",
    "disbursed_amount",
    "principal_collected",
    "interest_collected",
    "overdue_transferred",
)


def _thousands(expression: str) -> str:
    return f"(round(({expression}) / 1000.0) * 1000)::bigint"


def _tiers(clean: str, nearly: str, mild: str, severe: str, failing: str) -> str:
    return (
        f"CASE WHEN a.q < 0.86 THEN {clean} WHEN a.q < 0.935 THEN {nearly} WHEN a.q < 0.991 THEN {mild}"
        f" WHEN a.q < 0.9994 THEN {severe} ELSE {failing} END"
    )


def _build_group_snapshots(seed: int, periods: list[Period]) -> int:
    """One GroupSnapshot per group and period. ``back`` = months before the newest period (balances grow 0.4 % a
    month, savings 1 %); the per-period draws ``j``, ``j2`` move the tail groups' figures from month to month."""
    j = _rand(seed, "month", "g.code || ':' || p.back")
    j2 = _rand(seed, "month2", "g.code || ':' || p.back")
    newest = len(periods) - 1
    keys = [str(period) for period in periods]
    inactive = _tiers("0", "0.02", "0.03 + 0.05 * a.j2", "0.07 + 0.05 * a.j2", "0.35 + 0.1 * a.j2")
    overdue = _tiers("0", "0.002 + 0.008 * a.j", "0.012 + 0.02 * a.j", "0.03 + 0.015 * a.j", "0.10 + 0.10 * a.j")
    backs = [newest - index for index in range(len(periods))]
    values = {
        "principal_current": "c.outstanding - c.po - c.pf",
        "principal_overdue": "c.po",
        "principal_frozen": "c.pf",
        "interest_arrears_in_term": "c.iit",
        "interest_arrears_overdue": "c.iio",
        "interest_arrears_grace": "0",
        "outstanding": "c.outstanding",
        "loans_with_balance": "b.loans",
        "borrowing_households": "a.borrowers",
        "groups_with_balance": "CASE WHEN c.outstanding > 0 THEN 1 ELSE 0 END",
        "overdue_loans": "CASE WHEN c.po > 0 THEN LEAST(b.loans, GREATEST(1, round(b.loans * b.rho * 3)))::bigint"
        " ELSE 0 END",
        "inactive_3m_loans": "c.inactive",
        "inactive_3m_amount": _thousands("c.inactive * a.size * a.growth"),
        "savings_balance": "c.sav",
        "savings_members": "b.savers",
        # BC0437 K, Y, Z: borrowers who left interest unpaid (the draw ``unpaid``) did not pay in the last three
        # months; those with arrears are the unpaid ones plus, in overdue groups, the overdue ones.
        "members_paid_interest_3m": "a.borrowers - floor(a.borrowers * b.unpaid)::bigint",
        "members_with_interest_arrears": "CASE WHEN c.iit + c.iio > 0 THEN LEAST(a.borrowers,"
        " GREATEST(1, round(a.borrowers * (b.unpaid + b.rho * 3))))::bigint ELSE 0 END",
        "members_with_grace_arrears": "0",
        "savings_deposited": "c.dep",
        "savings_withdrawn": "CASE WHEN a.q >= 0.991 THEN "
        + _thousands("c.sav * 0.06 * a.j")
        + " ELSE "
        + _thousands("c.dep * 0.6 * a.j")
        + " END",
        "disbursed_count": "c.disbursed",
        "disbursed_amount": "c.disbursed * " + _thousands("a.size"),
        "principal_collected": "c.pcol",
        "interest_collected": "c.interest - c.iit",
        "overdue_transferred": "CASE WHEN a.q < 0.90 THEN 0 ELSE " + _thousands("c.pcol * b.transfer") + " END",
    }
    return _execute(
        "INSERT INTO closing_groupsnapshot (period, organization_code, group_id, association_unit_id, commune_id,"
        f" office_id, province_id, members, {', '.join(MEASURES)})"
        " SELECT p.period, g.org, g.id, g.association_unit_id, g.commune_id, g.office_id, g.province_id, g.members,"
        f" {', '.join(values[name] for name in MEASURES)}"
        f" FROM {TMP_GROUPS} g CROSS JOIN unnest(%s::text[], %s::int[]) AS p(period, back)"
        f" CROSS JOIN LATERAL (SELECT {j} AS j, {j2} AS j2, g.q AS q, 1 - 0.004 * p.back AS growth,"
        "   30000000 + g.r_size * 40000000 AS size,"
        "   GREATEST(1, round(g.members * (0.62 + 0.2 * g.r_borrowers)))::bigint AS borrowers) a"
        " CROSS JOIN LATERAL (SELECT a.borrowers + floor(a.borrowers * 0.15 * g.r_loans)::bigint AS loans,"
        "   LEAST(g.members, round(g.members * (0.6 + 0.4 * g.r_savers)))::bigint AS savers,"
        # Overdue ratio: 0 for 86 % of groups, then a tail (national 0.56 %, 31 of 34 branches below 0.5 %).
        # Tiers of the quality draw q: clean (86 %), nearly clean (7.5 %), a mild tail that grades Khá (5.6 %), a
        # severe one that grades Trung bình (0.84 %), failing groups (0.06 %) — seed 001: 94.39 / 4.15 / 1.39 / 0.06.
        f"   {overdue} AS rho,"
        f"   {_tiers('0', '0.01 * a.j', '0.01 + 0.06 * a.j', '0.05 + 0.04 * a.j', '0.3 + 0.2 * a.j')} AS transfer,"
        f"   {_tiers('0.015 * a.j', '0.015 * a.j', '0.02 + 0.05 * a.j', '0.05 + 0.06 * a.j', '0.4 + 0.2 * a.j')}"
        "     AS unpaid,"
        f"   CASE WHEN a.q < 0.80 THEN 0 ELSE {inactive} END AS iota) b"
        f" CROSS JOIN LATERAL (SELECT o.*, {_thousands('o.outstanding * b.rho')} AS po,"
        f"   CASE WHEN g.r_frozen < 0.01 THEN {_thousands('o.outstanding * 0.01')} ELSE 0 END AS pf,"
        "   floor(b.loans * b.iota)::bigint AS inactive,"
        f"   {_thousands('o.outstanding / 30.0 * (0.9 + 0.2 * a.j2)')} AS pcol,"
        "   round(o.outstanding * 0.0066)::bigint AS interest,"
        "   round(o.outstanding * 0.0066 * b.unpaid)::bigint AS iit,"
        f"   round({_thousands('o.outstanding * b.rho')} * 0.0066 * 2)::bigint AS iio,"
        f"   {_thousands('b.savers * (1000000 + 1600000 * g.r_saving) * (1 - 0.01 * p.back)')} AS sav,"
        f"   {_thousands('b.savers * (1000000 + 1600000 * g.r_saving) * (1 - 0.01 * p.back) * (0.02 + 0.02 * a.j2)')}"
        "     AS dep,"
        "   CASE WHEN a.j2 < 0.5 THEN GREATEST(1, round(b.loans / 36.0))::bigint ELSE 0 END AS disbursed"
        f"  FROM (SELECT {_thousands('b.loans * a.size * a.growth')} AS outstanding) o) c",
        [keys, backs],
    )


# (table, key column, by organization, extra location columns: column → expression over the unit ``u``/rows ``s``)
LEVELS = (
    (
        "closing_unitsnapshot",
        "association_unit_id",
        False,
        # Villages with a balance (BC0438 ①): every village of the unit's groups (every group lends).
        {"commune_id": "MAX(u.commune_id)", "province_id": "MAX(u.province_id)",
         "villages_with_balance": "(SELECT COUNT(DISTINCT gv.village_id) FROM groups_savingsgroup_villages gv"
         " JOIN groups_savingsgroup sg ON sg.id = gv.savingsgroup_id"
         " WHERE sg.association_unit_id = s.association_unit_id)"},
        " JOIN network_associationunit u ON u.id = s.association_unit_id",
    ),
    ("closing_communesnapshot", "commune_id", True, {"province_id": "MAX(s.province_id)"}, ""),
    ("closing_officesnapshot", "office_id", True, {"province_id": "MAX(s.province_id)"}, ""),
    ("closing_provincesnapshot", "province_id", True, {}, ""),
)


def _build_aggregates(periods: list[Period], province_ids: list[int]) -> int:
    """Unit, commune, PGD and province rows = sums of their groups' rows (per organization, and the total row "" at
    the levels the close writes by organization) — what ``closing.steps.aggregates`` writes when every household
    belongs to one group."""
    keys = [str(period) for period in periods]
    sums = ", ".join(f"SUM(s.{name})::bigint" for name in MEASURES)
    inserted = 0
    for table, key, by_organization, location, join in LEVELS:
        variants = [("s.organization_code", ", s.organization_code")] if by_organization else []
        variants.append(("''", "") if by_organization else ("MAX(s.organization_code)", ""))
        for organization, grouping in variants:
            inserted += _execute(
                f"INSERT INTO {table} (period, organization_code, {', '.join([key, *location, *MEASURES])})"
                f" SELECT s.period, {organization}, {', '.join([f's.{key}', *location.values()])}, {sums}"
                f" FROM closing_groupsnapshot s{join} WHERE s.period = ANY(%s) AND s.province_id = ANY(%s)"
                f" GROUP BY s.period, s.{key}{grouping}",
                [keys, province_ids],
            )
    return inserted
