"""Statuses are data: each app keeps its allowed transitions as a plain table and checks them here."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from django.utils.translation import gettext as _

from customs_feedback.exceptions import InvalidTransition


def ensure_transition(allowed: Mapping[str, Collection[str]], current: str, target: str, *, labels=None) -> None:
    """Raise InvalidTransition unless `allowed[current]` contains `target`."""
    if target in allowed.get(current, ()):
        return
    label = labels or {}
    raise InvalidTransition(
        _("Cannot change the status from “%(current)s” to “%(target)s”.")
        % {"current": label.get(current, current), "target": label.get(target, target)}
    )
