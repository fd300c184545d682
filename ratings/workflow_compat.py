"""Stand-in for customs_feedback.workflow.transition until the structure issue lands it (same call shape)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from customs_feedback.workflow import ensure_transition


def transition(obj, *, to: str, allowed: Mapping[str, Collection[str]], actor=None, note: str = "", fields=None):
    """Lock the row, check the table, save the named fields and the status, write the event row."""
    model = type(obj)
    locked = model.objects.select_for_update().get(pk=obj.pk)
    labels = dict(model._meta.get_field("status").choices)
    ensure_transition(allowed, locked.status, to, labels=labels)
    changes: dict[str, Any] = dict(fields or {})
    from_status = locked.status
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.status = to
    update = [*changes, "status"]
    if any(field.name == "updated_at" for field in model._meta.get_fields()):
        update.append("updated_at")
    locked.save(update_fields=update)
    locked.events.create(actor=actor, from_status=from_status, to_status=to, note=note)
    return locked
