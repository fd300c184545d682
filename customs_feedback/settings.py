"""Settings for customs_feedback, read from the environment (12-factor).

With nothing set, the system runs embedded: SQLite under var/, Celery tasks run in-process after
commit, mail written to files under var/mail/. DJANGO_DEBUG off turns on production behaviour:
a secret key is required and cookies, HSTS and CSP are strict.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from customs_feedback.config import ConfigurationError

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _read(reader, name: str, **kwargs):
    """Read one variable, turning a malformed value into a one-line error that names it."""
    try:
        return reader(name, **kwargs)
    except (ValueError, KeyError, environ.ImproperlyConfigured) as error:
        raise ConfigurationError(f"{name}: {error}") from error


def _read_flag(name: str, *, default: bool) -> bool:
    """A strict boolean: a typo such as DJANGO_DEBUG=ture must not silently mean False."""
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name}: expected true/false (or 1/0, yes/no, on/off), got {raw!r}")


DEBUG = _read_flag("DJANGO_DEBUG", default=False)
TESTING = "pytest" in sys.modules

SECRET_KEY = _read(env.str, "DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigurationError("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105 - never used in production

ALLOWED_HOSTS = _read(env.list, "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ConfigurationError("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is off")
CSRF_TRUSTED_ORIGINS = _read(env.list, "DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SITE_URL = _read(env.str, "SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "customs_feedback.core",
    "customs_feedback.organization",
    "customs_feedback.notifications",
    "partnerships",
    "ratings",
    "complaints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "customs_feedback.inputs.InputGateMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "customs_feedback.organization.security.StaffSessionMiddleware",
    "partnerships.middleware.EnterpriseMemberMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "customs_feedback.urls"
WSGI_APPLICATION = "customs_feedback.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "customs_feedback" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "customs_feedback.core.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    "customs_feedback.organization.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff accounts: locked after 5 failed sign-ins for 30 minutes, counted per account and per account from one
# address; never per address alone, or one office behind a shared NAT could lock every officer out.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "customs_feedback.organization.security.locked_out"
AXES_VERBOSE = False
# Staff sessions end after 30 idle minutes and at most 10 hours after sign-in (a working day).
STAFF_SESSION_IDLE_TIMEOUT = timedelta(minutes=_read(env.int, "STAFF_SESSION_IDLE_MINUTES", default=30))
STAFF_SESSION_MAX_AGE = timedelta(hours=10)
SESSION_COOKIE_AGE = 10 * 3600
OTP_TOTP_ISSUER = "Hai Quan Hai Phong"

# --- Internationalisation: Vietnamese first -------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "customs_feedback" / "static"]
# Uploads (inquiry attachments, certificates) are private: served only through views that check access.
MEDIA_ROOT = _read(env.path, "MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not TESTING
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = _read(env.str, "EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = _read(env.path, "EMAIL_FILE_PATH", default=VAR_DIR / "mail")
EMAIL_HOST = _read(env.str, "EMAIL_HOST", default="localhost")
EMAIL_PORT = _read(env.int, "EMAIL_PORT", default=25)
EMAIL_HOST_USER = _read(env.str, "EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = _read(env.str, "EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = _read_flag("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = _read(env.int, "EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = _read(env.str, "DEFAULT_FROM_EMAIL", default="Hải quan Hải Phòng <no-reply@haiquan.example.vn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = _read(env.str, "CELERY_BROKER_URL", default="")
# Without a broker the system runs embedded: tasks run in-process right after the commit that queued them,
# and the in-memory transport keeps Celery from ever dialling a default AMQP server.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_DEFAULT_QUEUE = _read(env.str, "CELERY_QUEUE", default="customs_feedback")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# A task is acknowledged only after it finished, and handed back if its worker died: at-least-once.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_MAX_RETRY_DELAY = 3600
# Redis redelivers an unacknowledged message after the visibility timeout: it must exceed the longest
# countdown a retry schedules and the longest a task may run, or a waiting retry would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * CELERY_TASK_MAX_RETRY_DELAY,
    "socket_connect_timeout": 5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# When Redis is down a request gives up publishing quickly; the outbox sweep sends the task later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# Celery's Django fixup closes every database connection before and after each task unless this is
# set, which cost each task a new PostgreSQL connection (half its time in the worker). With it set
# beyond reach, customs_feedback/celery.py applies Django's own per-request rules around each task
# instead: CONN_MAX_AGE, CONN_HEALTH_CHECKS, and closing a connection left broken or mid-transaction.
CELERY_DB_REUSE_MAX = sys.maxsize
# Monitoring events cost three extra broker writes per task; enable them when watching (celery -E).
CELERY_WORKER_SEND_TASK_EVENTS = False
# Periodic jobs; each app adds its own entries in its AppConfig.ready().
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "core-worker-heartbeat": {"task": "core.worker_heartbeat", "schedule": timedelta(minutes=1)},
    "notifications-sweep": {"task": "notifications.sweep", "schedule": timedelta(minutes=1)},
}

# --- Notifications (outbox) -----------------------------------------------------------------
# A sending worker holds a notice for this long; longer than the task time limit, so only a dead
# worker's lease ever expires.
NOTIFICATION_LEASE_SECONDS = _read(env.int, "NOTIFICATION_LEASE_SECONDS", default=600)
NOTIFICATION_MAX_ATTEMPTS = 8
NOTIFICATION_RETRY_BASE_SECONDS = _read(env.int, "NOTIFICATION_RETRY_BASE_SECONDS", default=30)
# The sweep leaves a pending notice alone this long past its due time: its own task may be on the way.
NOTIFICATION_SWEEP_GRACE_SECONDS = _read(env.int, "NOTIFICATION_SWEEP_GRACE_SECONDS", default=60)
NOTIFICATION_SWEEP_BATCH = 1000

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["customs_feedback.inputs.SafeJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "customs_feedback.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "public_submit": _read(env.str, "THROTTLE_PUBLIC_SUBMIT", default="20/hour"),
        "api_client": _read(env.str, "THROTTLE_API_CLIENT", default="100000/hour"),
        "public_lookup": _read(env.str, "THROTTLE_PUBLIC_LOOKUP", default="120/hour"),
    },
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")
API_KEY_CUSTOM_HEADER = "HTTP_AUTHORIZATION"
# JSON bodies (customs_feedback.inputs): 1000 declarations take about 250 kB; nothing needs 20 levels.
API_JSON_MAX_BYTES = _read(env.int, "API_JSON_MAX_BYTES", default=2 * 1024 * 1024)
API_JSON_MAX_DEPTH = 20

SPECTACULAR_SETTINGS = {
    "TITLE": "customs_feedback API",
    "DESCRIPTION": "Customs–Business partnership, service ratings and inquiries (Hai Phong Customs).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Two choice sets share the field name "reason": a low score's reason and a rejection's reason.
    "ENUM_NAME_OVERRIDES": {
        "LowScoreReasonEnum": "ratings.models.LowScoreReason",
        "RejectionReasonEnum": "ratings.models.RejectionReason",
    },
    # Operations without an explicit tag are grouped by their first path segment after /api/v1/.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "TAGS": [
        {"name": "Partnerships", "description": "Signing the Customs–Business partnership agreement"},
        {"name": "Ratings", "description": "Declarations from the clearance feed, ratings, statistics"},
        {"name": "Inquiries", "description": "Questions about customs procedures and their answers"},
        {"name": "FAQ", "description": "Published questions and answers"},
        {"name": "Enterprise", "description": "The enterprise portal: sign-in, the company's declarations and ratings"},
    ],
}

# --- Cache ----------------------------------------------------------------------------------
CACHE_URL = _read(env.str, "CACHE_URL", default="locmemcache://")
CACHES = {"default": environ.Env.cache_url_config(CACHE_URL)}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # A down or hung Redis must cost a request milliseconds, not a minute: throttles then count locally.
    CACHES["default"].setdefault("OPTIONS", {}).update({"socket_connect_timeout": 0.5, "socket_timeout": 0.5})

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _read_flag("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Health probes from the container runtime speak plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _read(env.int, "DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # The Django admin and Swagger UI set a few inline style attributes.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _read(env.str, "LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Product rules (defaults; apps read these) ----------------------------------------------
DEPARTMENT_NAME = _("Hai Phong Customs Department")

# --- Partnerships ---------------------------------------------------------------------------
# The emailed confirmation link of a signed agreement is single-use and expires after this many hours.
PARTNERSHIP_CONFIRM_LINK_HOURS = _read(env.int, "PARTNERSHIP_CONFIRM_LINK_HOURS", default=48)
CELERY_BEAT_SCHEDULE["partnerships-expire-unconfirmed"] = {
    "task": "partnerships.expire_unconfirmed",
    "schedule": timedelta(minutes=15),
}
# WeasyPrint and fontTools log every rendering step at INFO.
LOGGING["loggers"].update({"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}})

# --- Signatures (issue 13): PAdES seal of certificates, enterprises' signed MoUs -------------------
# The department seals every certificate with the PKCS#12 below. Unset in the embedded default (debug,
# tests): a demo CA and seal are generated once under var/signing/ and marked as a demo wherever shown.
CERTIFICATE_SIGNING = _read_flag("CERTIFICATE_SIGNING", default=True)
CERTIFICATE_SIGNING_P12 = _read(env.str, "CERTIFICATE_SIGNING_P12", default="")
CERTIFICATE_SIGNING_PASSWORD = _read(env.str, "CERTIFICATE_SIGNING_PASSWORD", default="")
CERTIFICATE_SIGNING_DEMO_DIR = VAR_DIR / "signing"
CERTIFICATE_TSA_URL = _read(env.str, "CERTIFICATE_TSA_URL", default="")  # set: PAdES B-T, else B-B
# PEM bundle of the CAs trusted for enterprises' signatures (the national root and its licensed CAs).
SIGNATURE_TRUST_ROOTS = _read(env.str, "SIGNATURE_TRUST_ROOTS", default="")
if CERTIFICATE_SIGNING and not CERTIFICATE_SIGNING_P12 and not DEBUG:
    raise ConfigurationError(
        "CERTIFICATE_SIGNING_P12 is required when DJANGO_DEBUG is off (or set CERTIFICATE_SIGNING=off)"
    )
for _signing_file in ("CERTIFICATE_SIGNING_P12", "SIGNATURE_TRUST_ROOTS"):
    if globals()[_signing_file] and not Path(globals()[_signing_file]).is_file():
        raise ConfigurationError(f"{_signing_file}: no such file: {globals()[_signing_file]}")
THROTTLE_SIGNATURE_VERIFY = _read(env.str, "THROTTLE_SIGNATURE_VERIFY", default="30/hour")
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["signature_verify"] = THROTTLE_SIGNATURE_VERIFY
SIGNED_AGREEMENT_MAX_BYTES = 10 * 1024 * 1024

# --- Inquiries (complaints app) -------------------------------------------------------------
INQUIRY_MAX_ATTACHMENTS = 5
INQUIRY_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Every attachment is parsed whole as the type it claims (complaints/filetypes.py), within these bounds.
ATTACHMENT_MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel scan; larger "images" are decompression bombs
ATTACHMENT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a DOCX/XLSX unpacked
ATTACHMENT_MAX_COMPRESSION_RATIO = 100  # per ZIP entry; Office XML compresses about 10:1
# An answered inquiry nobody replies to is closed after this many days.
INQUIRY_QUIET_DAYS = _read(env.int, "INQUIRY_QUIET_DAYS", default=14)
# Overdue inquiries are escalated to the branch leader this many working days past the due date.
INQUIRY_ESCALATE_AFTER_DAYS = _read(env.int, "INQUIRY_ESCALATE_AFTER_DAYS", default=2)
INQUIRY_DUE_SOON_DAYS = 2
# The portal form's own per-address limit (the API uses the public_submit throttle).
INQUIRY_PORTAL_RATE = _read(env.str, "THROTTLE_INQUIRY_PORTAL", default="10/hour")
CELERY_BEAT_SCHEDULE["complaints-close-quiet"] = {"task": "complaints.close_quiet", "schedule": timedelta(hours=1)}
CELERY_BEAT_SCHEDULE["complaints-remind-overdue"] = {
    "task": "complaints.remind_overdue",
    "schedule": timedelta(hours=6),
}

# --- Ratings (ratings app) ------------------------------------------------------------------
RATING_WINDOW_DAYS = _read(env.int, "RATING_WINDOW_DAYS", default=30)  # ratings accepted this long after clearance
RATING_MIN_SAMPLE = _read(env.int, "RATING_MIN_SAMPLE", default=5)  # an official's scores shown from this many
RATING_INVITATION_SAMPLE_RATE = _read(env.float, "RATING_INVITATION_SAMPLE_RATE", default=1.0)
RATING_INVITATION_MIN_INTERVAL_HOURS = _read(env.int, "RATING_INVITATION_MIN_INTERVAL_HOURS", default=24)
RATING_FOLLOWUP_WORKING_DAYS = _read(env.int, "RATING_FOLLOWUP_WORKING_DAYS", default=10)
RATING_FOLLOWUP_ESCALATE_AFTER_WORKING_DAYS = _read(env.int, "RATING_FOLLOWUP_ESCALATE_AFTER_WORKING_DAYS", default=3)
RATING_ROLLUP_REBUILD_DAYS = _read(env.int, "RATING_ROLLUP_REBUILD_DAYS", default=45)
CELERY_BEAT_SCHEDULE["ratings-rollup-rebuild"] = {"task": "ratings.rollup_rebuild", "schedule": timedelta(hours=1)}
CELERY_BEAT_SCHEDULE["ratings-followup-overdue"] = {"task": "ratings.cases_overdue", "schedule": timedelta(hours=1)}
# Trust loop (issue 11): deadlines in Vietnamese working days, ranking prior, gaming-pattern thresholds.
RATING_CONTEST_WORKING_DAYS = _read(env.int, "RATING_CONTEST_WORKING_DAYS", default=5)  # to contest a rejection
RATING_EXPLANATION_WORKING_DAYS = _read(env.int, "RATING_EXPLANATION_WORKING_DAYS", default=5)  # official's say
RATING_APPEAL_WORKING_DAYS = _read(env.int, "RATING_APPEAL_WORKING_DAYS", default=5)  # to appeal a conclusion
RATING_RANKING_PRIOR_WEIGHT = _read(env.int, "RATING_RANKING_PRIOR_WEIGHT", default=10)  # ratings' worth of mean
RATING_GAMING_REPEATED_LOW = 3  # low ratings of one official by one enterprise within RATING_GAMING_WINDOW_DAYS
RATING_GAMING_WINDOW_DAYS = 7
RATING_GAMING_SHARED_CONTACT_TOP = 3  # top scores to one official from enterprises sharing a contact, in 24 h
RATING_GAMING_CLIENT_SURGE_FACTOR = 5  # an API client's last hour above this many times its usual hourly rate
RATING_GAMING_CLIENT_SURGE_MIN = 20  # ... and at least this many ratings in that hour
CELERY_BEAT_SCHEDULE["ratings-gaming-scan"] = {"task": "ratings.gaming_scan", "schedule": timedelta(hours=1)}
CELERY_BEAT_SCHEDULE["ratings-invitations"] = {
    "task": "ratings.invitations_catch_up",
    "schedule": timedelta(minutes=15),
}

# --- Operations (issue 14): metrics, JSON logs, Sentry ----------------------------------------
# One block, kept apart from the database and logging sections above so those can change without
# touching it; it only adds to what they set.
INSTALLED_APPS.append("django_prometheus")
# Request counts and latencies (django-prometheus): the first and the last middleware, so they time everything.
MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "customs_feedback.core.observability.RequestIdMiddleware")  # fmt: skip
MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
# Query counts, durations and errors per database: the same backends, instrumented.
DATABASES["default"]["ENGINE"] = DATABASES["default"]["ENGINE"].replace(
    "django.db.backends.", "django_prometheus.db.backends."
)
# /metrics (and /healthz/?full=1) answer `Authorization: Bearer $METRICS_TOKEN`, or /metrics any
# address in METRICS_ALLOWED_ADDRESSES (comma-separated addresses or networks, e.g. 172.16.0.0/12).
METRICS_TOKEN = _read(env.str, "METRICS_TOKEN", default="")
try:
    import ipaddress

    METRICS_ALLOWED_NETWORKS = [
        ipaddress.ip_network(address, strict=False)
        for address in _read(env.list, "METRICS_ALLOWED_ADDRESSES", default=[])
    ]
except ValueError as error:
    raise ConfigurationError(f"METRICS_ALLOWED_ADDRESSES: {error}") from error
if not DEBUG:
    SECURE_REDIRECT_EXEMPT.append(r"^metrics$")  # Prometheus scrapes plain HTTP inside the network

# LOG_FORMAT=json: one JSON object per line with request_id, user_id (staff, numeric) and task_id.
LOG_FORMAT = _read(env.str, "LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise ConfigurationError(f"LOG_FORMAT: expected text or json, got {LOG_FORMAT!r}")
LOGGING["filters"] = {"context": {"()": "customs_feedback.core.observability.ContextFilter"}}
LOGGING["handlers"]["console"]["filters"] = ["context"]
LOGGING["formatters"]["json"] = {"()": "customs_feedback.core.observability.JsonFormatter"}
if LOG_FORMAT == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"
    # The worker logs through these handlers too, instead of Celery's own plain-text ones.
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False
    # Django's own "django" logger prints plain text in debug: one format on the stream.
    LOGGING["loggers"]["django"] = {"handlers": ["console"], "level": "INFO", "propagate": False}
else:
    # Per-request lines are for the JSON stream; runserver and gunicorn already print an access log.
    LOGGING["loggers"]["customs_feedback.request"] = {"level": "WARNING"}

# SENTRY_DSN: error reports from web and worker, without personal data (core/observability.py).
SENTRY_DSN = _read(env.str, "SENTRY_DSN", default="")
if SENTRY_DSN and not TESTING:
    from customs_feedback.core.observability import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=_read(env.str, "SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=_read(env.float, "SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# --- Enterprise portal (issue 12) -----------------------------------------------------------
ENTERPRISE_SIGN_IN_CODE_MINUTES = 10  # an emailed sign-in code works this long
ENTERPRISE_SIGN_IN_CODE_ATTEMPTS = 5  # wrong codes before the code is dead
# Sign-in requests (codes sent or verified) per hour, per email address and per tax code.
ENTERPRISE_SIGN_IN_PER_ADDRESS_HOURLY = _read(env.int, "ENTERPRISE_SIGN_IN_PER_ADDRESS_HOURLY", default=10)
ENTERPRISE_SIGN_IN_PER_TAX_CODE_HOURLY = _read(env.int, "ENTERPRISE_SIGN_IN_PER_TAX_CODE_HOURLY", default=30)
ENTERPRISE_SESSION_HOURS = 10  # a portal session or an API token lasts this long
ENTERPRISE_INVITATION_DAYS = 7
CELERY_BEAT_SCHEDULE["ratings-daily-digest"] = {
    "task": "ratings.daily_digests",
    "schedule": crontab(hour=17, minute=30),
}

# --- Personal data retention (customs_feedback/core/privacy.py; each app's privacy.py) --------------
# Days after which personal data that is no longer needed is anonymised by the daily purge.
RETENTION_NETWORK_DAYS = _read(env.int, "RETENTION_NETWORK_DAYS", default=180)  # submitters' IPs, user agents
RETENTION_CLOSED_INQUIRY_DAYS = _read(env.int, "RETENTION_CLOSED_INQUIRY_DAYS", default=730)  # contact, files
RETENTION_UNCONFIRMED_SIGNING_DAYS = _read(env.int, "RETENTION_UNCONFIRMED_SIGNING_DAYS", default=30)
RETENTION_NOTIFICATION_BODY_DAYS = _read(env.int, "RETENTION_NOTIFICATION_BODY_DAYS", default=90)
CELERY_BEAT_SCHEDULE["core-retention-purge"] = {"task": "core.retention_purge", "schedule": timedelta(days=1)}
# Staff workspace (issue 16): a changelist export longer than this runs as a background job.
EXPORT_INLINE_MAX_ROWS = _read(env.int, "EXPORT_INLINE_MAX_ROWS", default=5000)
CELERY_BEAT_SCHEDULE["core-monthly-report"] = {
    "task": "core.monthly_report",
    "schedule": crontab(minute=0, hour=7, day_of_month="1-3"),
}
# Vietnamese dates as written in Vietnam, short enough for the admin lists (customs_feedback/formats/vi).
FORMAT_MODULE_PATH = ["customs_feedback.formats"]
