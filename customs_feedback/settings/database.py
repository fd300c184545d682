"""The database (DATABASE_URL: PostgreSQL, or SQLite under var/ when embedded) and the cache (CACHE_URL)."""

from __future__ import annotations

import sys

import environ

from customs_feedback.config import ConfigurationError
from customs_feedback.settings.environment import VAR_DIR, _read, _read_flag, env

DATABASE_URL = _read(env.str, "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
_database_scheme = DATABASE_URL.split("://", 1)[0] if "://" in DATABASE_URL else ""
if _database_scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
    raise ConfigurationError(
        f"DATABASE_URL: expected postgres://user@host:port/name or sqlite:///path, got scheme {_database_scheme!r}"
    )
try:
    DATABASES = {"default": environ.Env.db_url_config(DATABASE_URL)}
except (ValueError, KeyError, environ.ImproperlyConfigured) as error:
    raise ConfigurationError(f"DATABASE_URL: {error}") from error
DATABASES["default"]["CONN_MAX_AGE"] = _read(env.int, "DATABASE_CONN_MAX_AGE", default=60)
if "runserver" in sys.argv:
    # runserver starts a thread per request: a kept connection would outlive its thread unused, and
    # concurrent clients would exhaust PostgreSQL. Processes with long-lived threads (gunicorn, Celery) keep theirs.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # Several processes (web, the periodic-job runner) share the file: wait for locks, use WAL.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # Statements run through a server-binding cursor (`server_binding_cursor`: the rating POST's statement) are
    # prepared on their 5th run on a connection: planning that statement cost PostgreSQL more than running it.
    # Django's other queries bind on the client and are never prepared. Behind PgBouncer in transaction mode,
    # prepared statements need PgBouncer 1.21 or later with `max_prepared_statements`; otherwise set this off.
    DATABASES["default"]["OPTIONS"].setdefault(
        "prepare_threshold", 5 if _read_flag("DATABASE_PREPARED_STATEMENTS", default=True) else None
    )
# Query counts, durations and errors per database (django-prometheus's metrics): the same backends,
# instrumented; PostgreSQL and SQLite by customs_feedback.db_backends (the same metrics, at less cost a query).
_BACKEND = DATABASES["default"]["ENGINE"].removeprefix("django.db.backends.")
DATABASES["default"]["ENGINE"] = (
    f"customs_feedback.db_backends.{_BACKEND}"
    if _BACKEND in ("postgresql", "sqlite3")
    else DATABASES["default"]["ENGINE"].replace("django.db.backends.", "django_prometheus.db.backends.")
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
CACHE_URL = _read(env.str, "CACHE_URL", default="locmemcache://")
CACHES = {"default": environ.Env.cache_url_config(CACHE_URL)}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # A down or hung Redis must cost a request milliseconds, not a minute: throttles then count locally.
    CACHES["default"].setdefault("OPTIONS", {}).update({"socket_connect_timeout": 0.5, "socket_timeout": 0.5})
