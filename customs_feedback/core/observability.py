"""Logs and error reports an operator can use: JSON lines with request, user and task ids; Sentry.

Nothing here may carry an enterprise's personal data (names, emails, phones, tax codes, addresses):
log records name staff users by their numeric id only, and Sentry events are scrubbed before sending.
Imported by settings, so it imports no Django model at module level.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import warnings
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

current_request: ContextVar[Any] = ContextVar("current_request", default=None)

# A caller's own id is kept only when it looks like one (a proxy's or load balancer's), never free text.
_INCOMING_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

request_logger = logging.getLogger("customs_feedback.request")


class RequestIdMiddleware:
    """Give each request an id (the proxy's X-Request-ID or a new one), for its log lines and its answer."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")  # not request.headers: it copies every header
        # 128 random bits in hex, as uuid4().hex but without building a UUID (a seventh of the cost).
        request_id = incoming if _INCOMING_REQUEST_ID.match(incoming) else os.urandom(16).hex()
        request.request_id = request_id
        token = current_request.set(request)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            request_logger.info(
                "%s %s %s",
                request.method,
                loggable_path(request),
                response.status_code,
                extra={"status": response.status_code, "duration_ms": round((time.monotonic() - started) * 1000, 1)},
            )
            return response
        finally:
            current_request.reset(token)


def loggable_path(request) -> str:
    """The URL pattern, not the path: paths carry confirmation and rating-link tokens (and query strings
    an email, for inquiry tracking), which a log must not keep."""
    match = getattr(request, "resolver_match", None)
    return f"/{match.route}" if match else "(no route)"


def _staff_user_id(request) -> int | None:
    """The signed-in staff user's id, if the request already loaded it (a log call never queries)."""
    user = getattr(request, "_cached_user", None) if request is not None else None
    return user.pk if getattr(user, "is_authenticated", False) else None


def _task_id() -> str | None:
    # A process that has not loaded Celery runs no task: importing it for a log line loaded Celery and its
    # dependencies into a web worker that queues nothing, on its first warning (a 403 page).
    celery = sys.modules.get("celery")
    current_task = celery.current_task if celery is not None else None
    return current_task.request.id if current_task else None


class ContextFilter(logging.Filter):
    """Adds request_id, user_id and task_id to every record (None outside a request or a task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a failed response (django.request) after the middleware finished: its record
        # carries the request itself.
        request = getattr(record, "request", None) or current_request.get()
        path = getattr(request, "path", None)
        if path and isinstance(record.args, tuple) and path in record.args:
            # Django's "Bad Request: <path>" and "Internal Server Error: <path>".
            record.args = tuple(loggable_path(request) if arg == path else arg for arg in record.args)
        record.request_id = getattr(request, "request_id", None)
        record.user_id = _staff_user_id(request)
        record.task_id = _task_id()
        return True


# Attributes every LogRecord has; anything else on a record was passed as `extra=` and is kept, except
# Django's `request` (its repr carries the query string, where an email may be) and `server_time`.
_LEFT_OUT = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request", "server_time"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, ids, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in vars(record).items():
            if name not in _LEFT_OUT and not name.startswith("_"):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# --- Sentry ---------------------------------------------------------------------------------
FILTERED = "[Filtered]"
# Emails, runs of 9–13 digits (tax codes with or without their branch suffix, phone numbers; a
# 12-digit declaration number goes too, which costs an error report nothing) and spaced phone numbers.
_PERSONAL_DATA = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\+?\b\d{9,13}(?:-\d{3})?\b"
    r"|\b0\d{2,3}[ .]\d{3}[ .]\d{3,4}\b"
)


def scrub_text(text: str) -> str:
    return _PERSONAL_DATA.sub(FILTERED, text)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Remove what could identify an enterprise or a person from a Sentry event before it leaves."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "env"):
            request.pop(key, None)
        if request.get("query_string"):
            request["query_string"] = FILTERED
    if isinstance(event.get("user"), dict):
        event["user"] = {"id": event["user"]["id"]} if "id" in event["user"] else {}
    return _scrub(event)


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float, transport=None) -> None:
    """`transport`: where events go instead of the DSN's server (tests read them there)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    with warnings.catch_warnings():
        # sentry-sdk 2.75 deprecates send_default_pii for data_collection, whose omitted categories
        # default to *collected*: the old switch, off, is the stricter of the two.
        warnings.filterwarnings("ignore", "The send_default_pii option is deprecated", DeprecationWarning)
        sentry_sdk.init(
            dsn=dsn,
            environment=environment,
            integrations=[DjangoIntegration(), CeleryIntegration()],
            send_default_pii=False,
            # Request bodies and local variables are where an enterprise's data would be: never sent.
            max_request_body_size="never",
            include_local_variables=False,
            traces_sample_rate=traces_sample_rate,
            before_send=scrub_event,
            before_breadcrumb=lambda crumb, hint: _scrub(crumb),
            transport=transport,
        )
