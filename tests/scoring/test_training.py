"""Training records (the association's ``tap_huan`` criterion): guarded, audited, refusals change nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent
from uythac.scoring.models import TrainingRecord
from uythac.scoring.services import training_record

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 6, 10)


def test_record_training(world):
    unit = world.unit_a["11"]
    record = training_record(actor=world.admin, unit_code=unit.code, held_on=DAY, topic="  Nghiệp vụ   ủy thác ",
                             attendees=3)
    assert (record.association_unit, record.topic, record.attendees) == (unit, "Nghiệp vụ ủy thác", 3)
    assert AuditEvent.objects.filter(action="training.record", parent_key=unit.code).count() == 1


@pytest.mark.parametrize("kwargs, error", [
    ({"topic": ""}, DomainError), ({"attendees": 0}, DomainError), ({"held_on": dt.date(2999, 1, 1)}, DomainError),
])
def test_bad_input_refused_and_nothing_written(world, kwargs, error):
    values = {"unit_code": world.unit_a["11"].code, "held_on": DAY, "topic": "Tập huấn", "attendees": 2, **kwargs}
    with pytest.raises(error):
        training_record(actor=world.admin, **values)
    assert TrainingRecord.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_out_of_scope_is_404_and_read_only_is_403(world):
    with pytest.raises(Http404):
        training_record(actor=world.commune_association, unit_code=world.unit_c["11"].code, held_on=DAY, topic="x")
    with pytest.raises(PermissionDenied):
        training_record(actor=world.commune_viewer, unit_code=world.unit_a["11"].code, held_on=DAY, topic="x")
    assert TrainingRecord.objects.count() == 0
