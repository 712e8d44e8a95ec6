"""Members of a Savings & Loan Group: admit (kết nạp), exit (ra khỏi tổ) and transfer between groups.

Size rule ``group.size`` (dated RuleValue, M: 5–60 from 11/02/2026, 3–60 before) is read on the date of the
change. Admission and exit are recorded in the group's minutes (10C/TD); the minutes themselves are meetings.
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from uythac.core.audit import snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import check_not_before, clean_date, clean_text, format_date
from uythac.groups.checks import (
    check_households_can_join,
    ensure_active,
    move_memberships,
    record,
    scoped_households,
    size_params,
    size_rule,
    writable_group,
)
from uythac.groups.models import GroupMembership, SavingsGroup
from uythac.groups.selectors import group_current_board, group_member_count


def membership_snapshot(membership: GroupMembership) -> dict:
    return snapshot(
        membership,
        extra={"household_code": membership.household.customer_code, "group_code": membership.group.code},
    )


def _one_household(actor, household, *, field: str):
    if household is None:
        raise DomainError(_("Chưa chọn hộ."), field=field)
    return scoped_households(actor, [household], field=field)[0]


def check_room_for(group: SavingsGroup, added: int, *, on: dt.date, field: str) -> None:
    """Refuse when ``added`` more members would pass the maximum of the size rule in force on ``on``."""
    count = group_member_count(group)
    params = size_params(size_rule(on), count=count, code=group.code, after=count + added)
    if count + added > params["max"]:
        if added == 1:
            message = _("Tổ đã có %(count)d tổ viên, tối đa %(max)d (%(source)s): không thể kết nạp thêm.")
        else:
            message = _("Tổ %(code)s sẽ có %(after)d tổ viên, vượt tối đa %(max)d (%(source)s).")
        raise DomainError(message % params, field=field)


def check_can_lose(group: SavingsGroup, lost: int, *, on: dt.date, field: str) -> None:
    """Refuse when losing ``lost`` members would bring the group below the minimum of the size rule."""
    count = group_member_count(group)
    params = size_params(size_rule(on), count=count, code=group.code, after=count - lost)
    if count - lost < params["min"]:
        raise DomainError(
            _(
                "Tổ %(code)s có %(count)d tổ viên, tối thiểu %(min)d (%(source)s): không thể cho tổ viên rời tổ. "
                "Hãy sáp nhập tổ vào tổ khác hoặc giải thể tổ."
            )
            % params,
            field=field,
        )


def check_not_on_board(group: SavingsGroup, household, *, field: str) -> None:
    board = group_current_board(group)
    if board is None:
        return
    roles = {board.leader_id: _("tổ trưởng")}
    if board.deputy_id is not None:
        roles[board.deputy_id] = _("tổ phó")
    if household.pk in roles:
        raise DomainError(
            _(
                "Hộ %(household)s đang là %(role)s của tổ %(code)s: phải kiện toàn ban quản lý tổ "
                "trước khi cho hộ rời tổ."
            )
            % {"household": household.name, "role": roles[household.pk], "code": group.code},
            field=field,
        )


def membership_admit(*, actor, group: SavingsGroup, household, joined_on: dt.date) -> GroupMembership:
    """Kết nạp: a household of the group's villages, in no other group, joins on ``joined_on``."""
    with transaction.atomic():
        group = writable_group(actor, group)
        ensure_active(group)
        joined_on = clean_date(joined_on, field="joined_on", label=_("ngày vào tổ"))
        check_not_before(joined_on, group.established_on, field="joined_on", label=_("ngày vào tổ"),
                         bound_label=_("ngày thành lập tổ"))
        check_room_for(group, 1, on=joined_on, field="household")
        household = _one_household(actor, household, field="household")
        check_households_can_join(
            [household], commune=group.commune, village_ids=set(group.villages.values_list("pk", flat=True)),
            on=joined_on, field="household",
        )
        membership = GroupMembership.objects.create(group=group, household=household, joined_on=joined_on)
        record(actor, "membership.admit", group, instance=membership, before=None,
               after=membership_snapshot(membership))
    return membership


