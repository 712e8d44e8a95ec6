"""Step «lending_plan» (nothing written yet): the loans of every member, their behaviours, the risk rounds, the
overdue amounts and — for profiles with targets — the calibration to the exact totals."""

from __future__ import annotations

from collections import defaultdict

from uythac.synthetic.context import BuildContext
from uythac.synthetic.steps.lending import params
from uythac.synthetic.steps.lending.accrual import collection_days
from uythac.synthetic.steps.lending.calibrate import Balances, calibrate, estimate
from uythac.synthetic.steps.lending.cases import choose_cases, shape_cases, size_cases
from uythac.synthetic.steps.lending.dates import month_of, plus_months, session_day, session_on_or_before
from uythac.synthetic.steps.lending.model import Behaviour, GroupKind, MemberKind
from uythac.synthetic.steps.lending.portfolio import Catalogue, Factory, build_chains, final_due, schedule_days
from uythac.synthetic.steps.lending.risk import plan_rounds


def build_lending_plan(ctx: BuildContext) -> None:
    state = ctx.lending
    rng = ctx.rng("lending_portfolio")
    factory = Factory(state, Catalogue(state.frame.start), rng)
    cases = choose_cases(state, factory, rng)
    build_chains(state, factory, rng, case_members={id(case.member) for case in cases},
                 disbursed_target=state.targets.disbursed_count if state.targets else None)
    behaviours(state, ctx.rng("lending_behaviours"))
    for case in cases:
        if case.kind == "W" and rng.random() < 0.5:
            case.member.moved_away = case.loan.disbursed + 200
    plan_rounds(state, cases, ctx.rng("lending_risk"))
    balances = estimate(state, ctx.rng("lending_dither")) if state.targets else Balances(state.frame)
    size_cases(state, cases, _group_other(state, cases, balances), ctx.rng("lending_overdue"))
    shape_cases(state, cases, ctx.rng("lending_overdue"))
    state.cases = cases
    if state.targets:
        state.notes["calibration"] = calibrate(state, ctx.rng("lending_calibration"))


def _group_other(state, cases, balances: Balances) -> dict:
    """Outstanding of each case group's loans other than its case loan, at ``mid`` and at the end."""
    case_loans = {id(case.loan) for case in cases}
    wanted = {id(case.group) for case in cases}
    totals = defaultdict(int)
    for loan in state.loans:
        group = loan.group
        if id(group) in wanted and id(loan) not in case_loans:
            mid, end = balances.of(loan)
            totals[(id(group), "mid")] += mid
            totals[(id(group), "end")] += end
    return totals


def behaviours(state, rng) -> None:
    """Late installments (some with a 08/TD adjustment), extensions at maturity, early full repayments and skipped
    quarterly interest, on loans whose household's balance at the reference dates they cannot change."""
    frame = state.frame
    quarter_days = {}
    last_loan = {}
    for loan in state.loans:
        member = loan.member
        if member.kind in (MemberKind.REPAID, MemberKind.SAVER):
            known = last_loan.get(id(member))
            if known is None or final_due(loan) > final_due(known):
                last_loan[id(member)] = loan
    for loan in state.loans:
        if loan.fixed or loan.behaviour != Behaviour.ON_TIME:
            continue
        days = schedule_days(loan)
        final = days[-1]
        day_of_month = loan.group.session_day
        roll = rng.random()
        if roll < params.LATE_SHARE and len(days) > 1 and loan.regime == "ROLL_INTO_NEXT":
            loan.behaviour = Behaviour.LATE
            loan.late_number = rng.randint(1, len(days) - 1)
            loan.late_months = rng.randint(1, 2)
            loan.adjusted = rng.random() < params.ADJUSTED_SHARE_OF_LATE
        elif roll < params.LATE_SHARE + 3 * params.EXTENDED_SHARE and last_loan.get(id(loan.member)) is loan \
                and loan.group.kind != GroupKind.MERGED and loan.regime == "ROLL_INTO_NEXT":
            limit = frame.end if loan.member.kind == MemberKind.REPAID else frame.mid
            months = params.EXTENSION_MONTHS.pick(rng)
            paid_on = session_on_or_before(plus_months(loan.maturity, months), day_of_month)
            if final >= frame.start and paid_on <= limit and final > (frame.mid if limit == frame.end else 0):
                loan.behaviour, loan.extension_months = Behaviour.EXTENDED, months
        elif roll < params.LATE_SHARE + 3 * params.EXTENDED_SHARE + params.PREPAY_SHARE * 2 \
                and loan.role in ("primary", "housing") and frame.start <= final <= frame.end:
            alive_mid = loan.disbursed <= frame.mid < final
            low = max(loan.disbursed, frame.start, frame.mid if alive_mid else 0)
            months = [m for m in range(month_of(low) + 1, month_of(final))
                      if low < session_day(m, day_of_month) < final]
            if months:
                loan.behaviour = Behaviour.PREPAY
                loan.stop = session_day(rng.choice(months), day_of_month)
        point = loan.group.point_code
        if point not in quarter_days:
            quarter_days[point] = collection_days(day_of_month, frame.start, frame.end, state.collection_months)
        skipped = [day for day in quarter_days[point] if rng.random() < params.SKIP_COLLECTION_SHARE]
        if skipped:
            loan.skipped_collections = frozenset(skipped)
