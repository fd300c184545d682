"""`/metrics`: django-prometheus's request and database metrics plus the system's own gauges.

A gauge is a function `() -> float | None` registered with `@gauge(name, documentation)` in an app's
`monitoring.py`; it is read at scrape time (one query each), so every web process reports the same
figures and nothing has to be kept up to date between scrapes. A gauge that cannot be read (its
service is down) is left out of the scrape and counted in `customs_feedback_gauge_errors`.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from collections.abc import Callable, Iterator

import prometheus_client
from django.conf import settings
from django.http import HttpRequest
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

logger = logging.getLogger(__name__)

PREFIX = "customs_feedback_"
GaugeFunction = Callable[[], "float | None"]
_gauges: dict[str, tuple[str, GaugeFunction]] = {}


def gauge(name: str, documentation: str) -> Callable[[GaugeFunction], GaugeFunction]:
    """Register a gauge read at scrape time; `name` without the customs_feedback_ prefix."""

    def register(function: GaugeFunction) -> GaugeFunction:
        _gauges[PREFIX + name] = (documentation, function)
        return function

    return register


class SystemGauges(Collector):
    """Reads every registered gauge when Prometheus scrapes."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        errors = 0
        for name, (documentation, function) in sorted(_gauges.items()):
            try:
                value = function()
            except Exception:
                logger.exception("gauge %s could not be read", name)
                errors += 1
                continue
            if value is not None:
                yield GaugeMetricFamily(name, documentation, value=float(value))
        yield GaugeMetricFamily(
            PREFIX + "gauge_errors", "Gauges that could not be read in this scrape.", value=float(errors)
        )


_system_registry = CollectorRegistry(auto_describe=False)
_system_registry.register(SystemGauges())


def metrics_text() -> bytes:
    """The Prometheus text exposition: process, request and database metrics, then our gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several gunicorn workers: add up what each wrote to the shared directory.
        base = CollectorRegistry()
        multiprocess.MultiProcessCollector(base)
    else:
        base = prometheus_client.REGISTRY
    return prometheus_client.generate_latest(base) + prometheus_client.generate_latest(_system_registry)


def has_metrics_token(request: HttpRequest) -> bool:
    """`Authorization: Bearer <METRICS_TOKEN>`; no token configured means no token is accepted."""
    token = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and secrets.compare_digest(given.strip(), token)


def from_allowed_address(request: HttpRequest) -> bool:
    """The scraper's own address, as the socket saw it: a forwarded header could be forged by anyone,
    and Prometheus scrapes the web process directly, not through the public proxy."""
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)


def may_read_metrics(request: HttpRequest) -> bool:
    return has_metrics_token(request) or from_allowed_address(request)
