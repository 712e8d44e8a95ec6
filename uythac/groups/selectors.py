"""Read helpers for the group pages. They take an already guarded group (``access_group``) and never widen scope.

``group_size_rule`` returns the ``RuleValue`` itself so a page can show the value, its source document and
"tạm tính" (provisional) when its confidence is not H (``rule.is_provisional``).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.core.models import RuleValue
from uythac.core.rules import rule_get
from uythac.groups.models import (
    AgencyContract,
    ConsolidationKind,
    GroupBoardTerm,
    GroupConsolidation,
    GroupMembership,
    GroupStatus,
    GroupStatusChange,
    SavingsGroup,
)

SIZE_RULE = "group.size"


def group_current_members(group: SavingsGroup):
    """Current memberships (``.household`` and ``.joined_on``), by household name."""
    return (
        GroupMembership.objects.filter(group=group, left_on__isnull=True)
        .select_related("household", "household__village", "moved_from", "moved_from__group")
        .order_by("household__name_search", "household__customer_code")
    )


def group_former_members(group: SavingsGroup):
    """Ended memberships, most recent first (``left_on``, ``leave_reason``)."""
    return (
        GroupMembership.objects.filter(group=group, left_on__isnull=False)
        .select_related("household", "household__village")
        .order_by("-left_on", "household__name_search")
    )


def group_member_count(group: SavingsGroup) -> int:
    return GroupMembership.objects.filter(group=group, left_on__isnull=True).count()


def group_members_on(group: SavingsGroup, on: dt.date) -> int:
    """Members on a given day (joined on or before it, not left before it)."""
    return (
        GroupMembership.objects.filter(group=group, joined_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
        .count()
    )


def group_current_board(group: SavingsGroup) -> GroupBoardTerm | None:
    return (
        GroupBoardTerm.objects.filter(group=group, ended_on__isnull=True).select_related("leader", "deputy").first()
    )


def group_board_terms(group: SavingsGroup):
    """All terms, the current one first."""
    return GroupBoardTerm.objects.filter(group=group).select_related("leader", "deputy").order_by("-started_on")


def group_agency_contracts(group: SavingsGroup):
    return AgencyContract.objects.filter(group=group).select_related("office", "leader").order_by("-signed_on")


def group_meetings(group: SavingsGroup):
    return group.meetings.select_related("recorded_by").order_by("-held_on", "-id")


def household_current_membership(household) -> GroupMembership | None:
    return (
        GroupMembership.objects.filter(household=household, left_on__isnull=True)
        .select_related("group", "group__commune")
        .first()
    )


def group_size_rule(on: dt.date | None = None) -> RuleValue:
    """The ``group.size`` rule in force on ``on`` (today by default): ``value["min"]``, ``value["max"]``,
    ``source_document``, ``confidence``, ``is_provisional``."""
    return rule_get(SIZE_RULE, on=on or timezone.localdate())


@dataclass(frozen=True)
class GroupSizeCheck:
    count: int
    minimum: int
    maximum: int
    rule: RuleValue

    @property
    def below_minimum(self) -> bool:
        return self.count < self.minimum

    @property
    def above_maximum(self) -> bool:
        return self.count > self.maximum

    @property
    def room(self) -> int:
        """How many members can still be admitted."""
        return max(self.maximum - self.count, 0)


def group_size_check(group: SavingsGroup, *, on: dt.date | None = None) -> GroupSizeCheck:
    """Current member count against the size rule, for a badge such as "12 / 5–60 (tạm tính)"."""
    rule = group_size_rule(on)
    return GroupSizeCheck(
        count=group_member_count(group), minimum=int(rule.value["min"]), maximum=int(rule.value["max"]), rule=rule
    )


@dataclass(frozen=True)
class GroupHistoryEntry:
    on: dt.date
    kind: str  # "status" or a ConsolidationKind value ("MERGE" / "SPLIT")
    text: str
    obj: object


def _status_text(change: GroupStatusChange) -> str:
    head = str(GroupStatus(change.to_status).label)
    if change.from_status:
        head = f"{GroupStatus(change.from_status).label} → {head}"
    return f"{head}: {change.reason}" if change.reason else head


def _consolidation_text(item: GroupConsolidation) -> str:
    sources = ", ".join(g.code for g in item.sources.all())
    targets = ", ".join(g.code for g in item.targets.all())
    if item.kind == ConsolidationKind.MERGE:
        text = _("Sáp nhập tổ %(sources)s vào tổ %(targets)s") % {"sources": sources, "targets": targets}
    else:
        text = _("Tách tổ %(sources)s thành %(targets)s") % {"sources": sources, "targets": targets}
    text += _(" (%(count)d tổ viên chuyển)") % {"count": item.members_moved}
    return f"{text}; {item.decision}" if item.decision else text


def group_history(group: SavingsGroup) -> list[GroupHistoryEntry]:
    """Status changes and consolidations the group took part in, oldest first."""
    entries = [
        GroupHistoryEntry(on=c.changed_on, kind="status", text=_status_text(c), obj=c)
        for c in GroupStatusChange.objects.filter(group=group).order_by("changed_on", "id")
    ]
    only_codes = SavingsGroup.objects.only("code").order_by("code")
    consolidations = (
        GroupConsolidation.objects.filter(Q(sources=group) | Q(targets=group))
        .distinct()
        .prefetch_related(Prefetch("sources", queryset=only_codes), Prefetch("targets", queryset=only_codes))
        .order_by("effective_on", "id")
    )
    entries += [
        GroupHistoryEntry(on=c.effective_on, kind=c.kind, text=_consolidation_text(c), obj=c) for c in consolidations
    ]
    # Stable sort: on the same day the status change (e.g. founding) comes before the consolidation.
    return sorted(entries, key=lambda e: e.on)
