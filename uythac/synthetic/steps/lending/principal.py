"""A loan's principal over its whole life, from its plan: the engine's rules replayed in plain Python.

* Scheduled installments are paid on their due day, each for its installment amount (never more than the balance:
  a voluntary prepayment shortens the tail of the schedule). A LATE installment is paid ``late_months`` later (at
  the latest with the next one: it rolls into the next, loans disbursed before 01/03/2026); with a term adjustment
  (08/TD) its due day moves there. An EXTENDED loan's last installment moves to the extended maturity (the new
  maturity counts from the contract maturity, ``loans.schedule.extend_maturity``) and is paid there. A PREPAY loan
  pays everything left on ``stop``; a FROZEN loan stops paying when frozen.
* A repayment settles overdue principal first, then in-term, then frozen (``loan_repay_principal``).
* DELINQUENT: the planned payments, then at the first month-end after the final installment the in-term balance
  goes overdue (``dates.transfer_day``), then the planned overdue repayments, and a write-off if approved.

Nothing dated after the data date happens. ``Timeline`` keeps the signed movements per day and account, which the
calibration sums at the reference dates and the writers turn into events, installments and postings.
"""

from __future__ import annotations

from dataclasses import dataclass

from uythac.synthetic.steps.lending.dates import (
    month_of,
    plus_months,
    session_day,
    session_on_or_before,
    split_principal,
    transfer_day,
)
from uythac.synthetic.steps.lending.model import Behaviour, LoanPlan
from uythac.synthetic.steps.lending.portfolio import schedule_days

# Event codes, in the order they happen on one day.
DISBURSE, REPAY, TRANSFER, FREEZE, WRITE_OFF = 0, 1, 2, 3, 4


@dataclass(slots=True)
class Timeline:
    events: list[tuple[int, int, int, int, int]]  # (day, code, Δ in-term, Δ overdue, Δ frozen)
    due_days: list[int]  # current due days (adjusted / extended)
    original_days: list[int]
    installments: list[int]
    paid_by_installment: list[int]  # principal repaid up to the end, oldest installment first
    transferred: list[int]  # per installment, moved to overdue
    adjusted_number: int = 0  # 08/TD: the installment moved (1-based), 0 if none
    extended_to: int | None = None  # the extended maturity
    zero_on: int | None = None  # the day the principal reached 0 (repaid or written off)

    def balance_at(self, day: int) -> tuple[int, int, int]:
        current = overdue = frozen = 0
        for event_day, _code, d_current, d_overdue, d_frozen in self.events:
            if event_day > day:
                break
            current += d_current
            overdue += d_overdue
            frozen += d_frozen
        return current, overdue, frozen

    def outstanding_at(self, day: int) -> int:
        return sum(self.balance_at(day))


def _planned_payments(loan: LoanPlan, days: list[int], amounts: list[int], timeline: Timeline) -> list:
    """(day, amount or None for "everything left") in day order, before the write-out of the balance rules."""
    behaviour = loan.behaviour
    day_of_month = loan.group.session_day
    if behaviour == Behaviour.DELINQUENT:
        return [*loan.before_maturity, *loan.after_transfer]
    payments = []
    last = len(days) - 1
    for index, (day, amount) in enumerate(zip(days, amounts, strict=True)):
        pay_on = day
        if behaviour == Behaviour.PREPAY and day >= loan.stop:
            payments.append((loan.stop, None))
            break
        if behaviour == Behaviour.FROZEN and day >= loan.freeze_on:
            break
        if behaviour == Behaviour.LATE and index == loan.late_number - 1 and index < last:
            pay_on = min(session_day(month_of(day) + loan.late_months, day_of_month), days[index + 1])
            if loan.adjusted and pay_on <= days[index + 1]:
                days[index] = pay_on
                timeline.adjusted_number = index + 1
        if behaviour == Behaviour.EXTENDED and index == last:
            extended = plus_months(loan.maturity, loan.extension_months)
            days[index] = extended
            timeline.extended_to = extended
            pay_on = session_on_or_before(extended, day_of_month)
        payments.append((pay_on, amount))
    payments.extend(loan.extra)
    return sorted(payments, key=lambda item: item[0])


def build_timeline(loan: LoanPlan, end: int) -> Timeline:
    days = list(schedule_days(loan))
    amounts = split_principal(loan.amount, len(days), loan.unit)
    timeline = Timeline(events=[], due_days=days, original_days=list(days), installments=amounts,
                        paid_by_installment=[0] * len(days), transferred=[0] * len(days))
    plan = [(day, REPAY, amount) for day, amount in _planned_payments(loan, days, amounts, timeline)]
    if loan.behaviour == Behaviour.DELINQUENT:
        plan.append((transfer_day(timeline.original_days[-1]), TRANSFER, 0))
    if loan.freeze_on is not None:
        plan.append((loan.freeze_on, FREEZE, 0))
    if loan.write_off_on is not None:
        plan.append((loan.write_off_on, WRITE_OFF, 0))
    plan.sort(key=lambda item: (item[0], item[1]))
    current, overdue, frozen = loan.amount, 0, 0
    events = [(loan.disbursed, DISBURSE, loan.amount, 0, 0)]
    paid = 0
    for day, code, amount in plan:
        if day > end or current + overdue + frozen == 0:
            break
        if code == REPAY:
            amount = current + overdue + frozen if amount is None else min(amount, current + overdue + frozen)
            if amount <= 0:
                continue
            from_overdue = min(amount, overdue)
            from_current = min(amount - from_overdue, current)
            from_frozen = amount - from_overdue - from_current
            current, overdue, frozen = current - from_current, overdue - from_overdue, frozen - from_frozen
            events.append((day, REPAY, -from_current, -from_overdue, -from_frozen))
            paid += amount
        elif code == TRANSFER and current:
            _spread(timeline, paid, current)
            events.append((day, TRANSFER, -current, current, 0))
            current, overdue = 0, overdue + current
        elif code == FREEZE and current + overdue:
            events.append((day, FREEZE, -current, -overdue, current + overdue))
            current, overdue, frozen = 0, 0, frozen + current + overdue
        elif code == WRITE_OFF:
            events.append((day, WRITE_OFF, -current, -overdue, -frozen))
            current = overdue = frozen = 0
        if current + overdue + frozen == 0:
            timeline.zero_on = day
    timeline.events = events
    _allocate(timeline, paid)
    return timeline


def _allocate(timeline: Timeline, paid: int) -> None:
    """Principal repaid settles the oldest installments first (``_allocate_to_installments``)."""
    for index, amount in enumerate(timeline.installments):
        take = min(paid, amount)
        timeline.paid_by_installment[index] = take
        paid -= take


def _spread(timeline: Timeline, paid: int, amount: int) -> None:
    """Which installments a transfer came from: oldest first, net of what was paid by then (``_spread_overdue``)."""
    for index, principal in enumerate(timeline.installments):
        settled = min(paid, principal)
        paid -= settled
        take = min(amount, max(0, principal - settled - timeline.transferred[index]))
        timeline.transferred[index] += take
        amount -= take
        if amount <= 0:
            break
