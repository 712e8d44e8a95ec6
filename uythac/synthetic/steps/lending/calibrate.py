"""Make the planned portfolio hit the target totals to the VND (profiles with targets only).

Per organization, with the overdue, frozen and housing loans fixed:

1. the loans disbursed by ``mid`` are scaled (amounts rounded to the million) so that the outstanding at ``mid``
   lands just above its target;
2. enough clean-water loans are repaid early during the last year that the loans disbursed in it, scaled to land the
   outstanding at the end just above its target, add up to the target disbursement amount (province-wide);
3. what is left above each target — less than the margin — is repaid by a few borrowers as voluntary partial
   prepayments (before ``mid`` for the first target, after it for the second), so both totals are exact.

Balances are computed by the same replay as the history (``principal.build_timeline``), so what is calibrated is
what is written.
"""

from __future__ import annotations

from collections import defaultdict

from uythac.synthetic.steps.lending import params
from uythac.synthetic.steps.lending.dates import month_of, session_day
from uythac.synthetic.steps.lending.model import Behaviour, LoanPlan, MemberKind
from uythac.synthetic.steps.lending.portfolio import schedule_days
from uythac.synthetic.steps.lending.principal import build_timeline

MIN_AMOUNT = 5 * params.MILLION
EXTRA_STEP = 10_000


class Balances:
    """Outstanding of each loan at ``mid`` and at the end, recomputed when its plan changes. A loan paying on time
    owes its amount less the installments due so far (``split_evenly``: all but the last are the same), which
    spares replaying its history at each calibration round."""

    def __init__(self, frame):
        self.frame = frame
        self._cache: dict[int, tuple[int, int]] = {}
        self._due: dict[int, tuple[int, int, int, bool, bool]] = {}

    def _due_counts(self, loan: LoanPlan) -> tuple[int, int, int, bool, bool]:
        """(installments, due by mid, due by the end, disbursed by mid, disbursed by the end)."""
        due = self._due.get(id(loan))
        if due is None:
            days = schedule_days(loan)
            mid, end = self.frame.mid, self.frame.end
            due = (len(days), sum(1 for d in days if d <= mid), sum(1 for d in days if d <= end),
                   loan.disbursed <= mid, loan.disbursed <= end)
            self._due[id(loan)] = due
        return due

    def of(self, loan: LoanPlan) -> tuple[int, int]:
        found = self._cache.get(id(loan))
        if found is None:
            if loan.behaviour == Behaviour.ON_TIME and not loan.extra:
                found = _owed(loan.amount, loan.unit, self._due_counts(loan))
            else:
                timeline = build_timeline(loan, self.frame.end)
                found = (timeline.outstanding_at(self.frame.mid), timeline.outstanding_at(self.frame.end))
            self._cache[id(loan)] = found
        return found

    def forget(self, loan: LoanPlan) -> None:
        self._cache.pop(id(loan), None)

    def total(self, loans, which: int) -> int:
        return sum(self.of(loan)[which] for loan in loans)

    def rescale(self, loans: list[LoanPlan], factor: float, which: int) -> int:
        """Scale the loans' amounts (each rounded to the million after its own offset, so that equal nominal
        amounts do not all jump together and move the total by billions); returns their balance total."""
        total = 0
        cache, million = self._cache, params.MILLION
        for loan in loans:
            loan.amount = max(MIN_AMOUNT, round((loan.nominal * factor + loan.dither) / million) * million)
            if loan.behaviour == Behaviour.ON_TIME and not loan.extra:
                found = _owed(loan.amount, loan.unit, self._due_counts(loan))
                cache[id(loan)] = found
            else:
                cache.pop(id(loan), None)
                found = self.of(loan)
            total += found[which]
        return total


