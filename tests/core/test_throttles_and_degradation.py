"""Public lookups are throttled; a cache outage degrades throttling instead of failing submissions."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from complaints.models import Inquiry
from customs_feedback import throttling
from customs_feedback.notifications.models import Notification
from customs_feedback.throttling import _local_counts
from tests.core.test_input_gate import INQUIRY

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}
LOOKUPS = "Too many lookups from your address. Please try again later."


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    _local_counts.clear()
    yield
    cache.clear()
    _local_counts.clear()
    throttling._cache_down_since = None  # the outage these tests stage is over


@pytest.fixture
def lookup_rate(settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public_lookup": "3/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    from rest_framework.throttling import SimpleRateThrottle

    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates  # DRF reads its settings once, at import
    yield
    SimpleRateThrottle.THROTTLE_RATES = original


def test_the_tracking_api_is_throttled_per_address(lookup_rate):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    answers = [api.get("/api/v1/inquiries/VM-2345-6789/?email=a@example.vn") for _n in range(4)]

    assert [answer.status_code for answer in answers] == [404, 404, 404, 429]
    assert answers[-1].json() == {"detail": LOOKUPS}
    assert answers[-1]["Retry-After"]


def test_the_tracking_form_is_throttled_per_address(client, lookup_rate):
    form = {"tracking_code": "VM-2345-6789", "email": "a@example.vn"}
    answers = [client.post("/inquiries/track/", form, HTTP_ACCEPT_LANGUAGE="en") for _n in range(4)]

    assert [answer.status_code for answer in answers] == [404, 404, 404, 429]
    assert LOOKUPS in answers[-1].content.decode()


def test_the_verification_page_is_throttled_per_address(client, lookup_rate):
    answers = [client.get("/partnerships/verify/MOU-AAAAAAAA/", HTTP_ACCEPT_LANGUAGE="en") for _n in range(4)]

    assert [answer.status_code for answer in answers] == [404, 404, 404, 429]
    assert LOOKUPS in answers[-1].content.decode()


def test_with_the_cache_down_a_submission_is_stored_and_throttling_counts_locally(settings, caplog, admin_client):
    settings.CACHES = DEAD_REDIS
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")

    with caplog.at_level(logging.WARNING, logger="customs_feedback.throttling"):
        response = api.post("/api/v1/inquiries/", INQUIRY, format="json")

    assert response.status_code == 201, response.json()
    assert Inquiry.objects.filter(tracking_code=response.json()["tracking_code"]).exists()
    assert Notification.objects.filter(kind="inquiry_acknowledged").count() == 1
    assert "throttle cache unreachable" in caplog.text
    assert api.get("/healthz/").json()["cache"] == "degraded"
    health = admin_client.get("/healthz/?full=1").json()
    assert health["components"]["cache"]["status"] == "degraded" and health["components"]["database"]["status"] == "ok"


def test_the_local_count_still_enforces_the_limit(client, settings):
    settings.CACHES = DEAD_REDIS
    settings.INQUIRY_PORTAL_RATE = "2/hour"

    answers = [client.post("/inquiries/", {**INQUIRY, "website": ""}) for _n in range(3)]

    assert [answer.status_code for answer in answers] == [302, 302, 429]
    assert Inquiry.objects.count() == 2


def test_the_full_health_report_shows_the_cache_degraded_not_failing(admin_client, settings):
    settings.CACHES = DEAD_REDIS

    report = admin_client.get("/healthz/?full=1").json()

    assert report["components"]["cache"]["status"] == "degraded"
    assert report["components"]["cache"]["throttles"] == "per process"
    assert report["components"]["database"]["status"] == "ok"
