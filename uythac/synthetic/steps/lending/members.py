"""Step «lending_members» (plan only, nothing written): which households borrow at the two reference dates, and the
groups the last year changed.

Every household of the groups step has a balance at the data date (the groups step sizes groups by borrowing
households). Those who joined their group after the comparison date ``mid`` are NEW (their first loan came during the
last year); so are all members of a few REFILLED groups whose loans all came during the year. Everybody else is
CONTINUING. The households that had a balance at ``mid`` and none at the end are added here as REPAID households:
their number is fixed by the target change of households with a balance (REPAID − NEW = −change), and they live in
the regular groups (most leave their group after the last repayment, some stay as savers), in the MERGED groups
(small groups whose members, their loans repaid, moved into a larger group of the same association and commune:
seed 001's "68 tổ đã được củng cố, sáp nhập") and in EMPTIED groups (still active, their last loans repaid during
the year). DORMANT groups hold savers only. Group capacity (≤ 60 members, rule ``group.size``) holds at both dates.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection

from uythac.core.rules import rule_value
from uythac.households.models import Household, PovertyStatus, PovertyStatusRecord
from uythac.network.models import TransactionPoint
from uythac.synthetic import names, people
from uythac.synthetic.context import BuildContext, Person
from uythac.synthetic.plan import apportion
from uythac.synthetic.steps.groups import FIRST_GROUPS
from uythac.synthetic.steps.lending import params
from uythac.synthetic.steps.lending.dates import session_day, session_on_or_before
from uythac.synthetic.steps.lending.model import Frame, GroupKind, GroupRef, LoanPlan, Member, MemberKind
from uythac.synthetic.steps.lending.targets import TARGETS, LendingTargets

MERGED_SIZE = (5, 14)
EMPTIED_SIZE = (8, 18)
DORMANT_SIZE = (6, 14)
# Profiles without targets (demo): shares of the regular groups / households.
DEFAULT_SHARES = {"refilled": 0.006}


@dataclass
class LendingState:
    frame: Frame
    targets: LendingTargets | None
    groups: list[GroupRef] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    loans: list[LoanPlan] = field(default_factory=list)
    stayers: dict[str, int] = field(default_factory=dict)  # REPAID households staying in their group, by org
    cases: list = field(default_factory=list)  # steps.lending.cases.Case
    rounds: list = field(default_factory=list)  # steps.lending.risk.RoundPlan
    max_members: int = 60
    collection_months: tuple[int, ...] = (3, 6, 9, 12)
    notes: dict = field(default_factory=dict)


def _org_target(state: LendingState, org: str, name: str, regular_groups: int) -> int:
    if state.targets is not None:
        return getattr(state.targets.by_organization[org], f"{name}_groups")
    return min(2, max(1, round(regular_groups * DEFAULT_SHARES[name])))


def build_lending_members(ctx: BuildContext) -> None:
    if connection.vendor == "sqlite":
        # Millions of index entries are about to be written in this transaction: a page cache of 256 MB (the
        # default is 2 MB) keeps the indexes in memory (SQLite only; the setting lasts for this connection).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    rng = ctx.rng("lending_members")
    frame = Frame.for_date(ctx.as_of)
    state = LendingState(frame=frame, targets=TARGETS.get(ctx.profile.name))
    state.max_members = rule_value("group.size", on=ctx.as_of)["max"]
    state.collection_months = params.COLLECTION_MONTHS.get(ctx.profile.name, params.DEFAULT_COLLECTION_MONTHS)
    ctx.lending = state
    points = {
        point_id: (code, day)
        for point_id, code, day in TransactionPoint.objects.filter(commune__province=ctx.province).values_list(
            "id", "code", "session_day_of_month"
        )
    }
    statuses = dict(
        PovertyStatusRecord.objects.filter(household__commune__province=ctx.province, year=ctx.as_of.year)
        .values_list("household_id", "status")
    )
    moved = dict(
        Household.objects.filter(commune__province=ctx.province, moved_away_on__isnull=False)
        .values_list("id", "moved_away_on")
    )
    for plan in ctx.groups:
        code, day = points[plan.point_id]
        group = GroupRef(
            index=len(state.groups), kind=GroupKind.REGULAR, organization=plan.organization, code=plan.code,
            commune_id=plan.commune_id, village_id=plan.village_id, point_id=plan.point_id, point_code=code,
            session_day=day, office_id=plan.office_id, office_code=ctx.office_codes[plan.office_id],
            unit_id=plan.unit_id, established=plan.established_on.toordinal(), group_id=plan.group_id, name=plan.name,
        )
        state.groups.append(group)
        for person in plan.people:
            joined = person.joined_on.toordinal()
            away = moved.get(person.household_id)
            # Without a session day between joining and ``mid`` there was no loan at ``mid``: a NEW borrower.
            member = Member(
                household_id=person.household_id, customer_code=person.customer_code, group=group,
                kind=MemberKind.NEW if joined > session_on_or_before(frame.mid, day) else MemberKind.CONTINUING,
                joined=joined,
                status=statuses.get(person.household_id, PovertyStatus.NONE.value),
                moved_away=away.toordinal() if away else None, village_id=plan.village_id,
            )
            group.members.append(member)
            state.members.append(member)
    _refill(state, rng)
    if state.targets is not None:
        # Groups and households the year took away: only where a target asks for them (seed2020); the demo keeps
        # the groups and households of the earlier steps as they are.
        _add_changed_groups(ctx, state, rng)
        _add_repaid_households(ctx, state, rng)


def _regular_by_org(state: LendingState) -> dict[str, list[GroupRef]]:
    found = defaultdict(list)
    for group in state.groups:
        if group.kind == GroupKind.REGULAR:
            found[group.organization].append(group)
    return found


def _refill(state: LendingState, rng) -> None:
    """REFILLED groups: every member's loans came during the last year (a cohort group given new capital)."""
    for org, groups in sorted(_regular_by_org(state).items()):
        count = _org_target(state, org, "refilled", len(groups))
        candidates = [g for g in groups if len(g.members) <= 35 and g.established < state.frame.mid - 730]
        for group in rng.sample(candidates, count):
            group.kind = GroupKind.REFILLED
            first = rng.randint(state.frame.mid_month + 1, state.frame.end_month - 2)
            group.refill_months = (first + rng.randint(1, 2), first)
            for member in group.members:
                member.kind = MemberKind.NEW


