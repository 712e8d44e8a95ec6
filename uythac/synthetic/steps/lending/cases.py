"""Overdue, frozen and written-off loans: chosen first (groups, households, timing), sized last (amounts), so that
the overdue totals, the groups with overdue and those above 2 % come out exactly at both reference dates.

Kinds of case (one delinquent loan per group with overdue, the seed's pattern of a few bad loans spread over groups):

* A — overdue at both dates: matured unpaid before ``mid`` (the old stock), partly collected since;
* B — new overdue of the last year: matured unpaid during it (most of the seed's increase);
* C — overdue at ``mid``, collected in full during the last year (the household then has no balance: REPAID);
* W — overdue at ``mid``, written off in the data year's approved risk rounds (REPAID households gone for good);
* F — frozen (khoanh) in the first year's risk round (African swine fever, cause K1), frozen through the end.

The loans behave as the engine's rules say: installments unpaid before maturity roll into the next (loans disbursed
before 01/03/2026), the unpaid balance goes overdue at the first month-end after the final installment (as the
month-end close transfers it), interest stops being paid when the borrower stops paying.

Amounts: a group is "above 2 %" when its overdue exceeds 2 % of its outstanding; the cases of such groups get 2.4–8 %
of the rest of the group's outstanding, the others 0.2–1.5 %, so the classification keeps a margin whatever the
final calibration of the other loans does (it moves group outstanding by far less). Within those ranges the amounts
are solved (10,000 VND steps) to hit the exact totals, the written-off rounds' principal and the principal proposed
in the last round.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from uythac.synthetic.steps.lending import params
from uythac.synthetic.steps.lending.dates import month_of, session_day, split_principal, transfer_day
from uythac.synthetic.steps.lending.model import Behaviour, GroupKind, LoanPlan, Member, MemberKind
from uythac.synthetic.steps.lending.portfolio import Factory, final_due, schedule_days

STEP = 10_000  # VND granularity of overdue amounts
HIGH_RANGE = (0.024, 0.08)
LOW_RANGE = (0.002, 0.015)
LOW_MINIMUM = 1_000_000
DEFAULT_OVERDUE = {"groups_end": 0.06, "high_end": 0.022, "groups_mid": 0.05, "high_mid": 0.019}


@dataclass(slots=True, eq=False)
class Case:
    kind: str
    member: Member
    loan: LoanPlan | None = None
    high_mid: bool = False
    high_end: bool = False
    proposed: bool = False
    write_round: int = 0  # W: 1-based index of the approved round of the data year
    transfer_on: int = 0
    u_mid: int = 0
    u_end: int = 0
    extra_before_mid: int = 0  # overdue repaid between the transfer and mid (A, C, W)
    extra_after_transfer: int = 0  # B: overdue repaid after the transfer

    @property
    def group(self):
        return self.member.group


def _counts(state, org: str, regular: int) -> tuple[int, int, int, int]:
    if state.targets is not None:
        t = state.targets.by_organization[org]
        return (t.overdue_groups_mid, t.overdue_groups_above_2pct_mid, t.overdue_groups_end,
                t.overdue_groups_above_2pct_end)
    return tuple(max(1, round(regular * DEFAULT_OVERDUE[key]))
                 for key in ("groups_mid", "high_mid", "groups_end", "high_end"))


def _split(n_mid: int, h_mid: int, n_end: int, h_end: int) -> dict[str, int]:
    """Groups overdue at both dates (by class at mid → end: HH, HL, LL), only at mid (CH/CL), only at end (BH/BL)."""
    both = round(0.5 * min(n_mid, n_end))
    hh = min(round(0.6 * min(h_mid, h_end)), both)
    hl = min(both - hh, round(0.3 * (h_mid - hh)))
    split = {"HH": hh, "HL": hl, "LL": both - hh - hl, "CH": h_mid - hh - hl, "BH": h_end - hh}
    split["CL"] = n_mid - both - split["CH"]
    split["BL"] = n_end - both - split["BH"]
    if min(split.values()) < 0:
        raise ValueError(f"overdue group counts cannot be split: {split}")
    return split


def _pick(pool, shuffled, used: set, *, need_repaid: bool, org: str):
    """The first group of ``pool`` (then of any) not used yet — with a REPAID member when asked."""
    for group in [*pool, *shuffled]:
        if id(group) in used:
            continue
        if need_repaid and not any(m.kind == MemberKind.REPAID for m in group.members):
            continue
        used.add(id(group))
        return group
    raise ValueError(f"organization {org}: not enough groups for the overdue cases")


def choose_cases(state, factory: Factory, rng) -> list[Case]:
    cases: list[Case] = []
    by_org = defaultdict(list)
    for group in state.groups:
        if group.kind == GroupKind.REGULAR:
            by_org[group.organization].append(group)
    for org, groups in sorted(by_org.items()):
        split = _split(*_counts(state, org, len(groups)))
        if not any(m.kind == MemberKind.REPAID for g in groups for m in g.members):
            # No household left during the year (profiles without targets): what was overdue stays overdue.
            split["HL"] += split.pop("CH")
            split["LL"] += split.pop("CL")
        shuffled = rng.sample(groups, len(groups))
        big = [g for g in shuffled if len(g.members) >= 28]
        used = set()

        for label, count in split.items():
            low_mid = label in ("LL", "CL") or label[0] == "B"
            low_end = label in ("HL", "LL", "BL") or label[0] == "C"
            kind = {"H": "A", "L": "A", "C": "C", "B": "B"}[label[0]]
            if kind == "C":
                high_mid, high_end = label[1] == "H", False
            elif kind == "B":
                high_mid, high_end = False, label[1] == "H"
            else:
                high_mid, high_end = label[0] == "H", label[1] == "H"
            for _ in range(count):
                while True:
                    group = _pick(big if (low_mid and low_end) else shuffled, shuffled, used,
                                  need_repaid=kind == "C", org=org)
                    case = _plan_case(state, factory, rng, kind, group, high_mid, high_end)
                    if case is not None:
                        cases.append(case)
                        break
    _assign_rounds(state, cases, rng)
    cases.extend(_frozen(state, factory, rng, {id(c.group) for c in cases}))
    return cases


def _plan_case(state, factory: Factory, rng, kind: str, group, high_mid: bool, high_end: bool) -> Case | None:
    """The delinquent loan of one group's case, or None when no member of the group could have held it."""
    frame = state.frame
    wanted = MemberKind.REPAID if kind == "C" else MemberKind.CONTINUING
    candidates = sorted((m for m in group.members if m.kind == wanted), key=lambda m: (m.moved_away is None, m.joined))
    if kind == "A":
        months = (frame.start_month - 30, frame.mid_month - 1)
    elif kind == "C":
        months = (frame.start_month - 18, frame.mid_month - 1)
    else:
        months = (frame.mid_month + 1, frame.end_month - 1)
    for member in candidates[:8]:
        for _attempt in range(8):
            maturity_month = rng.randint(*months)
            program = params.PRIMARY_PROGRAM[member.status].pick(rng)
            term = params.TERMS[program].pick(rng)
            loan = factory.loan(member, maturity_month - term, program=program, term=term, role="overdue")
            if loan is None:
                continue
            final = final_due(loan)
            transfer = transfer_day(final)
            limit = frame.mid if kind in ("A", "C") else frame.end
            if transfer > limit or (kind == "B" and final <= frame.mid):
                continue
            loan.behaviour = Behaviour.DELINQUENT
            loan.fixed = True
            factory.keep(loan)
            return Case(kind=kind, member=member, loan=loan, high_mid=high_mid, high_end=high_end,
                        transfer_on=transfer)
    return None


