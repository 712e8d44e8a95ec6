"""The groups and households the lending steps add, and every membership change of the history, as rows.

* Groups MERGED during the last year (status MERGED, closed on the merge day, a GroupConsolidation "MERGE" into
  their target with the members moved, a consolidation meeting of the target), EMPTIED and DORMANT groups (active),
  each with its founding status change, its board and its agency contract with the PGD.
* REPAID and SAVER households (customer codes after the PGD's last one), their poverty status of the data year,
  their memberships: REPAID households leave their group after their last repayment unless they stay as savers;
  members of a merged group leave it on the merge day and join the target the same day (``moved_from``).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count
from django.utils import timezone

from uythac.core.text import search_key
from uythac.groups.models import (
    AgencyContract,
    ConsolidationKind,
    GroupBoardTerm,
    GroupConsolidation,
    GroupMeeting,
    GroupMembership,
    GroupStatus,
    GroupStatusChange,
    MeetingKind,
    SavingsGroup,
)
from uythac.households.models import Gender, Household, PovertyStatusRecord
from uythac.synthetic import people
from uythac.synthetic.context import BuildContext, commune_label, province_label
from uythac.synthetic.load import db_datetime, insert_rows
from uythac.synthetic.names import Weighted
from uythac.synthetic.steps.households import HOUSEHOLD_FIELDS
from uythac.synthetic.steps.lending.dates import date_of
from uythac.synthetic.steps.lending.model import GroupKind, MemberKind

ADDED_KINDS = (GroupKind.MERGED, GroupKind.EMPTIED, GroupKind.DORMANT)
LEFT_NOTE = "Đã trả hết nợ, xin ra khỏi tổ"
WRITTEN_OFF_NOTE = "Món vay đã được xóa nợ, hộ không còn sinh hoạt tổ"


def write_groups(ctx: BuildContext, state) -> None:
    added = [group for group in state.groups if group.kind in ADDED_KINDS]
    rng = ctx.rng("lending_group_rows")
    rows = []
    for group in added:
        rows.append(SavingsGroup(
            code=group.code, name=group.name, name_search=search_key(group.name)[:100], commune_id=group.commune_id,
            association_unit_id=group.unit_id, transaction_point_id=group.point_id,
            status=GroupStatus.MERGED if group.kind == GroupKind.MERGED else GroupStatus.ACTIVE,
            established_on=date_of(group.established),
            approval_decision=f"{rng.randint(1, 250)}/QĐ-UBND ngày {date_of(group.established):%d/%m/%Y}",
            closed_on=date_of(group.closed_on) if group.closed_on else None,
            convention_note="Tổ sinh hoạt định kỳ mỗi quý một lần; tổ viên gửi tiết kiệm và trả lãi qua tổ trưởng.",
        ))
    for group, row in zip(added, SavingsGroup.objects.bulk_create(rows), strict=True):
        group.group_id = row.id
    insert_rows(SavingsGroup.villages.through, ("savingsgroup", "village"),
                [(group.group_id, group.village_id) for group in added])
    history = []
    for group in added:
        commune = ctx.commune_by_id[group.commune_id]
        history.append((group.group_id, "", GroupStatus.ACTIVE.value, date_of(group.established),
                        f"Thành lập tổ theo quyết định của UBND {commune_label(commune)}"[:255]))
        if group.kind == GroupKind.MERGED:
            history.append((group.group_id, GroupStatus.ACTIVE.value, GroupStatus.MERGED.value,
                            date_of(group.closed_on),
                            f"Sáp nhập vào tổ {group.target.code} ({group.target.name})"[:255]))
    insert_rows(GroupStatusChange, ("group", "from_status", "to_status", "changed_on", "reason"), history)
    ctx.counts["groups_added"] += len(added)
    for kind in ADDED_KINDS:
        for org, count in Counter(g.organization for g in added if g.kind == kind).items():
            ctx.by_organization[org][f"groups_{kind.name.lower()}"] += count


def write_households(ctx: BuildContext, state) -> None:
    """Households added by the lending steps (REPAID, SAVER), with their poverty status of the data year."""
    added = [member for member in state.members if member.household_id is None]
    rng = ctx.rng("lending_household_rows")
    prefix = ctx.province.code
    serials = Counter()
    for code in Household.objects.filter(customer_code__startswith=prefix).values_list("customer_code", flat=True):
        office = code[len(prefix):len(prefix) + 2]
        serials[office] = max(serials[office], int(code[len(prefix) + 2:]))
    used = set(Household.objects.exclude(national_id="").values_list("national_id", flat=True))
    created = db_datetime(timezone.now())
    births = Weighted(ctx.profile.birth_provinces)
    rows = []
    for member in added:
        person = member.person
        office = member.group.office_code[-2:]
        serials[office] += 1
        member.customer_code = f"{prefix}{office}{serials[office]:06d}"
        issued, expires = people.cccd_dates(rng, born=person.born, as_of=ctx.as_of)
        while True:
            number = people.cccd_number(rng, province_code=births.pick(rng), born=person.born, female=person.female)
            if number not in used:
                used.add(number)
                break
        commune = ctx.commune_by_id[member.group.commune_id]
        village = next(v for v in ctx.villages_of_commune[commune.id] if v.id == member.village_id)
        moved_on = date_of(member.moved_away) if member.moved_away else None
        rows.append((
            member.customer_code, person.name, search_key(person.name)[:100],
            Gender.FEMALE if person.female else Gender.MALE, person.born, person.ethnicity, number, issued, expires,
            "", people.mobile_phone(rng) if rng.random() < 0.85 else "", commune.id, village.id,
            f"{village.name}, {commune_label(commune)}, {province_label(ctx.province)}", rng.randint(1, 7), moved_on,
            "Bỏ đi khỏi địa phương, không rõ địa chỉ" if moved_on else "", created,
        ))
    insert_rows(Household, HOUSEHOLD_FIELDS, rows)
    ids = dict(Household.objects.filter(customer_code__in=[m.customer_code for m in added])
               .values_list("customer_code", "id"))
    sources = {}
    for commune_id, source, recorded in PovertyStatusRecord.objects.filter(
        household__commune__province=ctx.province, year=ctx.as_of.year
    ).values_list("household__commune_id", "source_list", "recorded_on"):
        sources.setdefault(commune_id, (source, recorded))
    poverty = []
    for member in added:
        member.household_id = ids[member.customer_code]
        source, recorded = sources.get(member.group.commune_id, ("", ctx.as_of))
        poverty.append((member.household_id, member.status, ctx.as_of.year, source, recorded))
    insert_rows(PovertyStatusRecord, ("household", "status", "year", "source_list", "recorded_on"), poverty)
    ctx.counts["households_added"] += len(added)
    for org, count in Counter(m.group.organization for m in added).items():
        ctx.by_organization[org]["households_added"] += count


def set_leaving(state, rng) -> None:
    """When REPAID households leave (after their last repayment), and which stay as savers."""
    stayers = defaultdict(list)
    for member in state.members:
        if member.kind != MemberKind.REPAID or member.group.kind not in (GroupKind.REGULAR,):
            continue
        last = max((loan.closed_on for loan in member.loans if loan.closed_on), default=None)
        if last is None:
            continue
        member.left = last
        stayers[member.group.organization].append(member)
    for org, members in stayers.items():
        room = [m for m in members if len(m.group.members) < state.max_members]
        for member in rng.sample(room, min(len(room), state.stayers.get(org, 0))):
            member.left = None


def write_memberships(ctx: BuildContext, state) -> None:
    """Memberships of the added households (those of the groups step are already written), merges and boards."""
    rows, moved = [], []
    for member in state.members:
        if member.group.kind not in ADDED_KINDS and member.person is None:
            continue
        group = member.group
        if group.kind == GroupKind.MERGED:
            rows.append((group.group_id, member.household_id, date_of(member.joined), date_of(group.closed_on),
                         f"Tổ sáp nhập vào tổ {group.target.code}"))
            moved.append(member)
        else:
            left = date_of(member.left) if member.left else None
            written_off = any(loan.write_off_on for loan in member.loans)
            reason = (WRITTEN_OFF_NOTE if written_off else LEFT_NOTE) if left else ""
            rows.append((group.group_id, member.household_id, date_of(member.joined), left, reason))
    insert_rows(GroupMembership, ("group", "household", "joined_on", "left_on", "leave_reason"), rows)
    if moved:
        previous = dict(GroupMembership.objects.filter(
            household_id__in=[m.household_id for m in moved], left_on__isnull=False
        ).values_list("household_id", "id"))
        insert_rows(GroupMembership, ("group", "household", "joined_on", "leave_reason", "moved_from"), [
            (m.group.target.group_id, m.household_id, date_of(m.group.closed_on), "", previous[m.household_id])
            for m in moved
        ])
    ctx.counts["memberships_added"] += len(rows) + len(moved)
    _boards(ctx, state)
    _merges(ctx, state)


def _boards(ctx: BuildContext, state) -> None:
    rng = ctx.rng("lending_boards")
    sequence = Counter(dict(
        AgencyContract.objects.filter(office__branch__province=ctx.province).values_list("office")
        .annotate(n=Count("id")).values_list("office", "n")
    ))
    terms, contracts = [], []
    for group in state.groups:
        if group.kind not in ADDED_KINDS or len(group.members) < 2:
            continue
        leader, deputy = rng.sample(group.members, 2)
        started = max(leader.joined, deputy.joined, group.established)
        ended = date_of(group.closed_on) if group.closed_on else None
        terms.append((group.group_id, leader.household_id, deputy.household_id, date_of(started), ended,
                      f"Biên bản họp tổ bầu Ban quản lý tổ ngày {date_of(started):%d/%m/%Y}"))
        sequence[group.office_id] += 1
        contracts.append((group.group_id, f"{sequence[group.office_id]:04d}/HĐUN", group.office_id,
                          date_of(min(started + 7, state.frame.end)), ended, leader.household_id, True, True))
    insert_rows(GroupBoardTerm, ("group", "leader", "deputy", "started_on", "ended_on", "election_minutes"), terms)
    insert_rows(AgencyContract, ("group", "number", "office", "signed_on", "effective_to", "leader",
                                 "collects_interest", "collects_savings"), contracts)


def _merges(ctx: BuildContext, state) -> None:
    rng = ctx.rng("lending_merges")
    merged = [g for g in state.groups if g.kind == GroupKind.MERGED]
    consolidations = GroupConsolidation.objects.bulk_create([
        GroupConsolidation(
            kind=ConsolidationKind.MERGE, effective_on=date_of(group.closed_on), members_moved=len(group.members),
            decision=(f"QĐ số {rng.randint(10, 300)}/QĐ-UBND ngày "
                      f"{date_of(group.closed_on - rng.randint(3, 20)):%d/%m/%Y} "
                      f"của UBND {commune_label(ctx.commune_by_id[group.commune_id])}")[:150],
        )
        for group in merged
    ])
    insert_rows(GroupConsolidation.sources.through, ("groupconsolidation", "savingsgroup"),
                [(c.id, g.group_id) for c, g in zip(consolidations, merged, strict=True)])
    insert_rows(GroupConsolidation.targets.through, ("groupconsolidation", "savingsgroup"),
                [(c.id, g.target.group_id) for c, g in zip(consolidations, merged, strict=True)])
    meetings = []
    for group in merged:
        target = group.target
        present = len(target.members) + len(group.members)
        attendees = rng.randint(max(1, present * 6 // 10), present)
        meetings.append((
            target.group_id, date_of(group.closed_on), MeetingKind.CONSOLIDATION.value, min(attendees, 32767), True,
            True,
            f"Củng cố, sáp nhập tổ {group.code} ({len(group.members)} tổ viên, đã trả hết nợ) vào tổ {target.code}; "
            f"bổ sung danh sách tổ viên, phổ biến quy ước hoạt động. {attendees} tổ viên dự.",
        ))
    insert_rows(GroupMeeting, ("group", "held_on", "kind", "attendee_count", "association_present",
                               "village_head_present", "minutes"), meetings)
    ctx.counts["group_consolidations"] += len(merged)