def _members_at(group: GroupRef, day: int) -> int:
    return sum(1 for m in group.members if m.joined <= day and (m.left is None or m.left > day))


class _Codes:
    """Group codes (province + 5-digit serial) after the groups step's last one; village names in use."""

    def __init__(self, ctx: BuildContext, state: LendingState):
        self.province = ctx.province.code
        self.serial = max(int(group.code[len(self.province):]) for group in state.groups)
        self.names = Counter(group.name for group in state.groups)

    def next_code(self) -> str:
        self.serial += 1
        return f"{self.province}{self.serial:05d}"

    def name(self, base: str) -> str:
        self.names[base] += 1
        return base if self.names[base] == 1 else f"{base} số {self.names[base]}"


def _new_group(ctx, state: LendingState, codes: _Codes, rng, *, kind: str, like: GroupRef) -> GroupRef:
    """A group of the same association unit, commune and transaction point as ``like`` (a village of the commune)."""
    villages = ctx.villages_of_commune[like.commune_id]
    village = rng.choice(villages)
    latest = max(FIRST_GROUPS.toordinal(), state.frame.start - 730)
    established = FIRST_GROUPS.toordinal() + int(rng.triangular(0, latest - FIRST_GROUPS.toordinal(), 0))
    abbreviation = ctx.organizations[like.organization].short_name
    group = GroupRef(
        index=len(state.groups), kind=kind, organization=like.organization, code=codes.next_code(),
        commune_id=like.commune_id, village_id=village.id, point_id=like.point_id, point_code=like.point_code,
        session_day=like.session_day, office_id=like.office_id, office_code=like.office_code, unit_id=like.unit_id,
        established=established,
        name=codes.name(f"Tổ {abbreviation} {village.name[:1].lower()}{village.name[1:]}"),
    )
    state.groups.append(group)
    return group


def _add_changed_groups(ctx: BuildContext, state: LendingState, rng) -> None:
    codes = _Codes(ctx, state)
    frame = state.frame
    for org, groups in sorted(_regular_by_org(state).items()):
        # Targets of a merge: groups with room for a small group's members at the end.
        roomy = [g for g in groups if len(g.members) <= state.max_members - MERGED_SIZE[1]]
        for _ in range(_org_target(state, org, "merged", len(groups))):
            target = rng.choice(roomy)
            roomy.remove(target)
            group = _new_group(ctx, state, codes, rng, kind=GroupKind.MERGED, like=target)
            group.target = target
            # Merged at a commune session day of the last year, after the spring review of small groups.
            month = rng.randint(frame.mid_month + 3, frame.end_month - 1)
            group.closed_on = session_day(month, target.session_day)
            group.village_id = target.village_id
            _fill(ctx, state, rng, group, rng.randint(*MERGED_SIZE), MemberKind.REPAID)
        for name, kind, size, member_kind in (
            ("emptied", GroupKind.EMPTIED, EMPTIED_SIZE, MemberKind.REPAID),
            ("dormant", GroupKind.DORMANT, DORMANT_SIZE, MemberKind.SAVER),
        ):
            for _ in range(_org_target(state, org, name, len(groups))):
                group = _new_group(ctx, state, codes, rng, kind=kind, like=rng.choice(groups))
                _fill(ctx, state, rng, group, rng.randint(*size), member_kind)


