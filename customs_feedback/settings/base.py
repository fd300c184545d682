"""Apps, middleware, URLs, templates, language and time zone, static and uploaded files."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from customs_feedback.settings.environment import BASE_DIR, DEBUG, TESTING, VAR_DIR, _read, env

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
    "django_prometheus",
]

MIDDLEWARE = [
    # The API-key paths go through the middlewares below minus BROWSER_ONLY_MIDDLEWARE (see browser_middleware).
    "customs_feedback.core.browser_middleware.ApiKeyPathsMiddleware",
    # Request counts and latencies (django-prometheus's series): first after the fork, so it times all the others.
    "customs_feedback.core.request_metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "customs_feedback.core.csp.CSPMiddleware",  # django-csp's, the unchanged header built once
    "django.contrib.sessions.middleware.SessionMiddleware",
    "customs_feedback.core.language.LocaleMiddleware",  # Django's, reading no language from our URLs (none has one)
    "customs_feedback.inputs.InputGateMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "customs_feedback.core.observability.RequestIdMiddleware",  # after authentication: it logs the user id
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "customs_feedback.organization.security.StaffSessionMiddleware",
    "partnerships.middleware.EnterpriseMemberMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]
# Left out on the paths of the views that take an API key alone (customs_feedback.core.browser_middleware): they
# serve a browser, and those views read no session, user, device or message and are exempt from CSRF.
BROWSER_ONLY_MIDDLEWARE = [
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "customs_feedback.organization.security.StaffSessionMiddleware",
    "partnerships.middleware.EnterpriseMemberMiddleware",
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

# --- Internationalisation: Vietnamese first -------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Vietnamese dates as written in Vietnam, short enough for the admin lists (customs_feedback/formats/vi).
FORMAT_MODULE_PATH = ["customs_feedback.formats"]

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
