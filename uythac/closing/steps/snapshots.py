"""Step 2 — loan snapshots at the period end; step 3 — the 3-months-inactive flag on them.

``LoanSnapshot``: one row per loan of the scope alive during the period (disbursed by E, not closed before the
period's first day), written by one ``INSERT … SELECT``:

* balances at E = cached balances − postings dated after E (exact; cheap right after E);
* interest arrears at E by bucket = posted arrears at E + the interest not posted yet up to E
  (``uythac.closing.steps.interest.unposted_interest``, computed set-based in the same step).
  Posted arrears: the cached buckets when no interest moved after E (the normal case); otherwise the total stays
  exact (cache − later postings on INTEREST_RECEIVABLE) and the split is estimated — overdue first, then grace, the
  rest in-term — because postings do not carry the bucket;
* last transaction date at E (``Loan.last_transaction_on``, or when that is after E the latest disbursement /
  principal repayment / interest collection event up to E — what counts as a transaction is the engine's choice,
  scoring-and-inspection.md §4.2);
* the month's flows from the postings of the period: principal collected (PRINCIPAL_REPAYMENT, REPAID_FROM_SAVINGS),
  interest collected (INTEREST_COLLECTION), overdue transferred (OVERDUE_TRANSFER) — reversals of those net out —
  and the amount disbursed when the loan was disbursed in the period.

A re-run (or the clean-up of a half-done attempt) first deletes the scope's rows of the period, in the same
transaction, so a period's totals never double.
"""

from django.utils.translation import gettext as _

from uythac.closing import sql
from uythac.closing.steps.base import CloseContext, Step
from uythac.closing.steps.interest import unposted_interest
from uythac.closing.steps.transfers import later_postings_sql
from uythac.core.periods import inactive_cutoff
from uythac.core.rules import rule_value
from uythac.ledger.chart import AccountCode as A

INACTIVE_RULE = "closing.inactive_3m"
LOAN_EVENTS_THAT_COUNT = ("DISBURSEMENT", "PRINCIPAL_REPAYMENT", "INTEREST_COLLECTION")


def inactive_predicate(ctx: CloseContext, alias: str) -> tuple[str, list]:
    """SQL true when a snapshot row (columns of ``alias``) is a 3-months-inactive loan at the period end: a balance,
    no frozen balance (unless the rule says otherwise), not an excluded program (students, 02), and a last transaction
    STRICTLY BEFORE the cut-off — the same calendar day N months before E, clamped to that month's last day
    (``uythac.core.periods.inactive_cutoff``). N and the exclusions are the dated rule ``closing.inactive_3m``."""
    rule = rule_value(INACTIVE_RULE, on=ctx.end)
    cutoff = inactive_cutoff(ctx.end, months=int(rule["months"]))
    excluded = [str(code) for code in rule.get("exclude_programs", [])] or [""]
    a = alias
    frozen = f" AND {a}.principal_frozen = 0" if rule.get("exclude_frozen", True) else ""
    return (
        f"({a}.principal_current + {a}.principal_overdue + {a}.principal_frozen > 0{frozen}"
        f" AND {a}.program_code NOT IN ({', '.join(['%s'] * len(excluded))}) AND {a}.last_transaction_on < %s)",
        [*excluded, ctx.db_date(cutoff)],
    )


def delete_scope_rows(ctx: CloseContext, table: str, owner_sql: str, owner_params: list) -> int:
    """Delete the period's rows of ``table`` in the scope: by the row's own place, and by owner (a loan or account
    of the scope whose place changed since the last run)."""
    if ctx.scope.is_country:
        return sql.execute(f"DELETE FROM {table} WHERE period = %s", [ctx.key])
    place_sql, place_params = ctx.scope.snapshot_filter(table)
    return sql.execute(
        f"DELETE FROM {table} WHERE period = %s AND ({place_sql} OR {owner_sql})",
        [ctx.key, *place_params, *owner_params],
    )


