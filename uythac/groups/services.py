"""Write services of Savings & Loan Groups (Tổ TK&VV): create, update, dissolve.

Each service is one transaction: validate → write → audit (filed under the group's code). A refused write raises
``DomainError`` naming the field and leaves the database unchanged. Rules (process.md §7): members live in the
group's village(s) of one commune; 5–60 members (dated rule ``group.size``, M); the commune People's Committee
approves the group and its convention (``approval_decision``, ``convention_note``).

This module is also the single import point of every group service:
``from uythac.groups.services import group_create, membership_admit, group_merge, …``.
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from uythac.core.audit import snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import check_not_before, clean_date, clean_text, format_date
from uythac.groups.board import agency_contract_create, board_term_end, board_term_start
from uythac.groups.checks import (
    check_founding_size,
    check_group_code,
    check_households_can_join,
    check_point,
    check_unit,
    check_villages,
    close_group,
    ensure_active,
    ensure_group_writer,
    group_snapshot,
    record,
    save_new_group,
    scoped_commune,
    scoped_households,
    writable_group,
)
from uythac.groups.consolidation import group_merge, group_split
from uythac.groups.meetings import meeting_record
from uythac.groups.membership import membership_admit, membership_exit, membership_transfer
from uythac.groups.models import GroupBoardTerm, GroupMembership, GroupStatus, GroupStatusChange, SavingsGroup

__all__ = [
    "UNCHANGED",
    "agency_contract_create",
    "board_term_end",
    "board_term_start",
    "group_create",
    "group_dissolve",
    "group_merge",
    "group_split",
    "group_update",
    "meeting_record",
    "membership_admit",
    "membership_exit",
    "membership_transfer",
]


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


#: Default of every ``group_update`` field: the field keeps its value.
UNCHANGED = _Unchanged()


def group_create(
    *,
    actor,
    code: str,
    name: str,
    commune,
    villages,
    association_unit,
    transaction_point,
    established_on: dt.date,
    founding_members,
    approval_decision: str = "",
    convention_note: str = "",
) -> SavingsGroup:
    """Found a group with its founding members (memberships joined on ``established_on``)."""
    with transaction.atomic():
        ensure_group_writer(actor)
        code = check_group_code(code)
        name = clean_text(name, field="name", label=_("tên tổ"), max_length=150)
        commune = scoped_commune(actor, commune)
        villages = check_villages(actor, villages, commune)
        unit = check_unit(actor, association_unit, commune)
        point = check_point(actor, transaction_point, commune)
        established_on = clean_date(established_on, field="established_on", label=_("ngày thành lập"))
        approval_decision = clean_text(
            approval_decision, field="approval_decision", label=_("quyết định thành lập"), max_length=100,
            required=False,
        )
        convention_note = clean_text(
            convention_note, field="convention_note", label=_("quy ước hoạt động"), required=False, multiline=True
        )
        members = scoped_households(actor, founding_members, field="founding_members")
        check_households_can_join(
            members, commune=commune, village_ids={v.pk for v in villages}, on=established_on,
            field="founding_members",
        )
        check_founding_size(len(members), on=established_on, field="founding_members", code=code)

        group = SavingsGroup(
            code=code, name=name, commune=commune, association_unit=unit, transaction_point=point,
            established_on=established_on, approval_decision=approval_decision, convention_note=convention_note,
        )
        save_new_group(group)
        group.villages.set(villages)
        GroupMembership.objects.bulk_create(
            [GroupMembership(group=group, household=h, joined_on=established_on) for h in members]
        )
        GroupStatusChange.objects.create(
            group=group, from_status="", to_status=GroupStatus.ACTIVE, changed_on=established_on,
            reason=_("Thành lập tổ"),
        )
        record(actor, "group.create", group, before=None, after=group_snapshot(group))
    return group


def group_update(
    *,
    actor,
    group: SavingsGroup,
    name=UNCHANGED,
    commune=UNCHANGED,
    villages=UNCHANGED,
    association_unit=UNCHANGED,
    transaction_point=UNCHANGED,
    approval_decision=UNCHANGED,
    convention_note=UNCHANGED,
) -> SavingsGroup:
    """Change the group's master data; fields left ``UNCHANGED`` keep their value. Returns the updated group.

    Moving the group to another commune needs the villages, managing unit and transaction point of the new
    commune, and every current member must live there (households are moved first, by the household services).
    Without a change nothing is written and no audit event is recorded.
    """
    with transaction.atomic():
        group = writable_group(actor, group)
        ensure_active(group)
        before = group_snapshot(group)
        before_fields = snapshot(group)
        old_village_ids = {v["pk"] for v in group.villages.values("pk")}

        new_commune = group.commune if commune is UNCHANGED else scoped_commune(actor, commune)
        moved = new_commune.pk != group.commune_id
        if moved:
            for value, field, message in (
                (villages, "villages", _("Khi chuyển tổ sang xã khác, phải chọn thôn của xã mới.")),
                (association_unit, "association_unit", _("Khi chuyển tổ sang xã khác, phải chọn hội cấp xã mới.")),
                (transaction_point, "transaction_point",
                 _("Khi chuyển tổ sang xã khác, phải chọn điểm giao dịch của xã mới.")),
            ):
                if value is UNCHANGED:
                    raise DomainError(message, field=field)

        new_villages = None
        if villages is not UNCHANGED:
            new_villages = check_villages(actor, villages, new_commune)
        if association_unit is not UNCHANGED and (moved or _differs(association_unit, group.association_unit_id)):
            group.association_unit = check_unit(actor, association_unit, new_commune)
        if transaction_point is not UNCHANGED and (moved or _differs(transaction_point, group.transaction_point_id)):
            group.transaction_point = check_point(actor, transaction_point, new_commune)
        if name is not UNCHANGED:
            group.name = clean_text(name, field="name", label=_("tên tổ"), max_length=150)
        if approval_decision is not UNCHANGED:
            group.approval_decision = clean_text(
                approval_decision, field="approval_decision", label=_("quyết định thành lập"), max_length=100,
                required=False,
            )
        if convention_note is not UNCHANGED:
            group.convention_note = clean_text(
                convention_note, field="convention_note", label=_("quy ước hoạt động"), required=False,
                multiline=True,
            )
        village_ids = {v.pk for v in new_villages} if new_villages is not None else old_village_ids
        if moved or village_ids != old_village_ids:
            _check_members_live_in(group, commune=new_commune, village_ids=village_ids)
        group.commune = new_commune

        if snapshot(group) != before_fields:
            group.save()
        if new_villages is not None and village_ids != old_village_ids:
            group.villages.set(new_villages)
        after = group_snapshot(group)
        if after != before:
            record(actor, "group.update", group, before=before, after=after)
    return group


def _differs(value, current_id) -> bool:
    return value is None or value.pk != current_id


def _check_members_live_in(group: SavingsGroup, *, commune, village_ids: set[int]) -> None:
    members = GroupMembership.objects.filter(group=group, left_on__isnull=True).select_related(
        "household", "household__village"
    )
    for membership in members:
        household = membership.household
        if household.commune_id != commune.pk or household.village_id not in village_ids:
            raise DomainError(
                _("Tổ viên %(household)s (%(code)s) ở %(village)s, không thuộc các thôn của tổ sau khi sửa.")
                % {"household": household.name, "code": household.customer_code, "village": household.village.name},
                field="villages",
            )


def group_dissolve(*, actor, group: SavingsGroup, on: dt.date, reason: str) -> SavingsGroup:
    """Giải thể: end every current membership and the board term on ``on``; status DISSOLVED with history."""
    with transaction.atomic():
        group = writable_group(actor, group)
        ensure_active(group)
        on = clean_date(on, field="on", label=_("ngày giải thể"))
        check_not_before(on, group.established_on, field="on", label=_("ngày giải thể"),
                         bound_label=_("ngày thành lập tổ"))
        reason = clean_text(reason, field="reason", label=_("lý do giải thể"), max_length=200)
        latest_join = (
            GroupMembership.objects.filter(group=group, left_on__isnull=True).order_by("-joined_on", "-pk").first()
        )
        if latest_join is not None and on < latest_join.joined_on:
            raise DomainError(
                _("Ngày giải thể không được trước ngày vào tổ của tổ viên %(household)s (%(on)s).")
                % {"household": latest_join.household.name, "on": format_date(latest_join.joined_on)},
                field="on",
            )
        board = GroupBoardTerm.objects.filter(group=group, ended_on__isnull=True).first()
        if board is not None and on < board.started_on:
            raise DomainError(
                _("Ngày giải thể không được trước ngày bắt đầu nhiệm kỳ ban quản lý (%(on)s).")
                % {"on": format_date(board.started_on)},
                field="on",
            )
        before = group_snapshot(group)
        GroupMembership.objects.filter(group=group, left_on__isnull=True).update(
            left_on=on, leave_reason=(_("Giải thể tổ: %(reason)s") % {"reason": reason})[:255]
        )
        close_group(group, status=GroupStatus.DISSOLVED, on=on, reason=reason)
        record(actor, "group.dissolve", group, before=before, after=group_snapshot(group), note=reason)
    return group
