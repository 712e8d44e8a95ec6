"""Steps 8–9: each group's board (leader and deputy) with its agency contract, then a few meetings per group.

Board rule (process.md §7, rule ``group.board.forbidden_kinship``): leader and deputy are not spouse, parent,
child or sibling; the generator avoids any declared tie between them. Leaders are adults of working age who have
not moved away; Women's Union groups are led by women. The agency contract (hợp đồng ủy nhiệm) is signed by the
PGD with the new board shortly after its election. Meetings: the election meeting, a loan-review meeting with the
commune association and the village head present (seed 001: associations attend 100% of review meetings) and
one or two regular meetings in the last months.
"""

import datetime as dt
import math

from uythac.groups.models import AgencyContract, GroupBoardTerm, GroupMeeting, MeetingKind
from uythac.synthetic import people
from uythac.synthetic.context import BuildContext, GroupPlan
from uythac.synthetic.load import insert_rows

BOARD_TERM_YEARS = 3


def _related(plan: GroupPlan, first: int, second: int) -> bool:
    return (first, second) in plan.kin or (second, first) in plan.kin


def _choose_board(ctx: BuildContext, rng, plan: GroupPlan) -> tuple[int, int]:
    present = [i for i, person in enumerate(plan.people) if not person.moved_away] or list(range(len(plan.people)))
    working_age = [i for i in present if 25 <= people.age_on(plan.people[i].born, ctx.as_of) <= 68]
    candidates = working_age or present
    if plan.organization == "12":
        candidates = [i for i in candidates if plan.people[i].female] or candidates
    for leader in rng.sample(candidates, len(candidates)):
        deputies = [i for i in present if i != leader and not _related(plan, leader, i)]
        if deputies:
            return leader, rng.choice(deputies)
    # Every present member is related to every other (cannot happen with ≥5 members and 6% kin): any unrelated pair.
    for leader in range(len(plan.people)):
        for deputy in range(len(plan.people)):
            if leader != deputy and not _related(plan, leader, deputy):
                return leader, deputy
    raise ValueError(f"group {plan.code}: no unrelated leader and deputy")


def build_boards(ctx: BuildContext) -> None:
    rng = ctx.rng("boards")
    terms, contracts = [], []
    sequence: dict[int, int] = {}
    for plan in ctx.groups:
        leader, deputy = _choose_board(ctx, rng, plan)
        plan.leader_index, plan.deputy_index = leader, deputy
        earliest = max(plan.people[leader].joined_on, plan.people[deputy].joined_on, plan.established_on)
        started = people.random_date(rng, max(earliest, people.add_years(ctx.as_of, -BOARD_TERM_YEARS)), ctx.as_of)
        plan.board_started_on = started
        terms.append((
            plan.group_id, plan.people[leader].household_id, plan.people[deputy].household_id, started,
            f"Biên bản họp tổ bầu Ban quản lý tổ ngày {started:%d/%m/%Y}",
        ))
        sequence[plan.office_id] = sequence.get(plan.office_id, 0) + 1
        signed = min(ctx.as_of, started + dt.timedelta(days=rng.randint(0, 14)))
        contracts.append((
            plan.group_id, f"{sequence[plan.office_id]:04d}/HĐUN", plan.office_id, signed,
            plan.people[leader].household_id, True, True,
        ))
    insert_rows(GroupBoardTerm, ("group", "leader", "deputy", "started_on", "election_minutes"), terms)
    insert_rows(
        AgencyContract,
        ("group", "number", "office", "signed_on", "leader", "collects_interest", "collects_savings"),
        contracts,
    )
    ctx.counts["board_terms"] += len(terms)
    ctx.counts["agency_contracts"] += len(contracts)


def _attendance(rng, plan: GroupPlan) -> int:
    return rng.randint(math.ceil(plan.members * 0.6), plan.members)


def build_meetings(ctx: BuildContext) -> None:
    rng = ctx.rng("meetings")
    meetings = []
    for plan in ctx.groups:
        leader = plan.people[plan.leader_index]
        deputy = plan.people[plan.deputy_index]
        attendees = _attendance(rng, plan)
        meetings.append((
            plan.group_id, plan.board_started_on, MeetingKind.ELECTION.value, attendees, True, rng.random() < 0.5,
            f"Bầu Ban quản lý tổ: tổ trưởng {leader.name}, tổ phó {deputy.name}. "
            f"{attendees}/{plan.members} tổ viên dự, biểu quyết nhất trí.",
        ))
        earliest = max(plan.established_on, people.add_years(ctx.as_of, -1))
        review_on = people.random_date(rng, max(earliest, ctx.as_of - dt.timedelta(days=180)), ctx.as_of)
        attendees = _attendance(rng, plan)
        applicants = rng.randint(1, max(1, plan.members // 5))
        meetings.append((
            plan.group_id, review_on, MeetingKind.REVIEW.value, attendees, True, True,
            f"Họp bình xét cho vay: bình xét {applicants} hộ đề nghị vay vốn, lập danh sách 03/TD gửi "
            f"Hội cấp xã và UBND xã. {attendees}/{plan.members} tổ viên dự.",
        ))
        for _ in range(rng.randint(1, 2)):
            held_on = people.random_date(rng, max(earliest, ctx.as_of - dt.timedelta(days=120)), ctx.as_of)
            attendees = _attendance(rng, plan)
            meetings.append((
                plan.group_id, held_on, MeetingKind.REGULAR.value, attendees, rng.random() < 0.3, rng.random() < 0.2,
                f"Sinh hoạt tổ tháng {held_on:%m/%Y}: kiểm tra sử dụng vốn vay, đôn đốc trả lãi và gửi tiết "
                f"kiệm; phổ biến chính sách tín dụng mới. {attendees}/{plan.members} tổ viên dự.",
            ))
    fields = ("group", "held_on", "kind", "attendee_count", "association_present", "village_head_present", "minutes")
    insert_rows(GroupMeeting, fields, meetings)
    ctx.counts["meetings"] += len(meetings)