class LoanSnapshots(Step):
    name = "loan_snapshots"
    label = _("Số liệu cuối tháng của từng món vay (dư nợ, lãi tồn, ngày giao dịch gần nhất)")

    def cleanup(self, ctx: CloseContext) -> None:
        scope_sql, scope_params = ctx.scope.loan_filter()
        delete_scope_rows(
            ctx, "closing_loansnapshot",
            f"loan_id IN (SELECT l.id FROM loans_loan l JOIN geography_commune c ON c.id = l.commune_id"
            f" WHERE {scope_sql})", scope_params,
        )

    def run(self, ctx: CloseContext) -> int:
        self.cleanup(ctx)
        interest = unposted_interest(ctx)
        sql.analyze(interest)
        rows = self._loans(ctx, interest)
        sql.drop_temp(interest)
        return rows

    def _flows_sql(self, ctx: CloseContext) -> tuple[str, list]:
        current, overdue = ctx.account_id(A.LOAN_CURRENT), ctx.account_id(A.LOAN_OVERDUE)
        frozen, receivable = ctx.account_id(A.LOAN_FROZEN), ctx.account_id(A.INTEREST_RECEIVABLE)
        # A reversal counts as the kind it reverses (its amounts are mirrored, so it nets out); looked up only for
        # reversal entries.
        kind = ("(CASE WHEN e.kind = 'REVERSAL' THEN (SELECT o.kind FROM ledger_journalentry o"
                " WHERE o.id = e.reversal_of_id) ELSE e.kind END)")
        return (
            f"SELECT p.subledger_key,"
            f" -SUM(CASE WHEN p.account_id IN (%s, %s, %s)"
            f"      AND {kind} IN ('PRINCIPAL_REPAYMENT', 'REPAID_FROM_SAVINGS') THEN p.amount ELSE 0 END)"
            f"   AS principal,"
            f" -SUM(CASE WHEN p.account_id = %s AND {kind} = 'INTEREST_COLLECTION' THEN p.amount ELSE 0 END)"
            f"   AS interest,"
            f" SUM(CASE WHEN p.account_id = %s AND {kind} = 'OVERDUE_TRANSFER' THEN p.amount ELSE 0 END) AS transferred"
            # An entry carries its postings' value date: bounding both keeps the join to the month's entries.
            f" FROM ledger_posting p JOIN ledger_journalentry e ON e.id = p.entry_id"
            f" AND e.value_date >= %s AND e.value_date <= %s"
            f" WHERE p.subledger_type = 'loan' AND p.account_id IN (%s, %s, %s, %s)"
            f" AND p.value_date >= %s AND p.value_date <= %s GROUP BY p.subledger_key",
            [current, overdue, frozen, receivable, overdue, ctx.first_param, ctx.end_param, current, overdue, frozen,
             receivable, ctx.first_param, ctx.end_param],
        )

    def _loans(self, ctx: CloseContext, interest: str) -> int:
        end, first = ctx.end_param, ctx.first_param
        scope_sql, scope_params = ctx.scope.loan_filter()
        later_sql, later_params = later_postings_sql(
            ctx, {"cur": A.LOAN_CURRENT, "ovd": A.LOAN_OVERDUE, "frz": A.LOAN_FROZEN, "ir": A.INTEREST_RECEIVABLE}
        )
        flows_sql, flows_params = self._flows_sql(ctx)
        kinds = ", ".join(f"'{kind}'" for kind in LOAN_EVENTS_THAT_COUNT)
        lo, g = sql.least, sql.greatest
        # The 3-months-inactive flag is written with the row (an UPDATE of every flagged row afterwards cost as much
        # as the insert: 82,151 rows in seed2020's 11/2020); step ``inactive_3m`` then only checks it.
        inactive_sql, inactive_params = inactive_predicate(ctx, "x")
        arrears_e = ("(x.ir_in_term + x.ir_overdue + x.ir_grace - x.ir_later)")
        overdue_e = lo("x.ir_overdue", g("0", arrears_e))
        grace_e = lo("x.ir_grace", g("0", f"{arrears_e} - {overdue_e}"))
        return sql.execute(
            f"INSERT INTO closing_loansnapshot (period, loan_id, loan_number, household_id, group_id,"
            f" association_unit_id, commune_id, office_id, province_id, organization_code, program_id, program_code,"
            f" status, last_transaction_on, is_inactive_3m, principal_current, principal_overdue, principal_frozen,"
            f" interest_arrears_in_term, interest_arrears_overdue, interest_arrears_grace, disbursed_in_period,"
            f" principal_collected, interest_collected, overdue_transferred)"
            f" SELECT %s, x.id, x.loan_number, x.household_id, x.group_id, x.association_unit_id, x.commune_id,"
            f"  x.office_id, x.province_id, x.organization_code, x.program_id, x.program_code, x.status,"
            f"  x.last_transaction_on, CASE WHEN {inactive_sql} THEN %s ELSE %s END, x.principal_current,"
            f"  x.principal_overdue, x.principal_frozen,"
            f"  {g('0', arrears_e)} - {overdue_e} - {grace_e} + x.ui_in_term, {overdue_e} + x.ui_overdue,"
            f"  {grace_e} + x.ui_grace,"
            f"  x.disbursed, x.principal, x.interest, x.transferred"
            f" FROM (SELECT l.id, l.loan_number, l.household_id, l.group_id, l.association_unit_id, l.commune_id,"
            f"   l.office_id, c.province_id, COALESCE(org.code, '') AS organization_code, l.program_id,"
            f"   pr.code AS program_code,"
            f"   CASE WHEN l.closed_on IS NOT NULL AND l.closed_on <= %s THEN l.status ELSE 'OPEN' END AS status,"
            f"   CASE WHEN l.last_transaction_on <= %s THEN l.last_transaction_on"
            f"        ELSE COALESCE((SELECT MAX(ev.happened_on) FROM loans_loanevent ev WHERE ev.loan_id = l.id"
            f"          AND ev.kind IN ({kinds}) AND ev.happened_on <= %s"
            # A reversed operation did not happen (``loans.services_reversal``).
            f"          AND NOT EXISTS (SELECT 1 FROM loans_loanevent rv WHERE rv.reversal_of_id = ev.id)),"
            f"        l.disbursed_on) END AS last_transaction_on,"
            f"   l.principal_current - COALESCE(lt.cur, 0) AS principal_current,"
            f"   l.principal_overdue - COALESCE(lt.ovd, 0) AS principal_overdue,"
            f"   l.principal_frozen - COALESCE(lt.frz, 0) AS principal_frozen,"
            f"   l.interest_arrears_in_term AS ir_in_term, l.interest_arrears_overdue AS ir_overdue,"
            f"   l.interest_arrears_grace AS ir_grace, COALESCE(lt.ir, 0) AS ir_later,"
            f"   COALESCE(ui.in_term, 0) AS ui_in_term, COALESCE(ui.overdue, 0) AS ui_overdue,"
            f"   COALESCE(ui.grace, 0) AS ui_grace,"
            f"   CASE WHEN l.disbursed_on >= %s THEN l.disbursed_amount ELSE 0 END AS disbursed,"
            f"   COALESCE(f.principal, 0) AS principal, COALESCE(f.interest, 0) AS interest,"
            f"   COALESCE(f.transferred, 0) AS transferred"
            f"  FROM loans_loan l JOIN geography_commune c ON c.id = l.commune_id"
            f"  JOIN programs_creditprogram pr ON pr.id = l.program_id"
            f"  LEFT JOIN network_associationunit u ON u.id = l.association_unit_id"
            f"  LEFT JOIN network_organization org ON org.id = u.organization_id"
            f"  LEFT JOIN ({later_sql}) lt ON lt.subledger_key = l.loan_number"
            f"  LEFT JOIN ({flows_sql}) f ON f.subledger_key = l.loan_number"
            f"  LEFT JOIN {interest} ui ON ui.loan_id = l.id"
            f"  WHERE l.disbursed_on <= %s AND (l.closed_on IS NULL OR l.closed_on >= %s) AND {scope_sql}) x",
            [ctx.key, *inactive_params, True, False, end, end, end, first, *later_params, *flows_params, end, first,
             *scope_params],
        )


