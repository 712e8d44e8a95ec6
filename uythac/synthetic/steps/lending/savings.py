"""Step «savings»: every member's savings account (TK 105), its balance brought forward, its deposits collected by
the group leader (13/TD, handed over at the commune session), its withdrawals and its closing when the household
leaves the group.

Behaviour (HEURISTIC, in line with seed 001): members save a little through the leader, not every month — "nhiều hộ
vay chỉ tham gia gửi 1 lần, không gửi đều hàng tháng": one to four deposits a year; about one account in three
withdraws part of its balance in a year; a household leaving its group withdraws everything and closes the account;
some members who joined lately have not deposited yet. No interest is credited on these accounts (the seed's
balance change equals deposits minus withdrawals).

Targets (profiles with targets): the balance of each organization's accounts at ``mid`` and at the end exactly,
the deposits and withdrawals of the last year to the seed's rounding, and the number of members with a balance at
the end. Opening balances and deposits are scaled per organization, the share withdrawn is set province-wide so
that the deposits match, then one deposit per organization absorbs the rounding.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.models import EntryKind
from uythac.savings.models import MemberSavingsAccount, SavingsAccountStatus
from uythac.synthetic.context import BuildContext
from uythac.synthetic.load import db_datetime, insert_rows
from uythac.synthetic.names import Weighted
from uythac.synthetic.steps.lending.dates import date_of, iso, month_of, session_day
from uythac.synthetic.steps.lending.model import GroupKind

STEP = 10_000
DEPOSITS_A_YEAR = Weighted(((1, 40), (2, 35), (3, 15), (4, 10)))
WITHDRAWAL_SHARE = 0.3  # accounts withdrawing part of their balance in a year
DEFAULT_YEARLY_SAVING = 700_000  # VND a year, median (profiles without targets)


@dataclass(slots=True, eq=False)
class AccountPlan:
    member: object
    number: str
    opened: int
    closed: int | None
    rate: float  # VND saved a year (nominal)
    opening: float = 0.0  # nominal balance brought forward
    deposits: list = field(default_factory=list)  # [day, nominal amount]
    withdrawals: list = field(default_factory=list)  # [day, share of the balance]
    empty: bool = False  # member without any deposit yet
    sorted_events: list = field(default_factory=list)
    flows: list = field(default_factory=list)  # [(day, signed VND)] after scaling (+ deposit, − withdrawal)
    opening_vnd: int = 0


def _members_with_accounts(state):
    frame = state.frame
    for member in state.members:
        # Everyone who was a member during the history (households of the added groups included).
        if member.left is not None and member.left < frame.start:
            continue
        yield member


def _session_days(member, first: int, last: int) -> list[int]:
    day_of_month = member.group.session_day
    days = []
    for month in range(month_of(first), month_of(last) + 1):
        day = session_day(month, day_of_month)
        if first <= day <= last:
            days.append(day)
    return days


def plan_accounts(ctx: BuildContext, state) -> list[AccountPlan]:
    rng = ctx.rng("savings")
    frame = state.frame
    prefix = ctx.province.code
    serial = defaultdict(int)
    accounts = []
    for member in _members_with_accounts(state):
        office = member.group.office_code[-2:]
        serial[office] += 1
        leaving = member.left if member.left is not None and member.group.kind != GroupKind.MERGED else None
        account = AccountPlan(
            member=member, number=f"105{prefix}{office}{serial[office]:06d}", opened=member.joined, closed=leaving,
            rate=DEFAULT_YEARLY_SAVING * math.exp(rng.gauss(0, 0.55)),
        )
        member.savings = account
        if account.opened < frame.start:
            years = (frame.start - account.opened) / 365
            account.opening = account.rate * years * rng.uniform(0.35, 0.75)
        last = min(frame.end, leaving - 1) if leaving else frame.end
        first = max(frame.start, account.opened)
        for year_start in (frame.start, frame.mid + 1):
            year_end = year_start + 364 if year_start == frame.start else frame.end
            days = _session_days(member, max(first, year_start), min(last, year_end))
            if not days:
                continue
            count = min(len(days), DEPOSITS_A_YEAR.pick(rng))
            share = (min(last, year_end) - max(first, year_start) + 1) / 365
            for day in sorted(rng.sample(days, count)):
                account.deposits.append([day, account.rate * share / count])
            if rng.random() < WITHDRAWAL_SHARE:
                day = rng.choice(days)
                account.withdrawals.append([day, rng.uniform(0.25, 0.6)])
        accounts.append(account)
    _choose_empty(state, accounts, rng)
    return accounts


def _choose_empty(state, accounts, rng) -> None:
    """Members at the end without a balance: the last ones to join, who have not deposited yet."""
    frame = state.frame
    if state.targets is None:
        return
    at_end = [a for a in accounts if a.closed is None and a.member.group.kind != GroupKind.MERGED]
    wanted = state.targets.members_end - state.targets.savers_end
    recent = sorted((a for a in at_end if a.opened > frame.mid), key=lambda a: -a.opened)
    for account in recent[:wanted]:
        account.empty = True
        account.deposits = []
        account.withdrawals = []


def _events(account: AccountPlan) -> list[tuple[int, int, float]]:
    """Deposits (0, nominal amount) and withdrawals (1, share of the balance) in day order."""
    return sorted([(day, 0, value) for day, value in account.deposits]
                  + [(day, 1, value) for day, value in account.withdrawals], key=lambda item: (item[0], item[1]))


def _basis(account: AccountPlan, omega: float, mid: int, end: int) -> tuple[float, float, float, float, float]:
    """The account's balances as linear forms of (α, β): (mid α, mid β, end α, end β, last-year deposits β)."""
    a, b = account.opening, 0.0
    at_mid = None
    deposits = 0.0
    for day, kind, value in account.sorted_events:
        if at_mid is None and day > mid:
            at_mid = (a, b)
        if kind == 0:
            b += value
            if day > mid:
                deposits += value
        else:
            share = value * omega
            if share < 1:
                a, b = a * (1 - share), b * (1 - share)
    if at_mid is None:
        at_mid = (a, b)
    if account.closed is not None and account.closed <= end:
        if account.closed <= mid:
            at_mid = (0.0, 0.0)
        a = b = 0.0
    if account.opened > mid:
        at_mid = (0.0, 0.0)
    return at_mid[0], at_mid[1], a, b, deposits


