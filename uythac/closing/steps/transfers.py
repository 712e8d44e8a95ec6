"""Step 1 — transfer to overdue (chuyển nợ quá hạn, 14/TD) at the period end, for every loan of the scope at once.

The rule is the loans engine's (``uythac.loans.services_changes.overdue_target`` → ``schedule.overdue_amount``),
evaluated on the data date E (the period's last day), in SQL:

* ROLL_INTO_NEXT loans (disbursed before 01/03/2026): when the last installment's due date — the final maturity,
  moved by an extension — is before E, the whole unpaid principal must stand in overdue;
* AUTO_OVERDUE loans (disbursed from 01/03/2026, 597/NHCS-TDNN, the regime flag on the loan): every installment
  whose (possibly 08/TD-adjusted) due date is before E and that principal repaid (oldest first) does not cover.

target = max(0, principal due − principal repaid up to E); the transfer is min(target − overdue at E, in-term at E,
in-term now). Balances at E are the cached balances minus the postings dated after E (exact, and cheap: a close runs
just after E). Frozen loans are not transferred (frozen debt stays frozen), closed and written-off ones neither.

Per loan one OVERDUE_TRANSFER entry (LOAN_OVERDUE / LOAN_CURRENT [loan]) through ``uythac.ledger.bulk``, key
``closing:overdue:<period>:<loan number>``; the loan's cached balances, its installments' ``transferred_to_overdue``
(oldest past-due first, as ``_spread_overdue``) and a LoanEvent (14/TD) linked to the entry, all in the same
transaction. A loan already transferred under this period's key is skipped (its new target, if any, is transferred
by the next month's close). A loan whose interest was already posted past E (collected after E, before the close
ran) is still transferred as of E, where the engine's ``overdue_transfer`` would refuse a date on or before
``interest_accrued_through``: the interest posted for those few days stays at the in-term rate (not re-rated).
"""

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.closing import sql
from uythac.closing.steps.base import CloseContext, Step
from uythac.ledger.bulk import post_transfers
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.models import EntryKind

TRANSFERS = "closing_tmp_transfer"


def later_postings_sql(ctx: CloseContext, accounts: dict[str, object]) -> tuple[str, list]:
    """Per loan number, the sum of postings dated after E on each of ``accounts`` ({column: account code})."""
    columns = ", ".join(
        f"SUM(CASE WHEN p.account_id = %s THEN p.amount ELSE 0 END) AS {column}" for column in accounts
    )
    ids = [ctx.account_id(code) for code in accounts.values()]
    placeholders = ", ".join(["%s"] * len(ids))
    return (
        f"SELECT p.subledger_key, {columns} FROM ledger_posting p"
        f" WHERE p.subledger_type = 'loan' AND p.account_id IN ({placeholders}) AND p.value_date > %s"
        f" GROUP BY p.subledger_key",
        [*ids, *ids, ctx.end_param],
    )