class InactiveFlag(Step):
    """Món vay 3 tháng không hoạt động (KHĐ, scoring-and-inspection.md §4.1, M; predicate ``inactive_predicate``).

    The loan-snapshot step writes the flag with each row; this step re-evaluates it for the period's rows of the
    scope and updates only the rows whose flag differs (none after a normal run; the rows of a snapshot written
    before a change of the dated rule otherwise), then returns the number of loans flagged. The loans table has no
    flag column: rewriting every loan row each month is what the architecture note measured at 233 s nationally."""

    name = "inactive_3m"
    label = _("Đánh dấu món vay 3 tháng không hoạt động")

    def cleanup(self, ctx: CloseContext) -> None:
        """Nothing to undo: ``run`` recomputes every flag of the scope and period."""

    def run(self, ctx: CloseContext) -> int:
        place_sql, place_params = ctx.scope.snapshot_filter("closing_loansnapshot")
        inactive_sql, inactive_params = inactive_predicate(ctx, "closing_loansnapshot")
        where = f"period = %s AND {place_sql}"
        sql.execute(
            f"UPDATE closing_loansnapshot SET is_inactive_3m = NOT is_inactive_3m WHERE {where}"
            f" AND is_inactive_3m <> (CASE WHEN {inactive_sql} THEN %s ELSE %s END)",
            [ctx.key, *place_params, *inactive_params, True, False],
        )
        return sql.fetch_one(
            f"SELECT COUNT(*) FROM closing_loansnapshot WHERE {where} AND is_inactive_3m = %s",
            [ctx.key, *place_params, True],
        )[0]
