"""The group's management board (ban quản lý tổ: leader + deputy) and its agency contract (hợp đồng ủy nhiệm).

Board rule (727 checklist; staff quiz Q36, PHẦN 4 Q4; M): leader and deputy are members of the group and are not
spouse, parent, child or sibling of each other — the forbidden kinds are the dated rule
``group.board.forbidden_kinship``. The agency contract is signed by the PGD with the current leader and authorises
interest and savings collection (process.md §3.2).
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from uythac.core.audit import snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import check_not_before, clean_date, clean_text, format_date
from uythac.groups.checks import (
    check_kinship,
    check_office,
    ensure_active,
    record,
    scoped_households,
    writable_group,
)
from uythac.groups.models import AgencyContract, GroupBoardTerm, GroupMembership, SavingsGroup
from uythac.groups.selectors import group_current_board


def board_snapshot(term: GroupBoardTerm | None) -> dict | None:
    if term is None:
        return None
    return snapshot(
        term,
        extra={
            "leader_code": term.leader.customer_code,
            "deputy_code": term.deputy.customer_code if term.deputy_id else None,
        },
    )


def check_board_member(actor, group: SavingsGroup, household, *, on: dt.date, field: str, role: str):
    """A current member of ``group`` since ``on`` at the latest, still living in the commune."""
    if household is None:
        raise DomainError(_("Chưa chọn %(role)s.") % {"role": role}, field=field)
    [household] = scoped_households(actor, [household], field=field)
    membership = GroupMembership.objects.filter(group=group, household=household, left_on__isnull=True).first()
    params = {"role": role, "household": household.name, "code": group.code}
    if membership is None:
        raise DomainError(
            _("%(role)s phải là tổ viên hiện tại của tổ %(code)s; hộ %(household)s không phải.") % params,
            field=field,
        )
    if membership.joined_on > on:
        raise DomainError(
            _("Hộ %(household)s vào tổ ngày %(joined)s, sau ngày bắt đầu nhiệm kỳ.")
            % {**params, "joined": format_date(membership.joined_on)},
            field=field,
        )
    if household.moved_away_on is not None:
        raise DomainError(
            _("Hộ %(household)s đã đi khỏi nơi cư trú từ %(on)s, không thể làm %(role)s.")
            % {**params, "on": format_date(household.moved_away_on)},
            field=field,
        )
    return household


def board_term_start(
    *, actor, group: SavingsGroup, leader, deputy, started_on: dt.date, election_minutes: str = ""
) -> GroupBoardTerm:
    """A new board (after an election); the current term, if any, ends the day before ``started_on``.

    ``deputy`` may be ``None`` while the group has no deputy.
    """
    with transaction.atomic():
        group = writable_group(actor, group)
        ensure_active(group)
        started_on = clean_date(started_on, field="started_on", label=_("ngày bắt đầu nhiệm kỳ"))
        check_not_before(started_on, group.established_on, field="started_on", label=_("ngày bắt đầu nhiệm kỳ"),
                         bound_label=_("ngày thành lập tổ"))
        leader = check_board_member(actor, group, leader, on=started_on, field="leader", role=_("Tổ trưởng"))
        if deputy is not None:
            if deputy.pk == leader.pk:
                raise DomainError(_("Tổ trưởng và tổ phó phải là hai hộ khác nhau."), field="deputy")
            deputy = check_board_member(actor, group, deputy, on=started_on, field="deputy", role=_("Tổ phó"))
            check_kinship(leader, deputy, on=started_on, field="deputy")
        election_minutes = clean_text(
            election_minutes, field="election_minutes", label=_("biên bản bầu"), max_length=150, required=False
        )
        current = group_current_board(group)
        if current is not None and started_on <= current.started_on:
            raise DomainError(
                _("Nhiệm kỳ mới phải bắt đầu sau ngày bắt đầu nhiệm kỳ hiện tại (%(on)s).")
                % {"on": format_date(current.started_on)},
                field="started_on",
            )
        before = board_snapshot(current)
        if current is not None:
            current.ended_on = started_on - dt.timedelta(days=1)
            current.save(update_fields=["ended_on"])
        term = GroupBoardTerm.objects.create(
            group=group, leader=leader, deputy=deputy, started_on=started_on, election_minutes=election_minutes
        )
        record(actor, "board.start", group, instance=term, before=before, after=board_snapshot(term))
    return term


def board_term_end(*, actor, group: SavingsGroup, ended_on: dt.date, note: str = "") -> GroupBoardTerm:
    """End the current term without a successor (e.g. the leader resigned; a new election follows)."""
    with transaction.atomic():
        group = writable_group(actor, group)
        ensure_active(group)
        term = group_current_board(group)
        if term is None:
            raise DomainError(_("Tổ %(code)s chưa có ban quản lý.") % {"code": group.code}, field="group")
        ended_on = clean_date(ended_on, field="ended_on", label=_("ngày kết thúc nhiệm kỳ"))
        check_not_before(ended_on, term.started_on, field="ended_on", label=_("ngày kết thúc nhiệm kỳ"),
                         bound_label=_("ngày bắt đầu nhiệm kỳ"))
        note = clean_text(note, field="note", label=_("ghi chú"), required=False, multiline=True)
        before = board_snapshot(term)
        term.ended_on = ended_on
        term.save(update_fields=["ended_on"])
        record(actor, "board.end", group, instance=term, before=before, after=board_snapshot(term), note=note)
    return term


def agency_contract_create(
    *,
    actor,
    group: SavingsGroup,
    number: str,
    office,
    signed_on: dt.date,
    effective_to: dt.date | None = None,
    collects_interest: bool = True,
    collects_savings: bool = True,
) -> AgencyContract:
    """Hợp đồng ủy nhiệm between a PGD serving the group's commune and the group's current leader."""
    with transaction.atomic():
        group = writable_group(actor, group)
        ensure_active(group)
        board = group_current_board(group)
        if board is None:
            raise DomainError(
                _("Tổ %(code)s chưa có ban quản lý: phải bầu tổ trưởng trước khi ký hợp đồng ủy nhiệm.")
                % {"code": group.code},
                field="group",
            )
        number = clean_text(number, field="number", label=_("số hợp đồng"), max_length=60)
        office = check_office(actor, office, group.commune)
        signed_on = clean_date(signed_on, field="signed_on", label=_("ngày ký"))
        check_not_before(signed_on, board.started_on, field="signed_on", label=_("ngày ký"),
                         bound_label=_("ngày bắt đầu nhiệm kỳ của tổ trưởng"))
        if effective_to is not None:
            effective_to = clean_date(effective_to, field="effective_to", label=_("ngày hết hiệu lực"),
                                      allow_future=True)
            check_not_before(effective_to, signed_on, field="effective_to", label=_("ngày hết hiệu lực"),
                             bound_label=_("ngày ký"))
        if AgencyContract.objects.filter(office=office, number=number).exists():
            raise DomainError(
                _("Số hợp đồng %(number)s đã tồn tại tại %(office)s.") % {"number": number, "office": office.name},
                field="number",
            )
        contract = AgencyContract(
            group=group, number=number, office=office, signed_on=signed_on, effective_to=effective_to,
            leader=board.leader, collects_interest=bool(collects_interest), collects_savings=bool(collects_savings),
        )
        try:
            with transaction.atomic():
                contract.save()
        except IntegrityError:
            raise DomainError(
                _("Số hợp đồng %(number)s đã tồn tại tại %(office)s.") % {"number": number, "office": office.name},
                field="number",
            ) from None
        record(actor, "agency_contract.create", group, instance=contract, before=None, after=snapshot(contract))
    return contract
