"""/healthz/?full=1: every component check with ok / degraded / failing, for staff or the metrics token."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from customs_feedback.core import health
from customs_feedback.core.health import DEGRADED, FAILING, OK, Check, component_check
from customs_feedback.core.models import Heartbeat
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-the-health-tests"


@pytest.fixture(autouse=True)
def embedded(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.METRICS_TOKEN = TOKEN


@pytest.fixture
def extra_check(monkeypatch):
    """Register a check for one test only, as another component (or app) would."""
    monkeypatch.setattr(health, "_checks", dict(health._checks))

    def register(name, result, *, critical=False):
        component_check(name, critical=critical)(lambda: result() if callable(result) else result)

    return register


def full(client, **headers):
    return client.get("/healthz/", {"full": "1"}, **headers)


def components(client) -> dict:
    response = full(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code in {200, 503}
    return response.json()["components"]


def run_every_periodic_job():
    call_command("run_periodic_jobs", "--once")


def test_the_full_report_is_refused_to_anonymous_callers(client):
    response = full(client)

    assert response.status_code == 403
    assert response.json() == {"detail": "Báo cáo tình trạng đầy đủ chỉ dành cho cán bộ hoặc mã truy cập giám sát."}


def test_the_full_report_is_refused_to_a_signed_in_non_staff_user_and_a_wrong_token(client):
    assert full(client, HTTP_AUTHORIZATION="Bearer not-the-token").status_code == 403
    client.force_login(UserFactory(is_staff=False))
    assert full(client).status_code == 403


def test_staff_read_every_component_after_the_periodic_jobs_ran(client, settings):
    client.force_login(UserFactory(is_staff=True))
    run_every_periodic_job()

    response = full(client)

    assert response.status_code == 200
    report = response.json()
    assert report["status"] == OK, report
    expected = {"database", "broker", "cache", "worker_heartbeat", "outbox"} | {
        f"periodic_job:{name}" for name in settings.CELERY_BEAT_SCHEDULE
    }
    assert set(report["components"]) == expected
    assert all(component["status"] == OK for component in report["components"].values())
    assert report["components"]["outbox"]["pending"] == 0
    assert report["components"]["periodic_job:notifications-sweep"]["result"] == "ok"


def test_the_plain_answer_stays_the_short_one(client):
    assert set(client.get("/healthz/", {"full": "0"}).json()) <= {"status", "database", "broker", "cache", "heartbeats"}


def test_without_a_worker_heartbeat_the_worker_is_failing_and_the_system_degraded(client):
    response = full(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200  # the site still serves; the operator is told
    assert response.json()["status"] == DEGRADED
    assert response.json()["components"]["worker_heartbeat"] == {"status": FAILING, "age_seconds": None} | {
        "check_ms": response.json()["components"]["worker_heartbeat"]["check_ms"]
    }


@pytest.mark.parametrize(("minutes_ago", "expected"), [(1, OK), (5, DEGRADED), (15, FAILING)])
def test_the_worker_heartbeat_ages(client, minutes_ago, expected):
    Heartbeat.objects.create(component="worker", last_seen=timezone.now() - timedelta(minutes=minutes_ago))

    assert components(client)["worker_heartbeat"]["status"] == expected


def test_a_periodic_job_that_never_ran_or_failed_is_degraded(client, monkeypatch):
    from customs_feedback.notifications import tasks

    def broken_sweep(**kwargs):
        raise RuntimeError("sweep broke")

    run_every_periodic_job()
    monkeypatch.setattr(tasks, "notifications_sweep", broken_sweep)
    run_every_periodic_job()
    Heartbeat.objects.filter(component="job:ratings.rollup_rebuild").delete()

    found = components(client)
    assert found["periodic_job:notifications-sweep"]["status"] == DEGRADED
    assert found["periodic_job:notifications-sweep"]["result"] == "failed: RuntimeError"
    assert found["periodic_job:ratings-rollup-rebuild"] == {"status": DEGRADED, "last_run": None} | {
        "check_ms": found["periodic_job:ratings-rollup-rebuild"]["check_ms"]
    }


@pytest.mark.parametrize(("minutes_ago", "expected"), [(3, OK), (20, DEGRADED), (120, FAILING)])
def test_a_periodic_job_that_stopped_running_turns_degraded_then_failing(client, minutes_ago, expected):
    run_every_periodic_job()
    Heartbeat.objects.filter(component="job:notifications.sweep").update(
        last_seen=timezone.now() - timedelta(minutes=minutes_ago)
    )  # the sweep runs every minute

    assert components(client)["periodic_job:notifications-sweep"]["status"] == expected


def test_an_outbox_notice_left_unsent_degrades_then_fails(client):
    from customs_feedback.notifications.models import Notification

    notice = Notification.objects.create(
        kind="inquiry_acknowledged",
        recipient="dn@example.vn",
        language="vi",
        subject="s",
        body_text="b",
        idempotency_key="health-1",
        next_attempt_at=timezone.now() - timedelta(minutes=10),
    )
    found = components(client)["outbox"]
    assert (found["status"], found["pending"]) == (DEGRADED, 1)
    assert found["overdue_seconds"] >= 9 * 60

    Notification.objects.filter(pk=notice.pk).update(next_attempt_at=timezone.now() - timedelta(hours=1))
    assert components(client)["outbox"]["status"] == FAILING


def test_a_failing_critical_component_answers_503(client, extra_check):
    extra_check("search_index", Check(FAILING, {"error": "down"}), critical=True)

    response = full(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 503
    assert response.json()["status"] == FAILING
    assert response.json()["components"]["search_index"]["error"] == "down"


def test_a_failing_non_critical_component_degrades_the_report_with_200(client, extra_check):
    run_every_periodic_job()
    extra_check("sms_gateway", Check(FAILING))

    response = full(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert response.json()["status"] == DEGRADED


def test_a_check_that_raises_reports_its_component_failing_and_the_others_still(client, extra_check):
    def broken():
        raise ConnectionRefusedError("nobody listens")

    extra_check("archive", broken)

    found = components(client)
    assert found["archive"]["status"] == FAILING
    assert found["archive"]["error"] == "ConnectionRefusedError"
    assert found["database"]["status"] == OK


def test_an_unreadable_cache_is_degraded(client, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(cache, "get", lambda key, default=None: None)

    assert components(client)["cache"]["status"] == DEGRADED


def test_an_unreachable_broker_fails_the_full_report(client, settings, monkeypatch):
    from customs_feedback.celery import app as celery_app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = full(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 503
    assert response.json()["components"]["broker"]["status"] == FAILING


def test_check_results_must_use_the_three_statuses():
    with pytest.raises(ValueError, match="unknown health status 'unavailable'"):
        Check("unavailable")
