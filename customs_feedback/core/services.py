from __future__ import annotations

import socket

from django.utils import timezone

from customs_feedback.core.models import Heartbeat


def heartbeat_record(*, component: str) -> Heartbeat:
    """Note that `component` is alive now (upsert: safe to run any number of times)."""
    heartbeat, _created = Heartbeat.objects.update_or_create(
        component=component, defaults={"last_seen": timezone.now(), "detail": socket.gethostname()[:200]}
    )
    return heartbeat


def periodic_job_record(*, task_name: str, error: BaseException | None = None) -> Heartbeat:
    """Note that the periodic job `task_name` just ran, and how it ended (read by /healthz/?full=1)."""
    outcome = "ok" if error is None else f"failed: {error.__class__.__name__}"
    heartbeat, _created = Heartbeat.objects.update_or_create(
        component=f"job:{task_name}"[:50], defaults={"last_seen": timezone.now(), "detail": outcome[:200]}
    )
    return heartbeat


def _plain(value):
    """A JSON-safe rendering of a field value for the audit trail."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set):
        return sorted(_plain(item) for item in value)
    return str(value)


def configuration_snapshot(obj) -> dict:
    """Field values (and many-to-many ids) of a configuration record, as the audit trail stores them."""
    snapshot = {}
    for field in obj._meta.concrete_fields:
        if field.name in {"password", "last_login", "updated_at"}:
            continue
        snapshot[field.name] = _plain(field.value_from_object(obj))
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            snapshot[field.name] = _plain([str(related) for related in getattr(obj, field.name).all()])
    return snapshot


def configuration_change_record(*, actor, obj, action: str, before: dict | None, after: dict | None):
    """Write one audit row; a change that altered nothing writes nothing."""
    from django.contrib.contenttypes.models import ContentType

    from customs_feedback.core.models import ConfigurationChange

    before, after = before or {}, after or {}
    changes = {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }
    if action == ConfigurationChange.Action.CHANGED and not changes:
        return None
    return ConfigurationChange.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=changes,
    )