def _simulate(account: AccountPlan, alpha: float, beta: float, omega: float, frame) -> None:
    """The account's flows in VND (rounded to 10,000) under the scales."""
    balance = _round(account.opening * alpha)
    account.opening_vnd = balance
    flows = []
    for day, kind, value in account.sorted_events:
        if kind == 0:
            amount = max(STEP, _round(value * beta))
            balance += amount
            flows.append((day, amount))
        else:
            amount = _round(balance * value * omega)
            if 0 < amount < balance:
                balance -= amount
                flows.append((day, -amount))
    if account.closed is not None and account.closed <= frame.end and balance:
        flows.append((account.closed, -balance))
    account.flows = flows


def _round(value: float) -> int:
    return int(round(value / STEP)) * STEP


def calibrate_accounts(state, accounts) -> dict:
    """Per organization the scales of the balances brought forward (α) and of the deposits (β) that give both
    balance targets — balances are linear in (α, β) —, the share withdrawn (ω) province-wide by the secant method
    so that the year's deposits match; then amounts rounded and one deposit on each side of ``mid`` absorbs the
    rounding."""
    frame, targets = state.frame, state.targets
    by_org = defaultdict(list)
    for account in accounts:
        account.sorted_events = _events(account)
        by_org[account.member.group.organization].append(account)
    if targets is None:
        for account in accounts:
            _simulate(account, 1.0, 1.0, 1.0, frame)
        return {}

    def solve(omega: float):
        scales, deposited = {}, 0.0
        for org, org_accounts in sorted(by_org.items()):
            goal = targets.by_organization[org]
            m_o = m_d = e_o = e_d = d_d = 0.0
            for account in org_accounts:
                mid_a, mid_b, end_a, end_b, deposits = _basis(account, omega, frame.mid, frame.end)
                m_o += mid_a
                m_d += mid_b
                e_o += end_a
                e_d += end_b
                d_d += deposits
            determinant = m_o * e_d - m_d * e_o
            alpha = (goal.savings_mid * e_d - m_d * goal.savings_end) / determinant
            beta = (m_o * goal.savings_end - goal.savings_mid * e_o) / determinant
            scales[org] = (alpha, beta)
            deposited += beta * d_d
        return scales, deposited

    omegas = [1.0, 1.3]
    results = [solve(omega) for omega in omegas]
    for _attempt in range(8):
        (_s0, d0), (_s1, d1) = results[-2], results[-1]
        if abs(d1 - targets.deposits) < 5_000_000 or d1 == d0:
            break
        omega = omegas[-1] + (targets.deposits - d1) * (omegas[-1] - omegas[-2]) / (d1 - d0)
        omegas.append(max(0.05, min(omega, 2.5)))
        results.append(solve(omegas[-1]))
    scales, _deposited = results[-1]
    omega = omegas[-1]
    for org, org_accounts in sorted(by_org.items()):
        alpha, beta = scales[org]
        for account in org_accounts:
            _simulate(account, alpha, beta, omega, frame)
        _exact(state, org, org_accounts)
    return {"withdrawal_factor": round(omega, 4),
            "scales": {org: (round(a, 4), round(b, 4)) for org, (a, b) in scales.items()}}


