"""Step «ledger»: the generated journal written (cash brought back to the vaults and settled against the lending
funds, every entry checked to balance, the months of the history opened), then the loan events that point at its
entries and at the risk cases."""

from __future__ import annotations

from uythac.loans.models import LoanEvent
from uythac.synthetic.context import BuildContext
from uythac.synthetic.load import insert_rows
from uythac.synthetic.steps.lending.loan_rows import EVENT_FIELDS


def build_ledger(ctx: BuildContext) -> None:
    state = ctx.lending
    journal = state.journal
    journal.settle_cash({group.point_code: group.office_code for group in state.groups})
    journal.open_periods()
    ids = journal.write()
    events = []
    for row in state.event_rows:
        entry, risk = row[11], row[12]
        row[11] = ids[entry] if entry is not None else None
        row[12] = risk.case_id if risk is not None else None
        events.append(tuple(row))
    insert_rows(LoanEvent, EVENT_FIELDS, events)
    ctx.counts["journal_entries"] += len(ids)
    ctx.counts["postings"] += journal.postings
    ctx.counts["loan_events"] += len(events)
