"""The loans of every member: program, amount, disbursement on a commune session day, term, installment schedule and
how the loan behaves, so that each household has a balance exactly at the reference dates its kind says.

A household's primary loans form a chain (the next loan comes at the session where the previous one is repaid, or a
few months later); only loans alive during the history window are kept. CONTINUING households either keep one loan
across both reference dates or repay it during the last year and borrow again ("renewal"); the number of renewals
is chosen so that the loans disbursed during the last year match the target count exactly. NEW households borrow for
the first time in the current cycle during the last year; REPAID households repay their last loan during it
(members of a MERGED group before the merge day); SAVER households' last loan, if any, ended in the first year.
Secondary loans (clean water, housing) ride on continuing households. Overdue, frozen and written-off loans are
planned by ``steps.lending.cases`` first; their households take no other primary loan.
"""

from __future__ import annotations

import datetime as dt

from uythac.core.rules import rule_value
from uythac.programs.models import BeneficiaryCategory, CreditProgram, LimitKind, ProgramLimit
from uythac.programs.selectors import limit_on
from uythac.synthetic.steps.lending import params
from uythac.synthetic.steps.lending.dates import due_dates, month_of, session_day, session_on_or_after
from uythac.synthetic.steps.lending.model import Behaviour, GroupKind, LoanPlan, Member, MemberKind

ONE_DAY = dt.timedelta(days=1)
ROUNDING_RULE = "loans.installment.rounding_unit"  # the loans engine's rule key (uythac.loans.eligibility)


