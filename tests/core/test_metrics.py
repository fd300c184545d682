"""/metrics: Prometheus text for the metrics token or an allowed address, with the system's own gauges."""

import re
from unittest import mock

import pytest
from django.db import DatabaseError, connection, transaction

from customs_feedback.notifications.services import notify
from tests.notifications.conftest import sample_context

pytestmark = pytest.mark.django_db

TOKEN = "a-long-random-metrics-token-for-tests"


@pytest.fixture(autouse=True)
def metrics_settings(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []
    return settings


def scrape(client) -> dict[str, float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        name: float(value)
        for name, value in re.findall(r"^(customs_feedback_\w+) (\S+)$", response.content.decode(), re.MULTILINE)
    }


def queue_a_notice(key: str):
    return notify(
        kind="inquiry_acknowledged",
        recipient="dn@example.vn",
        language="vi",
        context=sample_context("inquiry_acknowledged"),
        idempotency_key=key,
    )


def test_the_outbox_gauges_move_when_a_notice_is_queued_and_then_sent(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    before = scrape(client)
    assert before["customs_feedback_outbox_pending"] == 0
    assert before["customs_feedback_outbox_oldest_pending_seconds"] == 0

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_a_notice("metrics-1")
    queued = scrape(client)  # written, its delivery not yet run
    assert queued["customs_feedback_outbox_pending"] == 1
    assert queued["customs_feedback_outbox_oldest_pending_seconds"] >= 0

    for callback in callbacks:
        callback()  # the delivery task, in-process
    sent = scrape(client)
    assert len(mailoutbox) == 1
    assert sent["customs_feedback_outbox_pending"] == 0
    assert sent["customs_feedback_outbox_failed"] == 0


def test_a_notice_given_up_on_counts_as_failed(client, django_capture_on_commit_callbacks, monkeypatch):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"dn@example.vn": (550, b"no such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        queue_a_notice("metrics-2")

    assert scrape(client)["customs_feedback_outbox_failed"] == 1


def test_the_oldest_pending_age_is_measured_from_when_the_notice_was_queued(client):
    from datetime import timedelta

    from django.utils import timezone

    from customs_feedback.notifications.models import Notification

    with transaction.atomic():
        notification = queue_a_notice("metrics-3")
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    # Delivery ran at commit (tasks are eager); put it back in the queue as if it waited there.
    Notification.objects.filter(pk=notification.pk).update(status="pending")

    assert scrape(client)["customs_feedback_outbox_oldest_pending_seconds"] == pytest.approx(600, abs=5)


def test_metrics_include_the_heartbeat_and_the_apps_gauges(client):
    from customs_feedback.core.tasks import worker_heartbeat

    worker_heartbeat.delay()
    figures = scrape(client)

    assert 0 <= figures["customs_feedback_worker_heartbeat_age_seconds"] < 60
    for name in ["followup_cases_overdue", "inquiries_overdue", "certificates_waiting", "certificates_unsealed",
                 "gauge_errors"]:  # fmt: skip
        assert figures[f"customs_feedback_{name}"] == 0


def test_metrics_include_django_prometheus_request_and_database_metrics(client):
    client.get("/healthz/")
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()

    assert "django_http_requests_total_by_view_transport_method_total" in text
    assert "django_db_execute_total" in text


@pytest.mark.parametrize(
    ("authorization", "why"),
    [
        ("", "no token"),
        ("Bearer wrong-token", "a wrong token"),
        (f"Token {TOKEN}", "the right token under another scheme"),
        (f"Bearer {TOKEN}x", "a longer token"),
    ],
)
def test_metrics_are_refused_without_the_token(client, authorization, why):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    response = client.get("/metrics", **headers)

    assert response.status_code == 403, why
    assert response.json() == {"detail": "Số liệu giám sát chỉ dành cho mã truy cập giám sát hoặc địa chỉ được phép."}
    assert b"customs_feedback_outbox_pending" not in response.content


def test_no_token_is_accepted_when_none_is_configured(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_metrics_are_served_to_an_allowed_network_without_a_token(client, settings):
    import ipaddress

    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.20.0.0/16")]

    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.21.3.4").status_code == 403
    # A forwarded header is not the scraper's address: anyone can send one.
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="10.20.3.4").status_code == 403


def test_metrics_do_not_accept_writes(client):
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_a_malformed_allowed_address_stops_start_up_naming_the_variable():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DJANGO_DEBUG": "1", "METRICS_ALLOWED_ADDRESSES": "10.0.0.0/8,prometheus.local"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode != 0
    assert result.stderr.startswith("configuration error: METRICS_ALLOWED_ADDRESSES: "), result.stderr
    assert "prometheus.local" in result.stderr


def _series(client, name: str, **labels: str) -> float:
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    for line in text.splitlines():
        found = re.match(rf"^{name}\{{(.*)\}} (\S+)$", line)
        if found and dict(re.findall(r'(\w+)="([^"]*)"', found[1])) == labels:
            return float(found[2])
    return 0.0


def test_the_request_series_count_each_request_and_are_looked_up_once_a_process(client):
    from django_prometheus.middleware import Metrics

    by_status = Metrics.get_instance().responses_by_status_view_method
    series = {"method": "GET", "status": "200", "view": "healthz"}
    latency = {"method": "GET", "view": "healthz"}
    before = (
        _series(client, "django_http_responses_total_by_status_view_method_total", **series),
        _series(client, "django_http_requests_latency_seconds_by_view_method_count", **latency),
    )
    with mock.patch.object(by_status, "labels", wraps=by_status.labels) as labels:
        client.get("/healthz/")
        client.get("/healthz/")

    assert labels.call_count == 1  # the second request found the series it had
    assert _series(client, "django_http_responses_total_by_status_view_method_total", **series) == before[0] + 2
    assert _series(client, "django_http_requests_latency_seconds_by_view_method_count", **latency) == before[1] + 2


def _statements(name: str, *labels: str) -> float:
    from django_prometheus import db

    metric = getattr(db, name)
    return metric.labels("default", connection.vendor, *labels)._value.get()


def test_statements_are_counted_timed_and_their_errors_counted_by_a_cursor_class_built_once():
    from django_prometheus.db import query_duration_seconds

    timed = query_duration_seconds.labels("default", connection.vendor)
    error = "UndefinedTable" if connection.vendor == "postgresql" else "OperationalError"  # the driver's own
    with connection.cursor() as first, connection.cursor() as second:
        before = (_statements("execute_total"), timed._sum.get())
        first.execute("SELECT 1")
        second.execute("SELECT 2")
        assert (_statements("execute_total") - before[0], timed._sum.get() > before[1]) == (2, True)
        assert type(first.cursor) is type(second.cursor)  # one class, not one a cursor

        errors = _statements("errors_total", error)
        with pytest.raises(DatabaseError), transaction.atomic():
            second.execute("SELECT * FROM no_such_table")
        assert _statements("errors_total", error) - errors == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs no SELECT in executemany()")
def test_statements_run_in_bulk_count_one_each():
    before = (_statements("execute_total"), _statements("execute_many_total"))
    with connection.cursor() as cursor:
        cursor.executemany("SELECT %s", [(1,), (2,), (3,)])
    assert (_statements("execute_total") - before[0], _statements("execute_many_total") - before[1]) == (3, 3)


def test_the_request_series_say_how_many_where_how_fast_and_what_failed(client, settings):
    from django.urls import path

    from customs_feedback import urls

    def broken(request):
        raise RuntimeError("boom")

    broken_page = path("broken/", broken, name="broken")
    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [broken_page, *urls.urlpatterns]})
    client.raise_request_exception = False
    answers = {"status": "500", "view": "broken", "method": "GET"}
    before = (
        _series(client, "django_http_requests_total_by_view_transport_method_total", view="broken",
                transport="http", method="GET"),
        _series(client, "django_http_responses_total_by_status_view_method_total", **answers),
        _series(client, "django_http_exceptions_total_by_type_total", type="RuntimeError"),
        _series(client, "django_http_exceptions_total_by_view_total", view="broken"),
    )  # fmt: skip

    assert client.get("/broken/").status_code == 500
    assert client.generic("BREW", "/broken/").status_code == 500  # a made-up method: one series for all of them

    assert (
        _series(client, "django_http_requests_total_by_view_transport_method_total", view="broken",
                transport="http", method="GET"),
        _series(client, "django_http_responses_total_by_status_view_method_total", **answers),
        _series(client, "django_http_exceptions_total_by_type_total", type="RuntimeError"),
        _series(client, "django_http_exceptions_total_by_view_total", view="broken"),
    ) == (before[0] + 1, before[1] + 1, before[2] + 2, before[3] + 2)  # fmt: skip
    assert _series(client, "django_http_requests_latency_seconds_by_view_method_count", view="broken",
                   method="<invalid method>") >= 1  # fmt: skip
    not_found = {"status": "404", "view": "<unnamed view>", "method": "GET"}  # no route: no view name
    before_not_found = _series(client, "django_http_responses_total_by_status_view_method_total", **not_found)
    client.get("/no-such-page/")
    assert _series(client, "django_http_responses_total_by_status_view_method_total", **not_found) == (
        before_not_found + 1
    )
