"""Shared fixtures. Unit tests run Celery tasks in-process; integration tests use the real services.

A test that needs PostgreSQL, Redis or a Celery worker fails when they are missing and CI is set
(CI=true, as `.ci/run` runs); on a developer machine without them it is skipped, saying why.
"""

from __future__ import annotations

import os
import uuid

import pytest
from django.conf import global_settings, settings

from customs_feedback.celery import app as celery_app

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Passwords set in tests are hashed with a fast hasher, as Django's own test-speed advice says: the
# production PBKDF2 (a million iterations) took about a third of a second a user, and the suite creates
# hundreds. The production hashers stay listed after it, so their hashes still verify; a test whose
# passwords a separate server process must check switches back (`production_password_hashers`).
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *global_settings.PASSWORD_HASHERS]

# Every test run consumes its own queue, so a worker left running elsewhere against the same
# Redis never takes a test's task (nor a test worker someone else's).
TEST_QUEUE = f"customs-feedback-test-{uuid.uuid4().hex[:10]}"
celery_app.conf.task_default_queue = TEST_QUEUE
celery_app.conf.task_always_eager = True


def require_service(available: bool, reason: str) -> None:
    """Fail in CI, skip elsewhere, when a real service the test needs is not there."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must run against the real services)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def production_password_hashers(settings):
    """Hash with the production hashers, for passwords a server process started by the test checks."""
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


@pytest.fixture
def require_postgresql():
    from django.db import connection

    require_service(connection.vendor == "postgresql", "needs DATABASE_URL pointing at PostgreSQL")


@pytest.fixture
def redis_broker_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    reachable = False
    if url.startswith("redis://"):
        import redis

        try:
            reachable = bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
        except redis.RedisError:
            reachable = False
    require_service(reachable, "needs CELERY_BROKER_URL pointing at a reachable Redis")
    return url


@pytest.fixture
def real_broker(redis_broker_url):
    """Send tasks to the real Redis for the duration of the test, not in-process."""
    celery_app.conf.task_always_eager = False
    yield redis_broker_url
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def reference_caches_empty():
    """Each test starts with the inquiry categories and the working calendar read afresh: a test's rows
    roll back behind the signals that would otherwise empty those caches (customs_feedback/caching.py)."""
    from customs_feedback.caching import reference_caches_clear

    reference_caches_clear()
    yield
    reference_caches_clear()


@pytest.fixture(autouse=True)
def force_login_completes_two_factor(monkeypatch):
    """`client.force_login` skips the password, so it skips the authenticator code too: the session is
    verified with a confirmed device for accounts that require one. The sign-in form itself, with its
    codes, is tested in tests/organization/test_staff_security.py."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from customs_feedback.organization.security import requires_two_factor

        if requires_two_factor(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
                user=user, name="test", confirmed=True
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


# Real-worker fixtures, for any test folder (imported here so pytest finds them everywhere).
from tests.workers import celery_worker_process, start_worker  # noqa: E402, F401
