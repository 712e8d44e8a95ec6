import datetime as dt

import pytest
from django.utils import timezone

from tests.groups.helpers import D, last_audit, refused
from uythac.groups.models import GroupMembership, MeetingKind
from uythac.groups.services import group_dissolve, meeting_record

pytestmark = pytest.mark.django_db


def record(world, **overrides):
    kwargs = {
        "actor": world.group_leader, "group": world.group_a, "held_on": D, "kind": MeetingKind.REGULAR,
        "attendee_count": 6, "minutes": "Sinh hoạt tổ tháng 3: đôn đốc trả lãi, vận động gửi tiết kiệm.",
    }
    kwargs.update(overrides)
    return meeting_record(**kwargs)


def test_group_leader_records_a_meeting_of_own_group(world):
    meeting = record(world, association_present=True)
    assert (meeting.group, meeting.held_on, meeting.kind, meeting.attendee_count) == (world.group_a, D, "REGULAR", 6)
    assert (meeting.association_present, meeting.village_head_present, meeting.recorded_by) == (
        True, False, world.group_leader
    )
    event = last_audit("meeting.record")
    assert (event.object_key, event.actor, event.after["attendee_count"]) == ("0000001", world.group_leader, 6)


def test_group_leader_cannot_record_for_another_group_and_viewer_cannot_record(world):
    refused(lambda: record(world, group=world.group_a_women, attendee_count=5), field="group",
            message="Tổ 0000002 không thuộc phạm vi quản lý của bạn.")
    refused(lambda: record(world, actor=world.commune_viewer), field="group",
            message="Bạn không có quyền thay đổi tổ TK&VV.")
    assert record(world, actor=world.commune_association).recorded_by == world.commune_association


def test_attendees_between_one_and_the_members_on_that_day(world):
    refused(lambda: record(world, attendee_count=7), field="attendee_count",
            message="Số tổ viên dự họp (7) vượt số tổ viên của tổ ngày 02/03/2026 (6).")
    refused(lambda: record(world, attendee_count=0), field="attendee_count",
            message="Số tổ viên dự họp phải ít nhất là 1.")
    refused(lambda: record(world, attendee_count="5"), field="attendee_count",
            message="Số tổ viên dự họp phải là một số nguyên.")
    # members on the meeting day, not today: before 2020 nobody had joined
    refused(lambda: record(world, held_on=dt.date(2019, 6, 1), attendee_count=1), field="attendee_count",
            message="Số tổ viên dự họp (1) vượt số tổ viên của tổ ngày 01/06/2019 (0).")
    GroupMembership.objects.filter(household=world.group_a.test_members[5]).update(left_on=dt.date(2026, 1, 1))
    assert record(world, held_on=dt.date(2025, 12, 31), attendee_count=6).attendee_count == 6
    refused(lambda: record(world, attendee_count=6), field="attendee_count",
            message="Số tổ viên dự họp (6) vượt số tổ viên của tổ ngày 02/03/2026 (5).")


def test_minutes_kind_and_date(world):
    refused(lambda: record(world, minutes="  \n "), field="minutes",
            message="Chưa nhập biên bản cuộc họp.")
    refused(lambda: record(world, kind="PARTY"), field="kind", message="Loại cuộc họp không hợp lệ.")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused(lambda: record(world, held_on=tomorrow), field="held_on",
            message=f"Ngày họp ({tomorrow:%d/%m/%Y}) không được sau ngày hôm nay.")
    refused(lambda: record(world, held_on=dt.date(2015, 1, 1)), field="held_on",
            message="Ngày họp (01/01/2015) không được trước ngày thành lập tổ (01/03/2015).")


def test_meetings_of_a_closed_group_only_before_it_closed(world):
    group_dissolve(actor=world.admin, group=world.group_a, on=dt.date(2026, 3, 1), reason="Giải thể")
    refused(lambda: record(world, actor=world.admin), field="held_on",
            message="Tổ 0000001 đã ngừng hoạt động từ 01/03/2026.")
    assert record(world, actor=world.admin, held_on=dt.date(2026, 2, 20)).attendee_count == 6
