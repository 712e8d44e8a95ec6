"""The records the lending steps plan and simulate (plain Python, no Django): groups, members, loans, the time frame.

Days are ordinals (``date.toordinal()``), money integer VND. The steps keep one ``LendingState`` on the build
context (``ctx.lending``): ``steps.lending.members`` fills the groups and members, ``steps.lending.portfolio`` the
loans, ``steps.lending.simulate`` their history, and the writers turn it into rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from uythac.synthetic.steps.lending.dates import month_of, plus_months


class MemberKind(StrEnum):
    """Where a household stands at the two reference dates (the previous year end ``mid`` and the data date)."""

    CONTINUING = "A"  # a balance at both dates
    NEW = "N"  # no balance at ``mid``, a balance at the data date (first loan of the current cycle in the last year)
    REPAID = "R"  # a balance at ``mid``, none at the data date (repaid, written off) — households added by the step
    SAVER = "S"  # no balance at either date (saves in a dormant group) — households added by the step


class GroupKind(StrEnum):
    REGULAR = "G"  # a group of the groups step (a balance at the data date)
    REFILLED = "B"  # a regular group whose loans all came in the last year ("bổ sung nguồn vốn")
    MERGED = "M"  # merged into a regular group during the last year (added by the step)
    EMPTIED = "Z"  # still active, its last loans repaid during the last year (added by the step)
    DORMANT = "D"  # active, only savers (added by the step)


class Behaviour(StrEnum):
    ON_TIME = "on_time"  # every installment on its due day
    PREPAY = "prepay"  # on time, then the whole balance on ``stop``
    LATE = "late"  # installment ``late_number`` paid ``late_months`` later (rolls into the next, ROLL_INTO_NEXT)
    EXTENDED = "extended"  # the last installment extended by ``extension_months`` at maturity
    DELINQUENT = "delinquent"  # pays until ``stop``; the rest goes overdue after maturity (an overdue case)
    FROZEN = "frozen"  # on time until frozen (khoanh) on ``freeze_on``


@dataclass(frozen=True)
class Frame:
    """``start``: first day of the history; ``opening`` = start − 1 (balances brought forward); ``mid``: the
    comparison date (one year before the data date); ``end``: the data date (the profile's ``as_of``)."""

    start: int
    mid: int
    end: int

    @property
    def opening(self) -> int:
        return self.start - 1

    @classmethod
    def for_date(cls, as_of: dt.date) -> Frame:
        end = as_of.toordinal()
        return cls(start=plus_months(end, -24) + 1, mid=plus_months(end, -12), end=end)

    @property
    def start_month(self) -> int:
        return month_of(self.start)

    @property
    def mid_month(self) -> int:
        return month_of(self.mid)

    @property
    def end_month(self) -> int:
        return month_of(self.end)


@dataclass(slots=True, eq=False)
class GroupRef:
    index: int
    kind: str
    organization: str
    code: str
    commune_id: int
    village_id: int
    point_id: int
    point_code: str
    session_day: int
    office_id: int
    office_code: str
    unit_id: int
    established: int
    group_id: int | None = None
    closed_on: int | None = None  # MERGED: the merge day
    target: GroupRef | None = None  # MERGED: the group it merged into
    refill_months: tuple[int, int] = (0, 0)  # REFILLED: the two sessions at which its members borrowed
    name: str = ""
    members: list[Member] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Member:
    household_id: int | None
    customer_code: str
    group: GroupRef
    kind: str
    joined: int
    status: str  # poverty status of the data year
    moved_away: int | None = None
    left: int | None = None  # left the group (R households after repaying)
    moved_to: GroupRef | None = None  # MERGED group members: the group they moved into on the merge day
    loans: list[LoanPlan] = field(default_factory=list)
    savings: object | None = None  # steps.lending.savings.AccountPlan
    person: object | None = None  # households added by the lending steps: synthetic.context.Person
    village_id: int | None = None


@dataclass(slots=True, eq=False)
class LoanPlan:
    member: Member
    program: str
    category: str | None
    amount: int
    disbursed: int
    term: int
    grace: int
    frequency: int
    role: str  # "primary", "secondary", "housing", "overdue"
    unit: int = 100_000  # installment rounding unit in force at disbursement (rule loans.installment.rounding_unit)
    regime: str = "ROLL_INTO_NEXT"  # installment regime in force at disbursement (597/NHCS-TDNN)
    fixed: bool = False  # amount set by an overdue/risk target, not scaled by the calibration
    nominal: int = 0  # the amount as first drawn (the calibration scales it)
    dither: int = 0  # this loan's offset when the scaled amount is rounded to the million
    behaviour: str = Behaviour.ON_TIME
    stop: int | None = None
    late_number: int = 0
    late_months: int = 0
    adjusted: bool = False
    extension_months: int = 0
    unpaid: int = 0  # DELINQUENT: principal left at maturity (transferred to overdue)
    before_maturity: list[tuple[int, int]] = field(default_factory=list)  # DELINQUENT partial payments
    after_transfer: list[tuple[int, int]] = field(default_factory=list)  # repayments of the overdue principal
    extra: list[tuple[int, int]] = field(default_factory=list)  # voluntary partial prepayments
    freeze_on: int | None = None
    freeze_months: int = 0
    write_off_on: int | None = None
    risk: object | None = None  # steps.lending.risk.CasePlan
    skipped_collections: frozenset[int] = frozenset()  # quarter indices whose interest is not paid on time
    number: str = ""
    loan_id: int | None = None
    closed_on: int | None = None  # repaid in full or written off (set by the history)
    timeline: object | None = None  # principal.Timeline (set by the history)
    interest: object | None = None  # accrual.Interest (set by the history)

    @property
    def group(self) -> GroupRef:
        return self.member.group

    @property
    def maturity(self) -> int:
        return plus_months(self.disbursed, self.term)
