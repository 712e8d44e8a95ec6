"""Group meetings (sinh hoạt tổ) with their minutes.

The frequency is set by the group convention; no fixed legal frequency is known (process.md §7, M/L), so nothing
here enforces a cadence. Group leaders may record the meetings of their own group (``access_group(for_meeting=…)``).
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from uythac.core.audit import snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import check_not_before, clean_date, clean_text, format_date
from uythac.groups.checks import record, writable_group
from uythac.groups.models import GroupMeeting, MeetingKind, SavingsGroup
from uythac.groups.selectors import group_members_on


def meeting_record(
    *,
    actor,
    group: SavingsGroup,
    held_on: dt.date,
    kind: str,
    attendee_count: int,
    minutes: str,
    association_present: bool = False,
    village_head_present: bool = False,
) -> GroupMeeting:
    """Record a held meeting: 1 ≤ attendees ≤ the members on that day; minutes required; not in the future."""
    with transaction.atomic():
        group = writable_group(actor, group, for_meeting=True)
        held_on = clean_date(held_on, field="held_on", label=_("ngày họp"))
        check_not_before(held_on, group.established_on, field="held_on", label=_("ngày họp"),
                         bound_label=_("ngày thành lập tổ"))
        if group.closed_on is not None and held_on > group.closed_on:
            raise DomainError(
                _("Tổ %(code)s đã ngừng hoạt động từ %(on)s.")
                % {"code": group.code, "on": format_date(group.closed_on)},
                field="held_on",
            )
        if kind not in MeetingKind.values:
            raise DomainError(_("Loại cuộc họp không hợp lệ."), field="kind")
        if isinstance(attendee_count, bool) or not isinstance(attendee_count, int):
            raise DomainError(_("Số tổ viên dự họp phải là một số nguyên."), field="attendee_count")
        members = group_members_on(group, held_on)
        if attendee_count < 1:
            raise DomainError(_("Số tổ viên dự họp phải ít nhất là 1."), field="attendee_count")
        if attendee_count > members:
            raise DomainError(
                _("Số tổ viên dự họp (%(count)d) vượt số tổ viên của tổ ngày %(on)s (%(members)d).")
                % {"count": attendee_count, "on": format_date(held_on), "members": members},
                field="attendee_count",
            )
        minutes = clean_text(minutes, field="minutes", label=_("biên bản cuộc họp"), multiline=True)
        meeting = GroupMeeting.objects.create(
            group=group, held_on=held_on, kind=kind, attendee_count=attendee_count, minutes=minutes,
            association_present=bool(association_present), village_head_present=bool(village_head_present),
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        record(actor, "meeting.record", group, instance=meeting, before=None, after=snapshot(meeting))
    return meeting
