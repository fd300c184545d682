"""Outgoing mail (files under var/mail/ when embedded) and the notification outbox that sends it."""

from __future__ import annotations

from customs_feedback.settings.environment import VAR_DIR, _read, _read_flag, env

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

# --- Notifications (outbox) -----------------------------------------------------------------
# A sending worker holds a notice for this long; longer than the task time limit, so only a dead
# worker's lease ever expires.
NOTIFICATION_LEASE_SECONDS = _read(env.int, "NOTIFICATION_LEASE_SECONDS", default=600)
NOTIFICATION_MAX_ATTEMPTS = 8
NOTIFICATION_RETRY_BASE_SECONDS = _read(env.int, "NOTIFICATION_RETRY_BASE_SECONDS", default=30)
# The sweep leaves a pending notice alone this long past its due time: its own task may be on the way.
NOTIFICATION_SWEEP_GRACE_SECONDS = _read(env.int, "NOTIFICATION_SWEEP_GRACE_SECONDS", default=60)
NOTIFICATION_SWEEP_BATCH = 1000
