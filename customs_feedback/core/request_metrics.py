"""The request metrics operators read, in django-prometheus's names, for a quarter of what its middlewares cost.

django-prometheus's two middlewares update thirteen series a request: counts by method, by transport, by
charset, by template, of streaming answers, request and answer sizes, a latency before and one after the
other middlewares, and the counts below, most of them sums of others. That was 8 % of a rating POST's
instructions in the web process (bench/RESULTS.md, issue 15, eighth pass), and more under gunicorn, where
each update writes to a file shared by the workers (PROMETHEUS_MULTIPROC_DIR). This one middleware, first in
the list after the API-key paths' fork (a look-up), so that it times all the others, keeps the series that say
how many, where, how fast and how many failed:

- `django_http_requests_total_by_view_transport_method`
- `django_http_responses_total_by_status_view_method`
- `django_http_requests_latency_seconds_by_view_method`: the whole request, every middleware included
- `django_http_exceptions_total_by_type` and `_by_view`, when a view raises.

They are django-prometheus's own metric objects (names, labels, buckets), each labelled series looked up once
per process. A method outside HTTP's own is labelled "<invalid method>" everywhere, as django-prometheus does
for its counts (it labelled its latency with the method as sent: a series for every made-up method).
"""

from __future__ import annotations

from timeit import default_timer
from typing import Any

from django_prometheus.middleware import Metrics

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "OPTIONS", "CONNECT", "PATCH"})
UNNAMED_VIEW = "<unnamed view>"


class RequestMetricsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.metrics = Metrics.get_instance()
        self._series: dict[tuple, Any] = {}

    def __call__(self, request):
        started = default_timer()
        response = self.get_response(request)
        method = request.method if request.method in HTTP_METHODS else "<invalid method>"
        view = _view_name(request)
        transport = "https" if request.is_secure() else "http"
        metrics = self.metrics
        self._series_of(metrics.requests_by_view_transport_method, view, transport, method).inc()
        self._series_of(metrics.responses_by_status_view_method, str(response.status_code), view, method).inc()
        self._series_of(metrics.requests_latency_by_view_method, view, method).observe(
            max(default_timer() - started, 0)
        )
        return response

    def process_exception(self, request, exception) -> None:
        self._series_of(self.metrics.exceptions_by_type, type(exception).__name__).inc()
        self._series_of(self.metrics.exceptions_by_view, _view_name(request)).inc()

    def _series_of(self, metric, *labels: str):
        """The metric's series for these label values (in the metric's label order)."""
        key = (metric, *labels)
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = metric.labels(*labels)
        return series


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match is not None else None) or UNNAMED_VIEW