def _assign_rounds(state, cases: list[Case], rng) -> None:
    """Written-off loans (rounds of the data year) among the C cases; proposed ones among those overdue at the end."""
    rounds = state.targets.write_offs if state.targets else ((1, 0),)
    proposed = state.targets.proposed_write_offs[0] if state.targets else 1
    # Written-off loans are small (≈ 10 million each in the seed): taken from groups below 2 % at ``mid``.
    collected = [c for c in cases if c.kind == "C" and not c.high_mid]
    needed = min(len(collected), sum(count for count, _principal in rounds))
    chosen = rng.sample(collected, needed)
    position = 0
    for number, (count, _principal) in enumerate(rounds, start=1):
        for case in chosen[position:position + count]:
            case.kind, case.write_round = "W", number
        position += count
    at_end = [c for c in cases if c.kind in ("A", "B")]
    for case in rng.sample(at_end, min(proposed, len(at_end))):
        case.proposed = True


def _frozen(state, factory: Factory, rng, taken: set[int]) -> list[Case]:
    frame = state.frame
    pool = [m for m in state.members if m.kind == MemberKind.CONTINUING and m.group.kind == GroupKind.REGULAR
            and id(m.group) not in taken and m.joined < frame.start - 800]
    found = []
    count = params.FREEZE_LOANS if state.targets else 2
    for member in rng.sample(pool, count * 3):
        if len(found) == count:
            break
        program = params.PRIMARY_PROGRAM[member.status].pick(rng)
        loan = factory.loan(member, rng.randint(frame.start_month - 20, frame.start_month + 2), program=program,
                            term=60)
        if loan is None:
            continue
        loan.behaviour = Behaviour.FROZEN
        factory.keep(loan)
        found.append(Case(kind="F", member=member, loan=loan))
    return found


