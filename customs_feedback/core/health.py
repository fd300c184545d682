"""The full health report: a list of component checks, each answering ok, degraded or failing.

A check is a function `() -> Check` registered with `@component_check(name, critical=...)`. Core
registers the database, broker, cache, worker heartbeat and periodic jobs (core/monitoring.py); the
outbox registers its own (notifications/monitoring.py); any app may add one in its `monitoring.py`
(discovered at start-up like admin.py). The report is `failing` when a critical component fails
(the system cannot serve), `degraded` when anything else is not ok, else `ok`.

The plain `/healthz/` answer for load balancers stays in selectors.health_report: two quick probes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

OK, DEGRADED, FAILING = "ok", "degraded", "failing"
_SEVERITY = {OK: 0, DEGRADED: 1, FAILING: 2}


@dataclass(frozen=True)
class Check:
    """What one component check found: a status and the figures that explain it."""

    status: str
    detail: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in _SEVERITY:
            raise ValueError(f"unknown health status {self.status!r}")


CheckFunction = Callable[[], "Check | dict[str, Check]"]


@dataclass(frozen=True)
class _Registered:
    name: str
    function: CheckFunction
    critical: bool


_checks: dict[str, _Registered] = {}


def component_check(name: str, *, critical: bool = False) -> Callable[[CheckFunction], CheckFunction]:
    """Register a component check. It may return one Check, or a {suffix: Check} mapping reported
    as `name:suffix` (one entry per periodic job, say). `critical`: failing means the system is down."""

    def register(function: CheckFunction) -> CheckFunction:
        _checks[name] = _Registered(name=name, function=function, critical=critical)
        return function

    return register


def registered_checks() -> list[str]:
    return list(_checks)


def _run(registered: _Registered) -> dict[str, Check]:
    started = time.monotonic()
    try:
        result = registered.function()
    except Exception as error:
        # A check that breaks says so about its component; it never breaks the whole report.
        logger.exception("health check %s raised", registered.name)
        result = Check(FAILING, {"error": error.__class__.__name__})
    if isinstance(result, Check):
        results = {registered.name: result}
    else:
        results = {f"{registered.name}:{suffix}": check for suffix, check in result.items()}
    elapsed_ms = round((time.monotonic() - started) * 1000, 1)
    return {name: Check(check.status, {**check.detail, "check_ms": elapsed_ms}) for name, check in results.items()}


def full_health_report() -> dict[str, Any]:
    """Every registered component's status and figures, and the overall status."""
    components: dict[str, dict[str, Any]] = {}
    overall = OK
    for registered in _checks.values():
        for name, check in _run(registered).items():
            components[name] = {"status": check.status, **check.detail}
            if check.status == FAILING and registered.critical:
                overall = FAILING
            elif check.status != OK and overall == OK:
                overall = DEGRADED
    return {"status": overall, "components": components}


def by_age(age_seconds: float | None, *, degraded_after: float, failing_after: float) -> str:
    """ok while younger than `degraded_after` seconds, failing from `failing_after`, never seen: failing."""
    if age_seconds is None or age_seconds >= failing_after:
        return FAILING
    return DEGRADED if age_seconds >= degraded_after else OK
