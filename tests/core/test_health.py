from unittest import mock

import pytest
from django.db import OperationalError, connections

from customs_feedback.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_the_database_answers_in_embedded_mode(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == "eager"


def test_healthz_answers_503_when_the_broker_is_unreachable(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Celery reads the broker URL from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/healthz/")

    assert response.status_code == 503
    assert response.json() | {"heartbeats": None} == {
        "status": "unavailable",
        "database": "ok",
        "broker": "unavailable",
        "cache": "ok",
        "heartbeats": None,
    }


def test_healthz_answers_503_when_the_database_fails(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("gone")):
        response = client.get("/healthz/")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "broker": "eager", "cache": "ok"}


def test_healthz_reports_the_last_worker_heartbeat(client, settings):
    from customs_feedback.core.tasks import worker_heartbeat

    settings.CELERY_TASK_ALWAYS_EAGER = True
    worker_heartbeat.delay()

    assert "worker" in client.get("/healthz/").json()["heartbeats"]


def test_healthz_does_not_accept_writes(client):
    assert client.post("/healthz/").status_code == 405


@pytest.mark.integration
def test_healthz_is_ok_against_the_real_redis(client, settings, real_broker):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    response = client.get("/healthz/")

    assert response.status_code == 200, response.json()
    assert response.json()["broker"] == "ok"
