"""The review meeting's own data now lives on its GroupMeeting (0004 linked every row): drop the copies.

Reversible: going back makes the old columns nullable again, copies the values back from the group meeting, then
restores NOT NULL."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_back(apps, schema_editor):
    for review in apps.get_model("loans", "ReviewMeeting").objects.select_related("group_meeting"):
        meeting = review.group_meeting
        review.group_id, review.held_on, review.attendee_count = meeting.group_id, meeting.held_on, meeting.attendee_count
        review.association_present, review.village_head_present = meeting.association_present, meeting.village_head_present
        review.note, review.recorded_by_id = meeting.minutes, meeting.recorded_by_id
        review.save()


class Migration(migrations.Migration):

    dependencies = [
        ('groups', '0001_initial'),
        ('ledger', '0003_postgresql_guards'),
        ('loans', '0004_review_meetings_as_group_meetings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='reviewmeeting', name='held_on', field=models.DateField(null=True, verbose_name='ngày họp'),
        ),
        migrations.AlterField(
            model_name='reviewmeeting', name='attendee_count',
            field=models.PositiveSmallIntegerField(null=True, verbose_name='số tổ viên dự họp'),
        ),
        migrations.AlterField(
            model_name='reviewmeeting', name='group',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='review_meetings', to='groups.savingsgroup', verbose_name='tổ TK&VV'),
        ),
        migrations.RunPython(migrations.RunPython.noop, copy_back),
        migrations.AlterModelOptions(
            name='reviewmeeting',
            options={'ordering': ['-group_meeting__held_on', '-id'], 'verbose_name': 'cuộc họp bình xét cho vay'},
        ),
        migrations.RemoveConstraint(
            model_name='reviewmeeting',
            name='review_meeting_attendees',
        ),
        migrations.RemoveField(
            model_name='reviewmeeting',
            name='association_present',
        ),
        migrations.RemoveField(
            model_name='reviewmeeting',
            name='attendee_count',
        ),
        migrations.RemoveField(
            model_name='reviewmeeting',
            name='group',
        ),
        migrations.RemoveField(
            model_name='reviewmeeting',
            name='held_on',
        ),
        migrations.RemoveField(
            model_name='reviewmeeting',
            name='note',
        ),
        migrations.RemoveField(
            model_name='reviewmeeting',
            name='recorded_by',
        ),
        migrations.RemoveField(
            model_name='reviewmeeting',
            name='village_head_present',
        ),
        migrations.AlterField(
            model_name='reviewmeeting',
            name='group_meeting',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='review', to='groups.groupmeeting', verbose_name='cuộc họp tổ'),
        ),
    ]
