"""Personal data kept only as long as needed: retention rules, the daily purge, the subject export.

Each app declares, in its own `privacy.py` (discovered at start-up like admin.py), what personal data
it holds: `@retention_rule` functions anonymise what is older than their setting's number of days and
return how many records they changed; `@subject_export` functions return everything held about one
email address. The shared package never imports a feature app: the apps register here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from customs_feedback.core.models import RetentionRun

PurgeFunction = Callable[..., int]  # (*, before: datetime) -> records changed
ExportFunction = Callable[[str], list[dict[str, Any]]]


@dataclass(frozen=True)
class RetentionRule:
    name: str
    days_setting: str
    purge: PurgeFunction
    description: str


_rules: dict[str, RetentionRule] = {}
_exports: dict[str, ExportFunction] = {}


def retention_rule(name: str, *, days_setting: str, description: str) -> Callable[[PurgeFunction], PurgeFunction]:
    def register(function: PurgeFunction) -> PurgeFunction:
        _rules[name] = RetentionRule(name=name, days_setting=days_setting, purge=function, description=description)
        return function

    return register


def subject_export(name: str) -> Callable[[ExportFunction], ExportFunction]:
    def register(function: ExportFunction) -> ExportFunction:
        _exports[name] = function
        return function

    return register


def retention_rules() -> list[RetentionRule]:
    return list(_rules.values())


def retention_purge(*, now: datetime | None = None) -> RetentionRun:
    """Anonymise what every rule says has expired, each rule in its own transaction; record the run."""
    now = now or timezone.now()
    results: dict[str, dict[str, Any]] = {}
    for rule in _rules.values():
        days = getattr(settings, rule.days_setting)
        before = now - timedelta(days=days)
        with transaction.atomic():
            changed = rule.purge(before=before)
        results[rule.name] = {"days": days, "before": before.isoformat(), "changed": changed}
    return RetentionRun.objects.create(ran_at=now, results=results)


def subject_data(*, email: str, now: datetime | None = None) -> dict[str, Any]:
    """Everything held about one email address, by app and kind of record (a data-subject request)."""
    email = email.strip()
    return {
        "email": email,
        "generated_at": (now or timezone.now()).isoformat(),
        "records": {name: export(email) for name, export in sorted(_exports.items())},
    }