def _owed(amount: int, unit: int, due: tuple[int, int, int, bool, bool]) -> tuple[int, int]:
    count, by_mid, by_end, alive_mid, alive_end = due
    regular = (amount // count) // unit * unit
    mid = (amount - by_mid * regular if by_mid < count else 0) if alive_mid else 0
    end = (amount - by_end * regular if by_end < count else 0) if alive_end else 0
    return mid, end


def _scale(loans: list[LoanPlan], factor: float, balances: Balances) -> None:
    balances.rescale(loans, factor, 0)


def _set_nominal(state, rng) -> None:
    for loan in state.loans:
        if not loan.nominal:
            loan.nominal = loan.amount
            loan.dither = rng.randrange(-params.MILLION // 2, params.MILLION // 2)


def _fit(loans, fixed: int, target: int, margin: int, which: int, balances: Balances) -> float:
    """Scale ``loans`` so that ``fixed`` + their balance lies in [target, target + 2 × margin] (within 0.1 % of
    the target when ``margin`` is 0: an estimate)."""
    natural = balances.total(loans, which) or 1
    factor = (target + margin - fixed) / natural
    for _attempt in range(12):
        total = fixed + balances.rescale(loans, factor, which)
        if (target <= total <= target + 2 * margin) if margin else abs(total - target) <= target // 1000:
            return factor
        factor *= (target + margin - fixed) / max(1, total - fixed)
    raise ValueError(f"calibration did not converge ({total:,} for {target:,})")


def _cohorts(state, loans):
    """Free loans by cohort: brought forward (disbursed before the history), first year, last year."""
    frame = state.frame
    free = [loan for loan in loans if not loan.fixed]
    return ([loan for loan in free if loan.disbursed < frame.start],
            [loan for loan in free if frame.start <= loan.disbursed <= frame.mid],
            [loan for loan in free if loan.disbursed > frame.mid])


def _first_fit(state, balances: Balances, margins: dict) -> dict:
    """Loans of both years of the history lent at the same scale (the one the last year needs); the loans brought
    forward scaled to the outstanding at ``mid``. Returns each organization's scale of the last year."""
    targets = state.targets
    by_org = defaultdict(list)
    for loan in state.loans:
        by_org[loan.group.organization].append(loan)
    scales = {}
    for org, loans in sorted(by_org.items()):
        goal = targets.by_organization[org]
        brought, first, last = _cohorts(state, loans)
        fixed = [loan for loan in loans if loan.fixed]
        factor = 1.0
        for _round in range(2):
            _scale(first, factor, balances)
            _fit(brought, sum(balances.of(item)[0] for item in (*fixed, *first)), goal.outstanding_mid,
                 margins.get(org, 0), 0, balances)
            factor = _fit(last, sum(balances.of(item)[1] for item in (*fixed, *first, *brought)), goal.outstanding_end,
                          0, 1, balances)
        scales[org] = factor
    return scales


def estimate(state, rng) -> Balances:
    """A first scaling to the targets, only to know the groups' outstanding before the overdue loans are sized."""
    balances = Balances(state.frame)
    _set_nominal(state, rng)
    _first_fit(state, balances, {})
    return balances


def calibrate(state, rng) -> dict:
    targets = state.targets
    frame = state.frame
    balances = Balances(frame)
    _set_nominal(state, rng)
    by_org = defaultdict(list)
    for loan in state.loans:
        by_org[loan.group.organization].append(loan)
    report = {}
    margins = {org: max(50 * params.MILLION, targets.by_organization[org].outstanding_end // 5000)
               for org in by_org}
    _first_fit(state, balances, margins)
    old, new, fixed_end = {}, {}, {}
    for org, loans in sorted(by_org.items()):
        goal = targets.by_organization[org]
        brought, first, last = _cohorts(state, loans)
        old[org], new[org] = brought + first, last
        mid_total = sum(balances.of(loan)[0] for loan in loans)
        _prepay_part(state, rng, [item for item in old[org] if balances.of(item)[1] > 0],
                     mid_total - goal.outstanding_mid,
                     balances, before_mid=True)
        fixed_end[org] = sum(balances.of(loan)[1] for loan in loans if loan.fixed)
    # The amount disbursed in the last year: clean-water loans repaid early raise what new loans must lend.
    fixed_new = sum(loan.amount for loan in state.loans if loan.fixed and loan.disbursed > frame.mid)
    per_million = {org: sum(balances.of(loan)[1] for loan in new[org]) / max(1, sum(item.amount for item in new[org]))
                   for org in by_org}

    def disbursed_estimate() -> float:
        total = fixed_new
        for org in by_org:
            goal = targets.by_organization[org]
            rest = goal.outstanding_end + margins[org] - fixed_end[org] - sum(balances.of(item)[1] for item in old[org])
            total += rest / per_million[org]
        return total

    gap = targets.disbursed_amount - disbursed_estimate()
    report["disbursed_gap"] = round(gap)
    if gap > 0:
        report["secondary_prepaid"] = _prepay_secondary(state, rng, balances, per_million, gap)
    else:
        report["installments_adjusted"] = _adjust_installments(state, rng, balances, per_million, -gap)
    for org in sorted(by_org):
        goal = targets.by_organization[org]
        old_end = sum(balances.of(loan)[1] for loan in old[org])
        _fit(new[org], fixed_end[org] + old_end, goal.outstanding_end, margins[org], 1, balances)
    for org, loans in sorted(by_org.items()):
        goal = targets.by_organization[org]
        end_total = sum(balances.of(loan)[1] for loan in loans)
        _prepay_part(state, rng, [item for item in loans if not item.fixed and balances.of(item)[1] > 0],
                     end_total - goal.outstanding_end, balances, before_mid=False)
        report[org] = {
            "mid": sum(balances.of(loan)[0] for loan in loans), "end": sum(balances.of(loan)[1] for loan in loans),
            "scale_new": round(sum(item.amount for item in new[org])
                               / max(1, sum(item.nominal for item in new[org])), 4),
            "scale_brought": round(sum(item.amount for item in old[org] if item.disbursed < frame.start)
                                   / max(1, sum(item.nominal for item in old[org] if item.disbursed < frame.start)), 4),
        }
    report["disbursed"] = sum(loan.amount for loan in state.loans if loan.disbursed > frame.mid)
    return report


def _prepay_secondary(state, rng, balances: Balances, per_million: dict, gap: float) -> int:
    """Clean-water loans repaid early during the last year: less owed at the end by the old loans, so more lent in
    the last year for the same outstanding."""
    frame = state.frame
    candidates = [loan for loan in state.loans if loan.role == "secondary" and not loan.fixed
                  and loan.disbursed <= frame.mid and loan.behaviour == Behaviour.ON_TIME]
    rng.shuffle(candidates)
    count = 0
    for loan in candidates:
        if gap <= 0:
            break
        before = balances.of(loan)[1]
        month = rng.randint(frame.mid_month + 1, frame.end_month - 1)
        loan.behaviour, loan.stop = Behaviour.PREPAY, session_day(month, loan.group.session_day)
        balances.forget(loan)
        gap -= (before - balances.of(loan)[1]) / per_million[loan.group.organization]
        count += 1
    return count


def _adjust_installments(state, rng, balances: Balances, per_million: dict, excess: float) -> int:
    """Installments of the last year moved to the next one's due day by a term adjustment (08/TD) — the relief
    given to borrowers hit by the epidemic (seed 001) — so that less is repaid during the year and less needs to
    be lent for the same outstanding."""
    frame = state.frame
    candidates = []
    for loan in state.loans:
        if loan.fixed or loan.behaviour != Behaviour.ON_TIME or loan.regime != "ROLL_INTO_NEXT" \
                or loan.disbursed > frame.mid or loan.member.kind != MemberKind.CONTINUING:
            continue
        days = schedule_days(loan)
        for index in range(len(days) - 1):
            if frame.mid < days[index] <= frame.end < days[index + 1] and days[index] - 7 > frame.mid:
                candidates.append((loan, index))
                break
    rng.shuffle(candidates)
    count = 0
    for loan, index in candidates:
        if excess <= 0:
            break
        before = balances.of(loan)[1]
        days = schedule_days(loan)
        loan.behaviour, loan.adjusted = Behaviour.LATE, True
        loan.late_number = index + 1
        loan.late_months = month_of(days[index + 1]) - month_of(days[index])
        balances.forget(loan)
        excess -= (balances.of(loan)[1] - before) / per_million[loan.group.organization]
        count += 1
    if excess > 0:
        raise ValueError(f"cannot lend less during the last year: {excess:,.0f} VND too much")
    return count


def _prepay_part(state, rng, loans: list[LoanPlan], excess: int, balances: Balances, *, before_mid: bool) -> None:
    """Voluntary partial prepayments adding up to ``excess`` (≥ 0), each under a third of the loan's balance."""
    frame = state.frame
    if excess < 0:
        raise ValueError(f"calibration left {excess:,} VND below the target")
    pool = [loan for loan in loans if (loan.disbursed < frame.mid - 60 if before_mid else True)]
    rng.shuffle(pool)
    for loan in pool:
        if excess <= 0:
            return
        mid, end = balances.of(loan)
        room = min(mid, end) if before_mid else end
        amount = min(excess, room // 3 // EXTRA_STEP * EXTRA_STEP, 30 * params.MILLION)
        if amount <= 0:
            continue
        if before_mid:
            first = max(month_of(loan.disbursed) + 1, frame.start_month)
            month = rng.randint(first, frame.mid_month) if first <= frame.mid_month else frame.mid_month
            day = session_day(month, loan.group.session_day)
            if day > frame.mid or day <= loan.disbursed:
                continue
        else:
            first = max(month_of(loan.disbursed) + 1, frame.mid_month + 1)
            last = month_of(frame.end) if session_day(month_of(frame.end), loan.group.session_day) <= frame.end \
                else month_of(frame.end) - 1
            if first > last:
                continue
            day = session_day(rng.randint(first, last), loan.group.session_day)
        before = balances.of(loan)
        loan.extra = [*loan.extra, (day, amount)]
        balances.forget(loan)
        after = balances.of(loan)
        moved = (before[0] - after[0]) if before_mid else (before[1] - after[1])
        if before_mid and before[1] - after[1] != moved:
            loan.extra = loan.extra[:-1]
            balances.forget(loan)
            continue
        excess -= moved
    if excess:
        raise ValueError(f"partial prepayments left {excess:,} VND to place")