def membership_exit(
    *,
    actor,
    membership: GroupMembership | None = None,
    group: SavingsGroup | None = None,
    household=None,
    left_on: dt.date,
    reason: str,
) -> GroupMembership:
    """A member leaves (or is removed from) the group on ``left_on``; give ``membership`` or ``group`` + ``household``.

    Refused for a board member (change the board first) and when the group would fall below the minimum size.
    """
    with transaction.atomic():
        if membership is not None:
            group, household = membership.group, membership.household
        if group is None or household is None:
            raise DomainError(_("Chưa chọn tổ viên."), field="household")
        group = writable_group(actor, group)
        current = (
            GroupMembership.objects.select_for_update()
            .filter(group=group, household_id=household.pk, left_on__isnull=True)
            .first()
        )
        if current is None or (membership is not None and current.pk != membership.pk):
            raise DomainError(
                _("Hộ %(household)s không phải là tổ viên hiện tại của tổ %(code)s.")
                % {"household": household.name, "code": group.code},
                field="household",
            )
        ensure_active(group)
        left_on = clean_date(left_on, field="left_on", label=_("ngày rời tổ"))
        check_not_before(left_on, current.joined_on, field="left_on", label=_("ngày rời tổ"),
                         bound_label=_("ngày vào tổ"))
        reason = clean_text(reason, field="reason", label=_("lý do rời tổ"), max_length=255)
        check_not_on_board(group, current.household, field="household")
        check_can_lose(group, 1, on=left_on, field="household")
        before = membership_snapshot(current)
        current.left_on = left_on
        current.leave_reason = reason
        current.save(update_fields=["left_on", "leave_reason"])
        record(actor, "membership.exit", group, instance=current, before=before, after=membership_snapshot(current),
               note=reason)
    return current


def lock_groups(actor, groups: list[tuple[SavingsGroup, str]]) -> dict[int, SavingsGroup]:
    """Guarded, locked copies of several groups, locked in id order so two concurrent moves cannot deadlock."""
    locked: dict[int, SavingsGroup] = {}
    for group, field in sorted(groups, key=lambda pair: getattr(pair[0], "pk", 0) or 0):
        locked[group.pk] = writable_group(actor, group, field=field)
    return locked


def membership_transfer(
    *, actor, household, target: SavingsGroup, moved_on: dt.date, reason: str = ""
) -> GroupMembership:
    """Move a member to another group of the same commune; the new membership keeps ``moved_from``."""
    with transaction.atomic():
        if household is None:
            raise DomainError(_("Chưa chọn hộ."), field="household")
        current = (
            GroupMembership.objects.filter(household_id=household.pk, left_on__isnull=True)
            .select_related("group")
            .first()
        )
        if current is None:
            raise DomainError(
                _("Hộ %(household)s hiện không là tổ viên của tổ nào.") % {"household": household.name},
                field="household",
            )
        if target is None:
            raise DomainError(_("Chưa chọn tổ chuyển đến."), field="target")
        locked = lock_groups(actor, [(current.group, "household"), (target, "target")])
        source, target = locked[current.group_id], locked[target.pk]
        if source.pk == target.pk:
            raise DomainError(_("Tổ chuyển đến phải khác tổ hiện tại."), field="target")
        ensure_active(source, field="household")
        ensure_active(target, field="target")
        if target.commune_id != source.commune_id:
            raise DomainError(_("Chỉ chuyển tổ viên giữa các tổ của cùng một xã."), field="target")
        household = _one_household(actor, household, field="household")
        if household.village_id not in set(target.villages.values_list("pk", flat=True)):
            raise DomainError(
                _("Hộ %(household)s ở %(village)s, không thuộc các thôn của tổ %(code)s.")
                % {"household": household.name, "village": household.village.name, "code": target.code},
                field="target",
            )
        if household.moved_away_on is not None:
            raise DomainError(
                _("Hộ %(household)s đã đi khỏi nơi cư trú từ %(on)s.")
                % {"household": household.name, "on": format_date(household.moved_away_on)},
                field="household",
            )
        moved_on = clean_date(moved_on, field="moved_on", label=_("ngày chuyển tổ"))
        check_not_before(moved_on, current.joined_on, field="moved_on", label=_("ngày chuyển tổ"),
                         bound_label=_("ngày vào tổ hiện tại"))
        check_not_before(moved_on, target.established_on, field="moved_on", label=_("ngày chuyển tổ"),
                         bound_label=_("ngày thành lập tổ %(code)s") % {"code": target.code})
        reason = clean_text(reason, field="reason", label=_("lý do"), max_length=255, required=False) or (
            _("Chuyển sang tổ %(code)s") % {"code": target.code}
        )
        check_not_on_board(source, household, field="household")
        check_can_lose(source, 1, on=moved_on, field="household")
        check_room_for(target, 1, on=moved_on, field="target")

        before = membership_snapshot(current)
        [new] = move_memberships([current], target, on=moved_on, reason=reason)
        current.refresh_from_db()
        record(actor, "membership.transfer", source, instance=current, before=before,
               after=membership_snapshot(current), note=reason)
        record(actor, "membership.transfer", target, instance=new, before=None, after=membership_snapshot(new),
               note=reason)
    return new
