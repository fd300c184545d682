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