class Catalogue:
    """Program data the plans need, read once: grace months, installment regime, rounding unit, row ids."""

    def __init__(self, start: int):
        self.start = dt.date.fromordinal(start)
        self.program_ids = dict(CreditProgram.objects.values_list("code", "id"))
        self.category_ids = {
            (program, code): pk
            for pk, program, code in BeneficiaryCategory.objects.values_list("id", "program__code", "code")
        }
        self._memo: dict[tuple, object] = {}
        rows = ProgramLimit.objects.filter(kind=LimitKind.INSTALLMENT_REGIME)
        self._regime_boundaries = tuple(sorted(
            {row.effective_from for row in rows} | {row.effective_to + ONE_DAY for row in rows if row.effective_to}
        ))

    def _remember(self, key: tuple, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def _program(self, code: str) -> CreditProgram:
        return self._remember(("program", code), lambda: CreditProgram.objects.get(code=code))

    def _category(self, program: str, category: str | None):
        if not category:
            return None
        return self._remember(("category", program, category),
                              lambda: BeneficiaryCategory.objects.get(pk=self.category_ids[(program, category)]))

    def grace(self, program: str, category: str | None) -> int:
        # Loans older than the history carry the terms in force at its start (the data horizon of the rules).
        def compute():
            limit = limit_on(self._program(program), LimitKind.GRACE_MONTHS, self.start,
                             category=self._category(program, category))
            return limit.months if limit is not None else 0

        return self._remember(("grace", program, category), compute)

    def regime(self, program: str, category: str | None, month: int) -> str:
        day = max(self.start, dt.date(month // 12, month % 12 + 1, 1))
        # The regime can only change where one of its rows starts or ends: ask once per stretch between those.
        since = max(max((b for b in self._regime_boundaries if b <= day), default=self.start), self.start)

        def compute():
            limit = limit_on(self._program(program), LimitKind.INSTALLMENT_REGIME, since,
                             category=self._category(program, category))
            if limit is None:
                raise ValueError(f"no installment regime for program {program} on {since}")
            return limit.choice

        return self._remember(("regime", program, category, since), compute)

    def unit(self, year: int) -> int:
        return self._remember(("unit", year),
                              lambda: int(rule_value(ROUNDING_RULE, on=max(self.start, dt.date(year, 12, 31)))))


def final_due(loan: LoanPlan) -> int:
    return schedule_days(loan)[-1]


def schedule_days(loan: LoanPlan) -> tuple[int, ...]:
    return due_dates(loan.disbursed, loan.term, loan.grace, min(loan.frequency, loan.term), loan.group.session_day)


class Factory:
    def __init__(self, state, catalogue: Catalogue, rng):
        self.state, self.catalogue, self.rng = state, catalogue, rng
        self.frame = state.frame

    def loan(self, member: Member, month: int, *, role: str = "primary", program: str | None = None,
             term: int | None = None, category: str | None = None, amount: int | None = None,
             day: int | None = None, frequency: int | None = None) -> LoanPlan | None:
        """A loan disbursed at the member's session of ``month`` — or at the PGD's counter on ``day`` — (None when
        the member had not joined yet)."""
        disbursed = day or session_day(month, member.group.session_day)
        if disbursed < member.joined:
            return None
        program = program or params.PRIMARY_PROGRAM[member.status].pick(self.rng)
        term = term or params.TERMS[program].pick(self.rng)
        frequency = frequency or (params.FREQUENCIES[program].pick(self.rng) if program in params.FREQUENCIES else 12)
        loan = LoanPlan(
            member=member, program=program, category=category,
            amount=amount or params.AMOUNTS[program].pick(self.rng) * params.MILLION, disbursed=disbursed,
            term=term, grace=self.catalogue.grace(program, category), frequency=min(frequency, term), role=role,
            unit=self.catalogue.unit(dt.date.fromordinal(disbursed).year),
            regime=self.catalogue.regime(program, category, month_of(disbursed)),
        )
        return loan

    def maturing(self, member: Member, maturity_month: int) -> LoanPlan | None:
        """A loan whose last (yearly) installment falls due in ``maturity_month``: one that is ending, so mostly
        medium and long terms (its balance a year earlier is its last installment)."""
        program = params.PRIMARY_PROGRAM[member.status].pick(self.rng)
        longest = maturity_month - month_of(member.joined) - 1
        terms = [params.TERMS[program].pick(self.rng) for _ in range(3)]
        fitting = [term for term in terms if term <= longest]
        if not fitting:
            if longest < 12:
                return None
            fitting = [min(longest, 60) // 12 * 12]
        term = max(fitting) if self.rng.random() < 0.5 else fitting[0]
        return self.loan(member, maturity_month - term, program=program, term=term, frequency=12)

    def keep(self, loan: LoanPlan) -> LoanPlan:
        loan.member.loans.append(loan)
        self.state.loans.append(loan)
        return loan

    def history_before(self, member: Member, month: int, *, depth: int = 2) -> None:
        """Earlier primary loans, each repaid at (or a little before) the next one's disbursement month, while they
        were still alive at the start of the history."""
        for _ in range(depth):
            maturity_month = month - params.RENEWAL_GAP_MONTHS.pick(self.rng)
            program = params.PRIMARY_PROGRAM[member.status].pick(self.rng)
            term = params.TERMS[program].pick(self.rng)
            loan = self.loan(member, maturity_month - term, program=program, term=term)
            if loan is None or final_due(loan) < self.frame.start:
                return
            self.keep(loan)
            month = maturity_month - term

    # -- the kinds -------------------------------------------------------------------------------------------

    def continuing(self, member: Member, *, renew: bool) -> bool:
        """Plan a CONTINUING household's primary loans; returns whether it renewed during the last year."""
        frame = self.frame
        day_of_month = member.group.session_day
        if renew:
            disbursed_month = self.rng.randint(frame.mid_month + 1, self.last_month(day_of_month))
            maturity_month = max(frame.mid_month + 1, disbursed_month - params.RENEWAL_GAP_MONTHS.pick(self.rng))
            if session_day(maturity_month, day_of_month) <= frame.mid:
                maturity_month += 1
            disbursed_month = max(disbursed_month, maturity_month)
            if session_day(disbursed_month, day_of_month) <= frame.end:
                for _attempt in range(4):
                    previous = self.maturing(member, maturity_month)
                    if previous is not None:
                        self.keep(previous)
                        self.history_before(member, month_of(previous.disbursed))
                        self.keep(self.loan(member, disbursed_month))
                        return True
        # One loan across both dates: disbursed by ``mid``, final installment after the end.
        for _attempt in range(6):
            program = params.PRIMARY_PROGRAM[member.status].pick(self.rng)
            term = max(params.TERMS[program].pick(self.rng), 24)
            first = max(month_of(member.joined), frame.end_month - term + 1)
            if first > frame.mid_month:
                continue
            loan = self.loan(member, self.rng.randint(first, frame.mid_month), program=program, term=term)
            if loan is not None and loan.disbursed <= frame.mid and final_due(loan) > frame.end:
                self.keep(loan)
                self.history_before(member, month_of(loan.disbursed))
                return False
        loan = self.loan(member, month_of(session_on_or_after(member.joined, day_of_month)), term=60)
        if loan is None or loan.disbursed > frame.mid:
            raise ValueError(f"household {member.customer_code}: no loan possible at the comparison date")
        self.keep(loan)
        return False

    def last_month(self, day_of_month: int) -> int:
        """The last month whose session day is not after the data date."""
        end_month = self.frame.end_month
        return end_month if session_day(end_month, day_of_month) <= self.frame.end else end_month - 1

    def new(self, member: Member) -> None:
        frame = self.frame
        first_day = session_on_or_after(max(member.joined, frame.mid + 1), member.group.session_day)
        last_month = self.last_month(member.group.session_day)
        if member.joined > frame.mid:
            # Households join a group to borrow: the loan comes at one of the next sessions.
            month = min(last_month, month_of(first_day) + params.RENEWAL_GAP_MONTHS.pick(self.rng))
        else:
            month = self.rng.randint(min(month_of(first_day), last_month), last_month)
        if member.group.kind == GroupKind.REFILLED:
            # A cohort: the group's members borrow at one or two sessions.
            month = member.group.refill_months[self.rng.random() < 0.7]
        loan = self.loan(member, month) if month <= last_month else None
        if loan is None and first_day <= frame.end:
            loan = self.loan(member, month_of(first_day))
        if loan is None:
            # Joined after the last session before the data date: disbursed at the PGD's counter.
            loan = self.loan(member, last_month, day=min(frame.end, max(member.joined, frame.mid + 1) + 2))
        self.keep(loan)
        # Re-borrowers: an earlier loan repaid during the first year.
        share = 0.6 if member.group.kind == GroupKind.REFILLED else 0.25
        if member.joined < frame.start - 365 and self.rng.random() < share:
            end_month = month_of(frame.mid) if session_day(frame.mid_month, member.group.session_day) <= frame.mid \
                else frame.mid_month - 1
            maturity_month = self.rng.randint(frame.start_month, end_month)
            program = params.PRIMARY_PROGRAM[member.status].pick(self.rng)
            term = params.TERMS[program].pick(self.rng)
            earlier = self.loan(member, maturity_month - term, program=program, term=term)
            if earlier is not None and frame.start <= final_due(earlier) <= frame.mid:
                self.keep(earlier)

    def repaid(self, member: Member) -> None:
        """The last loan is repaid during the last year (before the merge day in a MERGED group)."""
        frame = self.frame
        day_of_month = member.group.session_day
        deadline = member.group.closed_on - 1 if member.group.closed_on else frame.end
        last_month = month_of(deadline) if session_day(month_of(deadline), day_of_month) <= deadline \
            else month_of(deadline) - 1
        maturity_month = self.rng.randint(frame.mid_month + 1, last_month)
        if session_day(maturity_month, day_of_month) <= frame.mid:
            maturity_month += 1
        for _attempt in range(4):
            loan = self.maturing(member, maturity_month)
            if loan is not None:
                self.keep(loan)
                self.history_before(member, month_of(loan.disbursed))
                return
        # Joined too recently for a whole term: a loan after joining, repaid early during the last year.
        loan = self.loan(member, month_of(session_on_or_after(member.joined, day_of_month)), term=60)
        loan.behaviour = Behaviour.PREPAY
        loan.stop = session_day(maturity_month, day_of_month)
        self.keep(loan)

    def saver(self, member: Member) -> None:
        if self.rng.random() < 0.6:
            frame = self.frame
            maturity_month = self.rng.randint(frame.start_month, frame.mid_month - 1)
            program = params.PRIMARY_PROGRAM[member.status].pick(self.rng)
            term = params.TERMS[program].pick(self.rng)
            loan = self.loan(member, maturity_month - term, program=program, term=term)
            if loan is not None and final_due(loan) >= frame.start:
                self.keep(loan)

    def secondary(self, member: Member) -> LoanPlan | None:
        """A clean-water loan alive at the end (60 months)."""
        frame = self.frame
        term = params.TERMS[params.SECONDARY_PROGRAM].pick(self.rng)
        first = max(month_of(member.joined) + 1, frame.end_month - term + 2)
        last = frame.end_month if session_day(frame.end_month, member.group.session_day) <= frame.end \
            else frame.end_month - 1
        if first > last:
            return None
        loan = self.loan(member, self.rng.randint(first, last), role="secondary",
                         program=params.SECONDARY_PROGRAM, term=term)
        return self.keep(loan) if loan is not None else None

    def housing(self, member: Member, phase) -> LoanPlan | None:
        category, amount, term = phase
        years = params.HOUSING_PHASE_1_YEARS if category == "PHASE_1" else params.HOUSING_PHASE_2_YEARS
        first = years[0] * 12
        last = min(years[1] * 12 + 11, self.frame.end_month - (0 if category == "PHASE_1" else 1))
        if first > last:
            return None
        loan = self.loan(member, self.rng.randint(first, last), role="housing", program=params.HOUSING,
                         term=term, category=category, amount=amount)
        if loan is None or final_due(loan) < self.frame.start or loan.disbursed > self.frame.end:
            return None
        loan.fixed = True
        return self.keep(loan)


def build_chains(state, factory: Factory, rng, *, case_members: set[int], disbursed_target: int | None) -> None:
    """Loans of every member not already planned by the cases."""
    frame = state.frame
    continuing = []
    for member in state.members:
        if id(member) in case_members:
            continue
        if member.kind == MemberKind.CONTINUING:
            continuing.append(member)
        elif member.kind == MemberKind.NEW:
            factory.new(member)
        elif member.kind == MemberKind.REPAID:
            factory.repaid(member)
        else:
            factory.saver(member)
    # Secondary and housing loans of continuing households (and old housing loans of repaid ones).
    for member in state.members:
        if id(member) in case_members:
            continue
        if member.kind == MemberKind.CONTINUING and rng.random() < params.SECONDARY_SHARE:
            factory.secondary(member)
        poor = member.status in ("POOR", "NEAR_POOR")
        if member.kind in (MemberKind.CONTINUING, MemberKind.REPAID) and poor \
                and member.joined < dt.date(params.HOUSING_PHASE_1_YEARS[0], 1, 1).toordinal() \
                and rng.random() < params.HOUSING_PHASE_1_SHARE:
            factory.housing(member, params.HOUSING_PHASE_1)
        if member.kind == MemberKind.CONTINUING and member.status == "POOR" \
                and rng.random() < params.HOUSING_PHASE_2_SHARE:
            factory.housing(member, params.HOUSING_PHASE_2)
    already = sum(1 for loan in state.loans if frame.mid < loan.disbursed <= frame.end)
    eligible = [m for m in continuing if m.joined <= frame.start - 365]
    others = [m for m in continuing if m.joined > frame.start - 365]
    rng.shuffle(eligible)
    wanted = round(0.22 * len(eligible)) if disbursed_target is None else disbursed_target - already
    renewed = 0
    for member in eligible:
        if factory.continuing(member, renew=renewed < wanted):
            renewed += 1
    for member in others:
        factory.continuing(member, renew=False)
    if renewed != wanted:
        raise ValueError(f"{renewed} renewals instead of {wanted}: cannot reach the target disbursement count")