class OverdueTransfers(Step):
    name = "overdue_transfers"
    label = _("Chuyển nợ quá hạn")

    def cleanup(self, ctx: CloseContext) -> None:
        """Nothing to undo: the step's postings, cache updates and events commit together or not at all, and what
        was transferred is no longer selected (its key exists and the overdue balance already holds it)."""

    def _select(self, ctx: CloseContext) -> None:
        end = ctx.end_param
        scope_sql, scope_params = ctx.scope.loan_filter()
        later_sql, later_params = later_postings_sql(
            ctx, {"cur": A.LOAN_CURRENT, "ovd": A.LOAN_OVERDUE, "frz": A.LOAN_FROZEN}
        )
        sql.temp_table(TRANSFERS, "loan_id BIGINT PRIMARY KEY, loan_number VARCHAR(16), amount BIGINT")
        candidates = (
            f"SELECT l.id FROM loans_loan l JOIN geography_commune c ON c.id = l.commune_id"
            f" WHERE l.status = 'OPEN' AND l.principal_current > 0 AND l.principal_frozen = 0"
            f" AND l.disbursed_on <= %s AND {scope_sql}"
            f" AND ((l.installment_regime = 'ROLL_INTO_NEXT' AND l.current_maturity <= %s)"
            f"   OR (l.installment_regime = 'AUTO_OVERDUE' AND EXISTS (SELECT 1 FROM loans_installment i0"
            f"       WHERE i0.loan_id = l.id AND i0.due_on < %s AND i0.principal_paid < i0.principal)))"
        )
        target = sql.greatest("0", "x.due - x.paid")
        amount = sql.least(f"{target} - x.ovd_e", "x.cur_e", "x.cur_now")
        sql.execute(
            f"INSERT INTO {TRANSFERS} (loan_id, loan_number, amount)"
            f" SELECT x.id, x.loan_number, {amount} FROM ("
            f"  SELECT l.id, l.loan_number, l.principal_current AS cur_now,"
            f"   l.principal_current - COALESCE(lt.cur, 0) AS cur_e,"
            f"   l.principal_overdue - COALESCE(lt.ovd, 0) AS ovd_e,"
            f"   l.principal_frozen - COALESCE(lt.frz, 0) AS frz_e,"
            f"   CASE WHEN l.installment_regime = 'AUTO_OVERDUE' THEN s.due_auto"
            f"        WHEN s.last_due < %s THEN s.total ELSE 0 END AS due,"
            f"   COALESCE((SELECT SUM(ev.principal_amount) FROM loans_loanevent ev WHERE ev.loan_id = l.id"
            f"     AND ev.kind = 'PRINCIPAL_REPAYMENT' AND ev.happened_on <= %s"
            # A reversed repayment was not paid (``loans.services_reversal``).
            f"     AND NOT EXISTS (SELECT 1 FROM loans_loanevent rv WHERE rv.reversal_of_id = ev.id)), 0) AS paid"
            f"  FROM loans_loan l"
            f"  JOIN (SELECT i.loan_id, SUM(i.principal) AS total, MAX(i.due_on) AS last_due,"
            f"        SUM(CASE WHEN i.due_on < %s THEN i.principal ELSE 0 END) AS due_auto"
            f"        FROM loans_installment i WHERE i.loan_id IN ({candidates}) GROUP BY i.loan_id) s"
            f"    ON s.loan_id = l.id"
            f"  LEFT JOIN ({later_sql}) lt ON lt.subledger_key = l.loan_number"
            f" ) x WHERE x.frz_e = 0 AND {amount} > 0",
            [end, end, end, end, *scope_params, end, end, *later_params],
        )
        sql.analyze(TRANSFERS)
        # A transfer of this period already posted for the loan (re-run after the balances moved): skip it.
        sql.execute(
            f"DELETE FROM {TRANSFERS} WHERE EXISTS (SELECT 1 FROM ledger_journalentry e"
            f" WHERE e.idempotency_key = %s || {TRANSFERS}.loan_number)",
            [self.key_prefix(ctx)],
        )

    @staticmethod
    def key_prefix(ctx: CloseContext) -> str:
        return f"closing:overdue:{ctx.key}:"

    def run(self, ctx: CloseContext) -> int:
        self._select(ctx)
        expected = sql.fetch_one(f"SELECT COUNT(*) FROM {TRANSFERS}")[0]
        if not expected:
            sql.drop_temp(TRANSFERS)
            return 0
        posted = post_transfers(
            kind=EntryKind.OVERDUE_TRANSFER, value_date=ctx.end, debit_account=A.LOAN_OVERDUE,
            credit_account=A.LOAN_CURRENT,
            rows_sql=f"SELECT loan_number AS key, amount FROM {TRANSFERS}",
            idempotency_prefix=self.key_prefix(ctx),
            memo=_("Chuyển nợ quá hạn khế ước {key} (14/TD)"),
            actor_label=ctx.actor_label,
        )
        if posted != expected:
            raise RuntimeError(f"overdue transfers: {posted} entries posted for {expected} loans")
        self._update_loans(ctx)
        sql.drop_temp(TRANSFERS)
        return posted

    def _update_loans(self, ctx: CloseContext) -> None:
        end = ctx.end_param
        sql.execute(
            f"UPDATE loans_loan SET principal_current = loans_loan.principal_current - t.amount,"
            f" principal_overdue = loans_loan.principal_overdue + t.amount"
            f" FROM {TRANSFERS} t WHERE loans_loan.id = t.loan_id"
        )
        # Which installments the amount came from: past-due ones first, each in number order (``_spread_overdue``).
        capacity = sql.greatest("0", "i.principal - i.principal_paid - i.transferred_to_overdue")
        take = sql.greatest("0", sql.least("y.capacity", "y.amount - (y.running - y.capacity)"))
        sql.execute(
            f"UPDATE loans_installment SET transferred_to_overdue = loans_installment.transferred_to_overdue + z.take"
            f" FROM (SELECT y.id, {take} AS take FROM ("
            f"   SELECT i.id, t.amount, {capacity} AS capacity,"
            f"     SUM({capacity}) OVER (PARTITION BY i.loan_id ORDER BY CASE WHEN i.due_on < %s THEN 0 ELSE 1 END,"
            f"       i.number ROWS UNBOUNDED PRECEDING) AS running"
            f"   FROM loans_installment i JOIN {TRANSFERS} t ON t.loan_id = i.loan_id) y) z"
            f" WHERE loans_installment.id = z.id AND z.take > 0",
            [end],
        )
        sql.execute(
            f"INSERT INTO loans_loanevent (loan_id, kind, form_number, happened_on, principal_amount, interest_amount,"
            f" installment_number, old_date, new_date, months, from_savings, journal_entry_id, risk_case_id,"
            f" actor_id, note, created_at)"
            f" SELECT t.loan_id, 'OVERDUE_TRANSFER', '14/TD', %s, t.amount, 0, NULL, NULL, NULL, NULL, %s, e.id,"
            f" NULL, %s, %s, %s"
            f" FROM {TRANSFERS} t JOIN ledger_journalentry e ON e.idempotency_key = %s || t.loan_number",
            [end, False, getattr(ctx.actor, "pk", None), _("Khóa sổ cuối tháng %(period)s") % {"period": ctx.key},
             connection.ops.adapt_datetimefield_value(timezone.now()), self.key_prefix(ctx)],
        )