# --- amounts ------------------------------------------------------------------------------------------------------


def _solve(items: list[tuple[object, int, int]], target: int, rng) -> dict[object, int]:
    """Amounts in [lo, hi] (multiples of STEP) summing exactly to ``target``."""
    low = sum(lo for _key, lo, _hi in items)
    high = sum(hi for _key, _lo, hi in items)
    if not low <= target <= high:
        raise ValueError(f"overdue target {target:,} outside the feasible range {low:,}–{high:,}")
    weights = {key: rng.uniform(0.5, 1.0) * (hi - lo) for key, lo, hi in items}
    room = sum(weights.values()) or 1
    share = (target - low) / room
    values = {}
    for key, lo, hi in items:
        values[key] = min(hi, lo + int(share * weights[key]) // STEP * STEP)
    rest = target - sum(values.values())
    for key, lo, hi in sorted(items, key=lambda item: item[2] - values[item[0]], reverse=True):
        if rest == 0:
            break
        take = min(rest, (hi - values[key]) // STEP * STEP) if rest > 0 else max(rest, lo - values[key])
        values[key] += take
        rest -= take
    if rest:
        raise ValueError(f"overdue amounts: {rest} VND left over")
    return values


def _range(other: int, high: bool, cap: int | None = None) -> tuple[int, int]:
    lo_share, hi_share = HIGH_RANGE if high else LOW_RANGE
    lo = max(LOW_MINIMUM, -(-int(other * lo_share) // STEP) * STEP)
    hi = int(other * hi_share) // STEP * STEP
    if cap is not None:
        # A loan overdue at both dates only shrinks (kind A): its end amount may not exceed its amount at mid, even
        # when the group's share minimum is above it (else the history could not repay down to the planned amount).
        hi, lo = min(hi, cap), min(lo, cap)
    return lo, max(lo, hi)


def size_cases(state, cases: list[Case], group_other: dict, rng) -> None:
    """``group_other[(group id, "mid"|"end")]``: outstanding of the group's other loans at that date."""
    targets = state.targets
    overdue_cases = [c for c in cases if c.kind != "F"]
    mid_range = {c: _range(group_other[(id(c.group), "mid")], c.high_mid) for c in overdue_cases if c.kind != "B"}
    # Province-wide first: each written-off round's principal, then the principal proposed in the last round.
    for number, (_count, principal) in enumerate(targets.write_offs if targets else (), start=1):
        items = [(c, *mid_range[c]) for c in overdue_cases if c.write_round == number]
        for case, value in _solve(items, principal, rng).items():
            case.u_mid = value
    by_org = defaultdict(list)
    for case in overdue_cases:
        by_org[case.group.organization].append(case)
    for org, org_cases in sorted(by_org.items()):
        goal = targets.by_organization[org] if targets else None
        rest = [(c, *mid_range[c]) for c in org_cases if c.kind != "B" and not (targets and c.write_round)]
        fixed = sum(c.u_mid for c in org_cases if targets and c.write_round)
        for case, value in _solve(rest, (goal.overdue_mid - fixed) if goal else _natural(rest), rng).items():
            case.u_mid = value
    end_range = {}
    for case in overdue_cases:
        if case.kind in ("A", "B"):
            cap = case.u_mid if case.kind == "A" else None
            end_range[case] = _range(group_other[(id(case.group), "end")], case.high_end, cap)
    if targets:
        items = [(c, *end_range[c]) for c in overdue_cases if c.proposed]
        for case, value in _solve(items, targets.proposed_write_offs[1], rng).items():
            case.u_end = value
    for org, org_cases in sorted(by_org.items()):
        goal = targets.by_organization[org] if targets else None
        rest = [(c, *end_range[c]) for c in org_cases if c in end_range and not (targets and c.proposed)]
        fixed = sum(c.u_end for c in org_cases if targets and c.proposed)
        for case, value in _solve(rest, (goal.overdue_end - fixed) if goal else _natural(rest), rng).items():
            case.u_end = value


def _natural(items) -> int:
    return sum((lo + hi) // 2 // STEP * STEP for _key, lo, hi in items)


def shape_cases(state, cases: list[Case], rng) -> None:
    """Turn each case's overdue amounts into its loan: amount, the payments before it stopped, the overdue
    repayments after the transfer (all on commune session days)."""
    frame = state.frame
    for case in cases:
        if case.kind == "F":
            continue
        loan = case.loan
        day_of_month = case.group.session_day
        transfer_month = month_of(case.transfer_on)
        after = []
        if case.kind == "B":
            months = [m for m in range(transfer_month + 1, frame.end_month + 1)
                      if session_day(m, day_of_month) <= frame.end]
            if months and rng.random() < 0.5 and not case.proposed:
                case.extra_after_transfer = rng.randint(1, 4) * 500_000
                after.append((session_day(rng.choice(months), day_of_month), case.extra_after_transfer))
            unpaid = case.u_end + case.extra_after_transfer
        else:
            months = list(range(transfer_month + 1, frame.mid_month + 1)) if case.transfer_on >= frame.start else []
            if months and rng.random() < 0.6:
                case.extra_before_mid = rng.randint(1, 4) * 500_000
                after.append((session_day(rng.choice(months), day_of_month), case.extra_before_mid))
            unpaid = case.u_mid + case.extra_before_mid
        if case.kind == "A" and case.u_mid > case.u_end:
            after.append((session_day(rng.randint(frame.mid_month + 1, frame.end_month - 2), day_of_month),
                          case.u_mid - case.u_end))
        if case.kind == "C":
            first = rng.randint(frame.mid_month + 1, frame.end_month - 2)
            part = case.u_mid // 2 // STEP * STEP if rng.random() < 0.4 else 0
            if part:
                after.append((session_day(first, day_of_month), part))
            after.append((session_day(rng.randint(first + 1, frame.end_month - 1), day_of_month), case.u_mid - part))
        loan.amount = max(loan.amount, -(-(unpaid + 2 * params.MILLION) // params.MILLION) * params.MILLION)
        loan.unpaid = unpaid
        _before_maturity(loan, loan.amount - unpaid)
        loan.after_transfer = sorted(after)


def _before_maturity(loan: LoanPlan, paid: int) -> None:
    """Installments paid on their due days while they fit in ``paid``; the remainder as a partial payment at the
    first installment left unpaid; nothing after."""
    days = schedule_days(loan)
    amounts = split_principal(loan.amount, len(days), loan.unit)
    payments, left = [], paid
    stop = loan.disbursed
    for day, amount in zip(days, amounts, strict=True):
        if left >= amount and amount:
            payments.append((day, amount))
            left -= amount
            stop = day
        else:
            if left:
                payments.append((day, left))
                stop = day
            break
    loan.before_maturity = payments
    loan.stop = stop
