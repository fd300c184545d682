"""Secret key and hosts, staff sign-in (axes lockout, OTP, session limits), cookies, HTTPS and CSP."""

from __future__ import annotations

from datetime import timedelta

from csp.constants import NONE, SELF

from customs_feedback.config import ConfigurationError
from customs_feedback.settings.environment import DEBUG, _read, _read_flag, env

SECRET_KEY = _read(env.str, "DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigurationError("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105 - never used in production

ALLOWED_HOSTS = _read(env.list, "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ConfigurationError("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is off")
CSRF_TRUSTED_ORIGINS = _read(env.list, "DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

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

# --- Cookies, headers, HTTPS ----------------------------------------------------------------
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
    # Health probes from the container runtime, and Prometheus scraping /metrics, speak plain HTTP
    # inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^metrics$"]
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
