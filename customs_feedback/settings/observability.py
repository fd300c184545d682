"""Logs (plain text or one JSON object a line), Sentry error reports, access to the Prometheus metrics.

The request and database metrics themselves come from django-prometheus, wired in base.py (app and
middleware) and database.py (the instrumented backends).
"""

from __future__ import annotations

import ipaddress

from customs_feedback.config import ConfigurationError
from customs_feedback.settings.environment import TESTING, _read, env

# /metrics (and /healthz/?full=1) answer `Authorization: Bearer $METRICS_TOKEN`, or /metrics any
# address in METRICS_ALLOWED_ADDRESSES (comma-separated addresses or networks, e.g. 172.16.0.0/12).
# Plain HTTP is let through for /metrics (SECURE_REDIRECT_EXEMPT in security.py).
METRICS_TOKEN = _read(env.str, "METRICS_TOKEN", default="")
try:
    METRICS_ALLOWED_NETWORKS = [
        ipaddress.ip_network(address, strict=False)
        for address in _read(env.list, "METRICS_ALLOWED_ADDRESSES", default=[])
    ]
except ValueError as error:
    raise ConfigurationError(f"METRICS_ALLOWED_ADDRESSES: {error}") from error

# --- Logging --------------------------------------------------------------------------------
# LOG_FORMAT=json: one JSON object per line with request_id, user_id (staff, numeric) and task_id.
LOG_FORMAT = _read(env.str, "LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise ConfigurationError(f"LOG_FORMAT: expected text or json, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "customs_feedback.core.observability.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "customs_feedback.core.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["context"],
        },
    },
    "root": {"handlers": ["console"], "level": _read(env.str, "LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint and fontTools log every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
if LOG_FORMAT == "json":
    # The worker logs through these handlers too, instead of Celery's own plain-text ones.
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False
    # Django's own "django" logger prints plain text in debug: one format on the stream.
    LOGGING["loggers"]["django"] = {"handlers": ["console"], "level": "INFO", "propagate": False}
else:
    # Per-request lines are for the JSON stream; runserver and gunicorn already print an access log.
    LOGGING["loggers"]["customs_feedback.request"] = {"level": "WARNING"}

# --- Sentry ---------------------------------------------------------------------------------
# SENTRY_DSN: error reports from web and worker, without personal data (core/observability.py).
SENTRY_DSN = _read(env.str, "SENTRY_DSN", default="")
if SENTRY_DSN and not TESTING:
    from customs_feedback.core.observability import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=_read(env.str, "SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=_read(env.float, "SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
