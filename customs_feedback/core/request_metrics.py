"""django-prometheus's request metrics, with each labelled series looked up once per process.

`PrometheusAfterMiddleware` asks `metric.labels(...)` for up to eight series a request (prometheus_client
checks the label names, turns the values into strings and takes a lock each time): 2–4 % of a short API
request's CPU. The series a process has used are kept here by metric and label values, so a request finds
them in one dict lookup. The metric names, labels and values are django-prometheus's own; nothing grows
that the registry does not already keep (it holds every series it has seen, for the life of the process).
"""

from __future__ import annotations

from typing import Any

from django_prometheus import middleware


class PrometheusAfterMiddleware(middleware.PrometheusAfterMiddleware):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._series: dict[tuple, Any] = {}

    def label_metric(self, metric, request, response=None, **labels):
        if not labels:
            return metric
        key = (metric, *labels.items())
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = metric.labels(**labels)
        return series
