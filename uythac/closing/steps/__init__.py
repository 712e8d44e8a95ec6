"""The ordered steps of ``close-month``.

0. ``freeze_expiry`` — frozen loans whose freeze ended go back to overdue (``uythac.loans.freeze_expiry``)
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
from uythac.closing.steps.freeze_expiry import FreezeExpiry
from uythac.closing.steps.ledger_close import LedgerPeriodClose
from uythac.closing.steps.snapshots import InactiveFlag, LoanSnapshots
from uythac.closing.steps.transfers import OverdueTransfers

_CORE_STEPS: tuple[Step, ...] = (FreezeExpiry(), OverdueTransfers(), LoanSnapshots(), InactiveFlag(), Aggregates())
_LAST_STEP = LedgerPeriodClose()
#: Steps of apps above closing (scoring, fees …), registered from their ``AppConfig.ready`` in INSTALLED_APPS order:
#: they read the snapshots, so they run after ``aggregates`` and before the ledger month is closed. A registry keeps
#: the layering (closing never imports the apps that build on it).
_REGISTERED: list[Step] = []


def register_step(step: Step) -> None:
    """Add a step of a higher app to every close (idempotent by name: a re-imported app does not add it twice)."""
    if not step.name or step.name in {s.name for s in (*_CORE_STEPS, _LAST_STEP)}:
        raise ValueError(f"close step needs a new, non-empty name: {step.name!r}")
    _REGISTERED[:] = [s for s in _REGISTERED if s.name != step.name] + [step]


def close_steps() -> tuple[Step, ...]:
    """The ordered steps of a close: the core ones, the registered ones, then the ledger month close."""
    return (*_CORE_STEPS, *_REGISTERED, _LAST_STEP)


def step_names() -> tuple[str, ...]:
    return tuple(step.name for step in close_steps())


__all__ = ["CloseContext", "Step", "close_steps", "register_step", "step_names"]


def core_step_names() -> tuple[str, ...]:
    """The lending close's own steps (without those other apps register, nor the ledger period close)."""
    return tuple(step.name for step in _CORE_STEPS)
