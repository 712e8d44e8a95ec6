"""Each existing review meeting (họp bình xét) becomes the loan side of a ``groups.GroupMeeting`` of kind REVIEW:
an unlinked REVIEW meeting of the same group on the same day with the same attendees and presence flags is reused
(it is the same meeting recorded twice), otherwise one is created from the review
meeting's own date, attendees, presence flags, note (or a minutes line naming 10C/TD and 03/TD) and recorder."""

from django.db import migrations


def link(apps, schema_editor):
    review_model = apps.get_model("loans", "ReviewMeeting")
    meeting_model = apps.get_model("groups", "GroupMeeting")
    for review in review_model.objects.filter(group_meeting__isnull=True).order_by("id").iterator():
        meeting = (meeting_model.objects.filter(
            group_id=review.group_id, held_on=review.held_on, kind="REVIEW", review__isnull=True,
            attendee_count=review.attendee_count, association_present=review.association_present,
            village_head_present=review.village_head_present,
        ).order_by("id").first())
        if meeting is None:
            minutes = review.note or (
                f"Họp bình xét cho vay: biên bản 10C/TD số {review.minutes_number}, "
                f"danh sách 03/TD số {review.request_list_number}."
            )
            meeting = meeting_model.objects.create(
                group_id=review.group_id, held_on=review.held_on, kind="REVIEW",
                attendee_count=review.attendee_count, association_present=review.association_present,
                village_head_present=review.village_head_present, minutes=minutes,
                recorded_by_id=review.recorded_by_id,
            )
        review.group_meeting_id = meeting.pk
        review.save(update_fields=["group_meeting"])


def unlink(apps, schema_editor):
    apps.get_model("loans", "ReviewMeeting").objects.update(group_meeting=None)


class Migration(migrations.Migration):
    dependencies = [("loans", "0003_events_reversal_review_link"), ("groups", "0001_initial")]
    operations = [migrations.RunPython(link, unlink)]
