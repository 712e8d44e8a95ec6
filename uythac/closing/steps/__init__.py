"""The ordered steps of ``close-month``.

1. ``overdue_transfers`` — (a) transfers to overdue at the period end (ledger entries, loan caches, installments,
   14/TD events)
2. ``loan_snapshots`` — (d) one LoanSnapshot row per loan at the period end, with (c) its interest arrears in-term /
   overdue / grace: posted + computed set-based up to the period end (not posted, see ``steps.interest``)
3. ``inactive_3m`` — (b) the 3-months-inactive flag, set on the loan snapshots
4. ``aggregates`` — (d) group, association unit, commune, PGD and province rows (organizations 11–14 and total),
   with the member savings from the savings app
5. ``ledger_period_close`` — the ledger month is closed (whole-country close only)

Why not the brief's a, b, c, d order: the inactive flag lives on the loan snapshots (the loans table has no column for
it, and rewriting every loan row each month is the trap the architecture note measured), so it follows them; the
interest arrears have no reader but the loan snapshot, so they are computed inside that step instead of being
written to a table of their own first (100,000 rows a month more to write).
"""

from uythac.closing.steps.aggregates import Aggregates
from uythac.closing.steps.base import CloseContext, Step
from uythac.closing.steps.ledger_close import LedgerPeriodClose
from uythac.closing.steps.snapshots import InactiveFlag, LoanSnapshots
from uythac.closing.steps.transfers import OverdueTransfers

STEPS: tuple[Step, ...] = (OverdueTransfers(), LoanSnapshots(), InactiveFlag(), Aggregates(), LedgerPeriodClose())
STEP_NAMES = tuple(step.name for step in STEPS)

__all__ = ["STEPS", "STEP_NAMES", "CloseContext", "Step"]
