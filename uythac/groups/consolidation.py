"""Consolidation (củng cố, kiện toàn tổ): merging groups and splitting a group.

Proposed to the commune People's Committee (process.md §7); ``decision`` keeps the reference of the decision or
minutes. History is never rewritten: moved members' old memberships end on ``effective_on`` with a reason and the
new ones point back to them (``moved_from``); closed groups keep their row with status MERGED/SPLIT, ``closed_on``
and a ``GroupStatusChange``; one ``GroupConsolidation`` row links sources and targets.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.core.guards import check_not_before, clean_date, clean_text, format_date
from uythac.groups.checks import (
    check_founding_size,
    check_group_code,
    check_kinship,
    check_point,
    check_unit,
    check_villages,
    close_group,
    ensure_active,
    group_snapshot,
    move_memberships,
    record,
    save_new_group,
    size_params,
    size_rule,
    writable_group,
)
from uythac.groups.membership import check_room_for, lock_groups
from uythac.groups.models import (
    ConsolidationKind,
    GroupBoardTerm,
    GroupConsolidation,
    GroupMembership,
    GroupStatus,
    GroupStatusChange,
    SavingsGroup,
)
from uythac.groups.selectors import group_current_board

SPLIT_KEYS = frozenset(
    {"code", "name", "villages", "members", "leader", "deputy", "association_unit", "transaction_point",
     "approval_decision", "convention_note"}
)


def _recorded_by(actor):
    return actor if getattr(actor, "pk", None) else None


def _check_moves_after_history(memberships, boards, on: dt.date, *, field: str) -> None:
    """Old memberships and board terms end on ``on``: none may have started after it."""
    for membership in memberships:
        if membership.joined_on > on:
            raise DomainError(
                _("Hộ %(household)s vào tổ %(code)s ngày %(joined)s, sau ngày hiệu lực %(on)s.")
                % {"household": membership.household.name, "code": membership.group.code,
                   "joined": format_date(membership.joined_on), "on": format_date(on)},
                field=field,
            )
    for board in boards:
        if board is not None and board.started_on > on:
            raise DomainError(
                _("Ban quản lý tổ %(code)s bắt đầu nhiệm kỳ ngày %(started)s, sau ngày hiệu lực %(on)s.")
                % {"code": board.group.code, "started": format_date(board.started_on), "on": format_date(on)},
                field=field,
            )


def group_merge(
    *, actor, sources, target: SavingsGroup, effective_on: dt.date, decision: str = ""
) -> GroupConsolidation:
    """Merge ``sources`` into ``target`` (same commune; the target keeps its unit and point).

    All current members of the sources move to the target, whose villages grow by the sources' villages (a small
    village joins the adjacent one of the same commune); the sources' boards end and they close as MERGED. The
    target may not pass the maximum size in force on ``effective_on``.
    """
    with transaction.atomic():
        sources = [s for s in (sources or []) if s is not None]
        if not sources:
            raise DomainError(_("Phải chọn ít nhất một tổ được sáp nhập."), field="sources")
        if target is None:
            raise DomainError(_("Chưa chọn tổ nhận sáp nhập."), field="target")
        source_ids = [s.pk for s in sources]
        if len(set(source_ids)) != len(source_ids):
            raise DomainError(_("Một tổ được chọn hai lần."), field="sources")
        if target.pk in source_ids:
            raise DomainError(_("Tổ nhận sáp nhập không được nằm trong các tổ được sáp nhập."), field="sources")
        locked = lock_groups(actor, [(s, "sources") for s in sources] + [(target, "target")])
        target = locked[target.pk]
        sources = [locked[pk] for pk in source_ids]
        ensure_active(target, field="target")
        for source in sources:
            ensure_active(source, field="sources")
            if source.commune_id != target.commune_id:
                raise DomainError(
                    _("Tổ %(source)s không cùng xã với tổ %(target)s: chỉ sáp nhập các tổ của cùng một xã.")
                    % {"source": source.code, "target": target.code},
                    field="sources",
                )
        effective_on = clean_date(effective_on, field="effective_on", label=_("ngày hiệu lực"))
        for group in [*sources, target]:
            check_not_before(effective_on, group.established_on, field="effective_on", label=_("ngày hiệu lực"),
                             bound_label=_("ngày thành lập tổ %(code)s") % {"code": group.code})
        decision = clean_text(decision, field="decision", label=_("quyết định/biên bản"), max_length=150,
                              required=False)
        moving = list(
            GroupMembership.objects.filter(group__in=sources, left_on__isnull=True)
            .select_related("household", "group")
            .order_by("group__code", "joined_on", "pk")
        )
        boards = [group_current_board(source) for source in sources]
        _check_moves_after_history(moving, boards, effective_on, field="effective_on")
        check_room_for(target, len(moving), on=effective_on, field="target")

        befores = {group.pk: group_snapshot(group) for group in [*sources, target]}
        target.villages.add(*{v for source in sources for v in source.villages.all()})
        note = _("Sáp nhập tổ %(sources)s vào tổ %(target)s") % {
            "sources": ", ".join(s.code for s in sources), "target": target.code
        }
        if decision:
            note = f"{note} ({decision})"
        for source in sources:
            reason = _("Sáp nhập vào tổ %(code)s") % {"code": target.code}
            move_memberships([m for m in moving if m.group_id == source.pk], target, on=effective_on, reason=reason)
            close_group(source, status=GroupStatus.MERGED, on=effective_on,
                        reason=f"{reason} ({decision})" if decision else reason)
        consolidation = GroupConsolidation.objects.create(
            kind=ConsolidationKind.MERGE, effective_on=effective_on, decision=decision, members_moved=len(moving),
            recorded_by=_recorded_by(actor),
        )
        consolidation.sources.set(sources)
        consolidation.targets.set([target])
        for group in [*sources, target]:
            record(actor, "group.merge", group, before=befores[group.pk], after=group_snapshot(group), note=note)
    return consolidation


@dataclass
class _NewGroupPlan:
    code: str
    name: str
    villages: list
    unit: object
    point: object
    memberships: list
    leader: object = None
    deputy: object = None
    approval_decision: str = ""
    convention_note: str = ""
    group: SavingsGroup | None = None


def _plan(actor, source: SavingsGroup, spec: dict, *, current: dict, assigned: set, taken: set,
          on: dt.date) -> _NewGroupPlan:
    if not isinstance(spec, dict):
        raise DomainError(_("Thông tin tổ mới không hợp lệ."))
    unknown = set(spec) - SPLIT_KEYS
    if unknown:
        raise DomainError(_("Trường không hợp lệ: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    code = check_group_code(spec.get("code"), taken=taken)
    taken.add(code)
    name = clean_text(spec.get("name"), field="name", label=_("tên tổ"), max_length=150)
    villages = check_villages(actor, spec.get("villages"), source.commune)
    unit = check_unit(actor, spec.get("association_unit") or source.association_unit, source.commune)
    point = check_point(actor, spec.get("transaction_point") or source.transaction_point, source.commune)
    village_ids = {v.pk for v in villages}
    memberships = []
    for household in spec.get("members") or []:
        membership = current.get(household.pk)
        if membership is None:
            raise DomainError(
                _("Hộ %(household)s không phải là tổ viên hiện tại của tổ %(code)s.")
                % {"household": household.name, "code": source.code}
            )
        member = membership.household
        if member.pk in assigned:
            raise DomainError(_("Hộ %(household)s được chia vào hai tổ mới.") % {"household": member.name})
        if member.village_id not in village_ids:
            raise DomainError(
                _("Hộ %(household)s ở %(village)s, không thuộc các thôn của tổ mới.")
                % {"household": member.name, "village": member.village.name}
            )
        if member.moved_away_on is not None:
            raise DomainError(
                _("Hộ %(household)s đã đi khỏi nơi cư trú từ %(on)s: cho hộ rời tổ trước khi tách tổ.")
                % {"household": member.name, "on": format_date(member.moved_away_on)}
            )
        assigned.add(member.pk)
        memberships.append(membership)
    check_founding_size(len(memberships), on=on, field="members", code=code)
    member_ids = {m.household_id for m in memberships}
    leader, deputy = spec.get("leader"), spec.get("deputy")
    if deputy is not None and leader is None:
        raise DomainError(_("Phải chọn tổ trưởng khi đã chọn tổ phó."))
    for person, role in ((leader, _("Tổ trưởng")), (deputy, _("Tổ phó"))):
        if person is not None and person.pk not in member_ids:
            raise DomainError(_("%(role)s phải là tổ viên của tổ mới.") % {"role": role})
    if leader is not None and deputy is not None:
        if leader.pk == deputy.pk:
            raise DomainError(_("Tổ trưởng và tổ phó phải là hai hộ khác nhau."))
        check_kinship(current[leader.pk].household, current[deputy.pk].household, on=on)
    return _NewGroupPlan(
        code=code, name=name, villages=villages, unit=unit, point=point, memberships=memberships,
        leader=current[leader.pk].household if leader is not None else None,
        deputy=current[deputy.pk].household if deputy is not None else None,
        approval_decision=clean_text(spec.get("approval_decision"), field="approval_decision",
                                     label=_("quyết định thành lập"), max_length=100, required=False),
        convention_note=clean_text(spec.get("convention_note"), field="convention_note",
                                   label=_("quy ước hoạt động"), required=False, multiline=True),
    )


def group_split(
    *, actor, source: SavingsGroup, effective_on: dt.date, new_groups, decision: str = ""
) -> GroupConsolidation:
    """Split ``source`` into new groups of the same commune (unit and point of the source unless given).

    ``new_groups`` is a list of dicts: ``code``, ``name``, ``villages`` (list), ``members`` (households, current
    members of the source), optional ``leader``/``deputy`` (members of that new group), ``association_unit``,
    ``transaction_point``, ``approval_decision``, ``convention_note``. Every new group and what remains of the
    source respect the size rule on ``effective_on``; a source left without members closes as SPLIT. Errors about
    one new group are reported on ``new_groups`` and say which one.
    """
    with transaction.atomic():
        if source is None:
            raise DomainError(_("Chưa chọn tổ cần tách."), field="source")
        source = writable_group(actor, source, field="source")
        ensure_active(source, field="source")
        effective_on = clean_date(effective_on, field="effective_on", label=_("ngày hiệu lực"))
        check_not_before(effective_on, source.established_on, field="effective_on", label=_("ngày hiệu lực"),
                         bound_label=_("ngày thành lập tổ"))
        decision = clean_text(decision, field="decision", label=_("quyết định/biên bản"), max_length=150,
                              required=False)
        specs = list(new_groups or [])
        if not specs:
            raise DomainError(_("Phải khai báo ít nhất một tổ mới."), field="new_groups")
        current = {
            m.household_id: m
            for m in GroupMembership.objects.filter(group=source, left_on__isnull=True).select_related(
                "household", "household__village", "group"
            )
        }
        assigned: set[int] = set()
        taken: set[str] = set()
        plans = []
        for index, spec in enumerate(specs, start=1):
            try:
                plans.append(_plan(actor, source, spec, current=current, assigned=assigned, taken=taken,
                                   on=effective_on))
            except DomainError as error:
                label = spec.get("code") if isinstance(spec, dict) and spec.get("code") else f"#{index}"
                raise DomainError(
                    _("Tổ mới %(label)s: %(error)s") % {"label": label, "error": error.text()}, field="new_groups"
                ) from None
        remaining = len(current) - len(assigned)
        board = group_current_board(source)
        if remaining:
            params = size_params(size_rule(effective_on), count=remaining, code=source.code)
            if not params["min"] <= remaining <= params["max"]:
                raise DomainError(
                    _(
                        "Tổ %(code)s còn %(count)d tổ viên sau khi tách; phải có từ %(min)d đến %(max)d "
                        "(%(source)s), hoặc chuyển hết tổ viên sang các tổ mới."
                    )
                    % params,
                    field="new_groups",
                )
            if board is not None:
                for person, role in ((board.leader, _("tổ trưởng")), (board.deputy, _("tổ phó"))):
                    if person is not None and person.pk in assigned:
                        raise DomainError(
                            _(
                                "Hộ %(household)s đang là %(role)s của tổ %(code)s: phải kiện toàn ban quản lý "
                                "tổ trước khi tách, hoặc chuyển hết tổ viên sang các tổ mới."
                            )
                            % {"household": person.name, "role": role, "code": source.code},
                            field="new_groups",
                        )
        moved = [m for plan in plans for m in plan.memberships]
        _check_moves_after_history(moved, [board] if not remaining else [], effective_on, field="effective_on")

        before_source = group_snapshot(source)
        for plan in plans:
            plan.group = SavingsGroup(
                code=plan.code, name=plan.name, commune=source.commune, association_unit=plan.unit,
                transaction_point=plan.point, established_on=effective_on, approval_decision=plan.approval_decision,
                convention_note=plan.convention_note,
            )
            save_new_group(plan.group, field="new_groups")
            plan.group.villages.set(plan.villages)
            GroupStatusChange.objects.create(
                group=plan.group, from_status="", to_status=GroupStatus.ACTIVE, changed_on=effective_on,
                reason=(_("Tách từ tổ %(code)s") % {"code": source.code})[:255],
            )
            move_memberships(plan.memberships, plan.group, on=effective_on,
                             reason=_("Tách sang tổ %(code)s") % {"code": plan.code})
            if plan.leader is not None:
                GroupBoardTerm.objects.create(
                    group=plan.group, leader=plan.leader, deputy=plan.deputy, started_on=effective_on,
                    election_minutes=decision,
                )
        note = _("Tách tổ %(source)s thành %(targets)s") % {
            "source": source.code, "targets": ", ".join(plan.code for plan in plans)
        }
        if decision:
            note = f"{note} ({decision})"
        if not remaining:
            close_group(source, status=GroupStatus.SPLIT, on=effective_on, reason=note)
        consolidation = GroupConsolidation.objects.create(
            kind=ConsolidationKind.SPLIT, effective_on=effective_on, decision=decision, members_moved=len(moved),
            recorded_by=_recorded_by(actor),
        )
        consolidation.sources.set([source])
        consolidation.targets.set([plan.group for plan in plans])
        record(actor, "group.split", source, before=before_source, after=group_snapshot(source), note=note)
        for plan in plans:
            record(actor, "group.split", plan.group, before=None, after=group_snapshot(plan.group), note=note)
    return consolidation
