"""Step «lending_rows»: the added groups and households, every loan's history as rows (loans, installments, risk
rounds and cases; events and journal lines kept for step «ledger», which knows the journal entries' ids)."""

from __future__ import annotations

from uythac.loans.models import RiskCase, RiskCaseState, RiskRound, RiskRoundStatus
from uythac.synthetic.context import BuildContext
from uythac.synthetic.steps.lending.dates import date_of
from uythac.synthetic.steps.lending.ledger import Journal
from uythac.synthetic.steps.lending.loan_rows import LoanWriter, assign_ids
from uythac.synthetic.steps.lending.people_rows import set_leaving, write_groups, write_households, write_memberships
from uythac.synthetic.steps.lending.portfolio import Catalogue


def build_lending_rows(ctx: BuildContext) -> None:
    state = ctx.lending
    frame = state.frame
    state.journal = Journal()
    write_groups(ctx, state)
    write_households(ctx, state)
    catalogue = Catalogue(frame.start)
    writer = LoanWriter(ctx, state, (catalogue.program_ids, catalogue.category_ids), state.journal)
    for loan in state.loans:
        writer.history(loan)
    # Loans repaid in full before the history starts are not part of it.
    kept = [loan for loan in state.loans
            if loan.disbursed >= frame.start or loan.timeline.outstanding_at(frame.opening) > 0]
    dropped = {id(loan) for loan in state.loans} - {id(loan) for loan in kept}
    for member in state.members:
        member.loans = [loan for loan in member.loans if id(loan) not in dropped]
    state.loans = sorted(kept, key=lambda loan: (loan.group.office_code, loan.disbursed, loan.group.code))
    set_leaving(state, ctx.rng("lending_leaving"))
    write_memberships(ctx, state)
    for loan in state.loans:
        writer.number(loan)
    assign_ids(state, state.loans)
    for loan in state.loans:
        writer.rows(loan)
    writer.write()
    write_risk(ctx, state)
    state.event_rows = writer.events
    for loan in state.loans:  # the replayed histories are written: free them before the journal is built
        loan.timeline = loan.interest = None
    ctx.counts["loans"] = len(state.loans)
    ctx.counts["installments"] += len(writer.installments)
    for loan in state.loans:
        ctx.by_organization[loan.group.organization]["loans"] += 1


def write_risk(ctx: BuildContext, state) -> None:
    branch_id = ctx.branch_id
    state.rounds = [plan for plan in state.rounds if plan.cases]
    numbers = {}
    for plan in state.rounds:  # rounds are numbered I, II, III… per year among those that had cases
        numbers[plan.year] = plan.number = numbers.get(plan.year, 0) + 1
    rounds = RiskRound.objects.bulk_create([
        RiskRound(branch_id=branch_id, year=plan.year, number=plan.number,
                  status=RiskRoundStatus.CLOSED if plan.closed_on else RiskRoundStatus.SUBMITTED,
                  opened_on=date_of(plan.opened_on), closed_on=date_of(plan.closed_on) if plan.closed_on else None,
                  decision_ref=plan.decision_ref, note=plan.note)
        for plan in state.rounds
    ])
    cases, plans = [], []
    for plan, row in zip(state.rounds, rounds, strict=True):
        plan.round_id = row.id
        for number, case in enumerate(plan.cases, start=1):
            loan = case.loan
            principal = case.principal or _principal_at(loan, case.summary_on)
            interest = sum(loan.interest.written_off) if case.measure == "WRITE_OFF" and case.decided_on \
                else sum(loan.interest.arrears)
            form = "04/XLN" if case.measure == "FREEZE" else "05/XLN"
            cases.append(RiskCase(
                loan_id=loan.loan_id, round_id=row.id, measure=case.measure, cause=case.cause,
                loss_percent=case.loss_percent, risk_on=date_of(case.risk_on),
                freeze_months=case.freeze_months, state=RiskCaseState.APPROVED if case.decided_on
                else RiskCaseState.PROPOSED, requested_on=date_of(case.requested_on),
                minutes_number=f"{number:02d}/BB-XLN", minutes_on=date_of(case.minutes_on), summary_form=form,
                summary_number=f"{plan.number:02d}/{plan.year}-{form}", summary_on=date_of(case.summary_on),
                decided_on=date_of(case.decided_on) if case.decided_on else None,
                decision_ref=plan.decision_ref if case.decided_on else "", principal_amount=principal,
                interest_amount=interest, capital_source="1", note=case.note,
            ))
            plans.append(case)
    for case, row in zip(plans, RiskCase.objects.bulk_create(cases), strict=True):
        case.case_id = row.id
        case.principal = row.principal_amount
    ctx.counts["risk_rounds"] += len(rounds)
    ctx.counts["risk_cases"] += len(cases)


def _principal_at(loan, day: int) -> int:
    """The principal a case proposes: the loan's outstanding on the day the proposal is summarised."""
    return loan.timeline.outstanding_at(day)