def _exact(state, org: str, accounts) -> None:
    frame, goal = state.frame, state.targets.by_organization[org]
    steady = [a for a in accounts if a.closed is None and not a.withdrawals and a.member.group.kind != GroupKind.MERGED]
    mid = sum(a.opening_vnd + sum(x for d, x in a.flows if d <= frame.mid) for a in accounts
              if a.opened <= frame.mid and (a.closed is None or a.closed > frame.mid))
    _tweak(steady, mid - goal.savings_mid, before_mid=True, frame=frame)
    end = sum(a.opening_vnd + sum(x for _d, x in a.flows) for a in accounts)
    _tweak(steady, end - goal.savings_end, before_mid=False, frame=frame)


def _tweak(accounts, excess: int, *, before_mid: bool, frame) -> None:
    """Take ``excess`` off (or add it to) one deposit made before ``mid`` (or after it)."""
    if not excess:
        return
    for account in accounts:
        for index, (day, amount) in enumerate(account.flows):
            if amount > 0 and (day <= frame.mid) == before_mid and amount - excess >= STEP:
                account.flows[index] = (day, amount - excess)
                return
    raise ValueError(f"savings: no deposit can absorb {excess:,} VND")


def build_savings(ctx: BuildContext) -> None:
    state = ctx.lending
    frame = state.frame
    accounts = plan_accounts(ctx, state)
    state.notes["savings"] = calibrate_accounts(state, accounts)
    created = db_datetime(timezone.now())
    rows = []
    journal = state.journal
    for account in accounts:
        member = account.member
        group = member.group
        balance = account.opening_vnd + sum(amount for _day, amount in account.flows)
        closed = account.closed is not None and account.closed <= frame.end
        rows.append((account.number, member.household_id, group.group_id, iso(account.opened),
                     SavingsAccountStatus.CLOSED if closed else SavingsAccountStatus.ACTIVE,
                     iso(account.closed) if closed else None, 0 if closed else balance, created))
        key = (S.SAVINGS, account.number)
        if account.opening_vnd:
            index = journal.batch(frame.opening, EntryKind.OPENING_BALANCE, group.office_code, "",
                                  cash=(A.LENDING_FUNDS, S.OFFICE, group.office_code))
            journal.line(index, A.SAVINGS_105, -account.opening_vnd, *key)
        for day, amount in account.flows:
            if group.kind == GroupKind.MERGED and day >= group.closed_on:
                group = group.target  # after the merge the member saves through the target group's leader
            if amount > 0:
                index = journal.batch(
                    day, EntryKind.SAVINGS_DEPOSIT, group.code,
                    lambda day=day, group=group: f"Tổ trưởng tổ {group.code} nộp tiền gửi tiết kiệm thu hộ (13/TD) "
                                                 f"tại phiên giao dịch ngày {date_of(day):%d/%m/%Y}",
                    cash=(A.CASH_TELLER, S.POINT, group.point_code), source_type="group", source_key=group.code)
            else:
                index = journal.batch(
                    day, EntryKind.SAVINGS_WITHDRAWAL, group.point_code,
                    lambda day=day, group=group: f"Chi trả tiền gửi tại điểm giao dịch {group.point_code} ngày "
                                                 f"{date_of(day):%d/%m/%Y}",
                    cash=(A.CASH_TELLER, S.POINT, group.point_code), source_type="point", source_key=group.point_code)
            journal.line(index, A.SAVINGS_105, -amount, *key)
    insert_rows(MemberSavingsAccount, ("account_number", "household", "group", "opened_on", "status", "closed_on",
                                       "balance", "created_at"), rows)
    ctx.counts["savings_accounts"] += len(rows)