def _person(ctx: BuildContext, rng, group: GroupRef, joined_by: int) -> Person:
    """A household representative as the households step makes them (organization's age and gender mix)."""
    profile = people.ORGANIZATION_PEOPLE[group.organization]
    female = rng.random() < profile.female_share
    born = people.birth_date(rng, profile, as_of=ctx.as_of)
    district = ctx.district_of[group.commune_id].code
    ward = ctx.commune_by_id[group.commune_id].division_type == "phường"
    ethnicity = names.Weighted(ctx.profile.ethnic_mix(district, ward=ward)).pick(rng)
    name = names.person_name(rng, ethnicity=ethnicity, female=female, birth_year=born.year)
    earliest = max(group.established, people.add_years(born, 18).toordinal())
    joined = min(earliest + int(rng.random() * max(0, joined_by - earliest)), max(earliest, joined_by))
    return Person(name=name, female=female, born=born, ethnicity=ethnicity, joined_on=dt.date.fromordinal(joined))


POVERTY_OF_REPAID = names.Weighted((
    (PovertyStatus.POOR.value, 10), (PovertyStatus.NEAR_POOR.value, 22), (PovertyStatus.RECENTLY_ESCAPED.value, 20),
    (PovertyStatus.AVERAGE_LIVING_STANDARD.value, 13), (PovertyStatus.NONE.value, 35),
))


def _extra_member(ctx, state: LendingState, rng, group: GroupRef, kind: str) -> Member:
    # Repaid households are ending a loan cycle of several years: they joined well before the comparison date.
    joined_by = state.frame.mid - 1825 if kind == MemberKind.REPAID else state.frame.mid
    person = _person(ctx, rng, group, joined_by)
    member = Member(
        household_id=None, customer_code="", group=group, kind=kind, joined=person.joined_on.toordinal(),
        status=POVERTY_OF_REPAID.pick(rng), person=person, village_id=group.village_id,
    )
    group.members.append(member)
    state.members.append(member)
    return member


def _fill(ctx, state: LendingState, rng, group: GroupRef, size: int, kind: str) -> None:
    for _ in range(size):
        _extra_member(ctx, state, rng, group, kind)


def _add_repaid_households(ctx: BuildContext, state: LendingState, rng) -> None:
    """REPAID households of the regular groups, so that REPAID − NEW = −(change of households with a balance)."""
    frame = state.frame
    counts = defaultdict(Counter)
    for member in state.members:
        counts[member.group.organization][member.kind] += 1
    regular = _regular_by_org(state)
    for org, groups in sorted(regular.items()):
        repaid = counts[org][MemberKind.NEW] - state.targets.by_organization[org].households_change
        in_regular = repaid - counts[org][MemberKind.REPAID]
        if in_regular < 0:
            raise ValueError(f"organization {org}: too many repaid households in merged and emptied groups")
        rooms = [max(0, state.max_members - _members_at(g, frame.mid)) for g in groups]
        weights = [min(room, len(g.members)) for room, g in zip(rooms, groups, strict=True)]
        shares = apportion(in_regular, weights)
        for group, share, room in zip(groups, shares, rooms, strict=True):
            for _ in range(min(share, room)):
                _extra_member(ctx, state, rng, group, MemberKind.REPAID)
        placed = sum(min(share, room) for share, room in zip(shares, rooms, strict=True))
        spare = [g for g, room, share in zip(groups, rooms, shares, strict=True) if room > share]
        for _ in range(in_regular - placed):
            _extra_member(ctx, state, rng, rng.choice(spare), MemberKind.REPAID)
    _choose_stayers(state)


def _choose_stayers(state: LendingState) -> None:
    """How many REPAID households of the regular groups stay as savers (the rest leave after repaying)."""
    members_end = Counter()
    moved_in = Counter()
    for member in state.members:
        group = member.group
        if group.kind in (GroupKind.REGULAR, GroupKind.REFILLED) and member.kind != MemberKind.REPAID:
            members_end[group.organization] += 1
        elif group.kind in (GroupKind.EMPTIED, GroupKind.DORMANT, GroupKind.MERGED):
            moved_in[group.organization] += 1
    regular = sum(members_end.values())
    total = state.targets.members_end - regular - sum(moved_in.values())
    orgs = sorted(members_end)
    for org, share in zip(orgs, apportion(max(total, 0), [members_end[o] for o in orgs]), strict=True):
        state.stayers[org] = share

