"""Audit: every service write calls ``audit_event_record`` inside its transaction."""

import datetime as dt
import decimal

from django.db import models
from django.db.models import Q

from uythac.core.models import AuditEvent


def _json_value(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model | None, *, extra: dict | None = None) -> dict | None:
    """JSON-safe dict of the concrete fields (FKs as ids) plus optional extra keys (e.g. M2M codes)."""
    if instance is None:
        return None
    data = {}
    for field in instance._meta.concrete_fields:
        data[field.attname] = _json_value(getattr(instance, field.attname))
    if extra:
        data.update({k: _json_value(v) for k, v in extra.items()})
    return data


def audit_key(instance: models.Model) -> tuple[str, str]:
    """(object_type, object_key) under which an object's history is filed: its stable business code."""
    key_getter = getattr(instance, "audit_key", None)
    key = key_getter() if callable(key_getter) else str(instance.pk)
    return instance._meta.model_name, str(key)


def audit_event_record(
    *,
    actor,
    action: str,
    instance: models.Model,
    before: dict | None,
    after: dict | None,
    note: str = "",
    object_type: str | None = None,
    object_key: str | None = None,
    parent: models.Model | None = None,
) -> AuditEvent:
    """Record one write. ``parent`` files a child record's event under its parent too (e.g. the group)."""
    default_type, default_key = audit_key(instance)
    parent_type, parent_key = audit_key(parent) if parent is not None else ("", "")
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "username", "") or "system",
        action=action,
        object_type=object_type or default_type,
        object_key=object_key or default_key,
        object_label=str(instance)[:255],
        before=before,
        after=after,
        note=note,
        parent_type=parent_type,
        parent_key=parent_key,
    )


def audit_history(object_type: str, object_key: str):
    """Events of the object itself and of its child records."""
    return AuditEvent.objects.filter(
        Q(object_type=object_type, object_key=object_key) | Q(parent_type=object_type, parent_key=object_key)
    ).select_related("actor")
