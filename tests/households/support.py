"""Assertions shared by the service tests: a refused write changes nothing and says exactly why."""

import contextlib

import pytest
from django.core.exceptions import PermissionDenied

from uythac.core.audit import snapshot
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent


def db_state(models=(), objects=()):
    """Row counts of the given models and of the audit trail, plus a fresh snapshot of each given object."""
    counts = {model.__name__: model.objects.count() for model in models}
    counts["AuditEvent"] = AuditEvent.objects.count()
    return counts, [snapshot(type(obj).objects.get(pk=obj.pk)) for obj in objects]


@contextlib.contextmanager
def refused(message: str, *, field: str | None, models=(), objects=()):
    """The block raises DomainError(message) on ``field`` and leaves the database as it was."""
    before = db_state(models, objects)
    with pytest.raises(DomainError) as info:
        yield info
    actual = info.value.messages if field is None else info.value.message_dict
    expected = [message] if field is None else {field: [message]}
    assert actual == expected, f"{actual!r} != {expected!r}"
    after = db_state(models, objects)
    assert after == before, f"database changed: {before!r} -> {after!r}"


@contextlib.contextmanager
def forbidden(exception=PermissionDenied, *, models=(), objects=()):
    """The block raises ``exception`` (403 PermissionDenied or 404 Http404) and leaves the database as it was."""
    before = db_state(models, objects)
    with pytest.raises(exception):
        yield
    assert db_state(models, objects) == before


def last_audit(action: str) -> AuditEvent:
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, [str(e) for e in events]
    return events[0]
