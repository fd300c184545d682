"""JSON logs with request, user and task ids; Sentry error reports without enterprises' personal data."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from customs_feedback.core.observability import ContextFilter, JsonFormatter, scrub_event, sentry_init
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """What the JSON console handler writes, read back as dicts."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in ("customs_feedback.request", "django.request", "tests")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_each_request_logs_one_line_with_its_request_id_and_the_staff_user_id(client, json_lines, settings):
    settings.METRICS_TOKEN = ""
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    response = client.get("/healthz/", {"full": "1", "email": "dn@example.vn"})

    [line] = [entry for entry in json_lines() if entry["logger"] == "customs_feedback.request"]
    assert line["message"] == "GET /healthz/ 200"
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert (line["user_id"], line["task_id"], line["status"]) == (staff.pk, None, 200)
    assert line["duration_ms"] >= 0


def test_a_request_line_names_the_route_not_the_path_with_its_token(client, json_lines):
    client.get("/partnerships/confirm/secret-token-from-an-email/")

    [line] = [entry for entry in json_lines() if entry["logger"] == "customs_feedback.request"]
    assert line["message"] == "GET /partnerships/confirm/<str:token>/ 400"  # an unknown token
    assert "secret-token" not in json.dumps(json_lines())


def test_django_request_warnings_carry_the_request_id_but_never_the_query_string(client, json_lines):
    response = client.get("/api/v1/inquiries/VM-NONE-0000/", {"email": "dn@example.vn"})

    assert response.status_code == 404
    [warning] = [entry for entry in json_lines() if entry["logger"] == "django.request"]
    assert warning["request_id"] == response["X-Request-ID"]
    assert warning["user_id"] is None
    assert "dn@example.vn" not in json.dumps(json_lines())


def test_a_request_id_from_the_proxy_is_kept_and_a_strange_one_replaced(client):
    assert client.get("/healthz/", HTTP_X_REQUEST_ID="lb-7f3a9c21e0").headers["X-Request-ID"] == "lb-7f3a9c21e0"
    replaced = client.get("/healthz/", HTTP_X_REQUEST_ID="<script>alert(1)</script>").headers["X-Request-ID"]
    assert replaced != "<script>alert(1)</script>" and len(replaced) == 32


def test_log_lines_inside_a_task_carry_its_task_id(json_lines, monkeypatch):
    from customs_feedback.core import services
    from customs_feedback.core.tasks import worker_heartbeat

    monkeypatch.setattr(services, "heartbeat_record", lambda **kwargs: logging.getLogger("tests").info("beat"))
    worker_heartbeat.apply(task_id="task-1234")

    [line] = [entry for entry in json_lines() if entry["logger"] == "tests"]
    assert (line["message"], line["task_id"], line["request_id"]) == ("beat", "task-1234", None)


def test_exceptions_are_logged_as_one_json_line():
    record = logging.LogRecord("tests", logging.ERROR, __file__, 1, "failed %s", ("here",), None)
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    ContextFilter().filter(record)

    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "failed here"
    assert entry["level"] == "ERROR"
    assert "ValueError: boom" in entry["exception"]


def run_with_log_format(value: str) -> subprocess.CompletedProcess:
    code = "import logging; logging.getLogger('customs_feedback').warning('Xin chào %s', 42)"
    env = {**os.environ, "LOG_FORMAT": value, "DJANGO_DEBUG": "1", "DATABASE_URL": "sqlite:///:memory:"}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_log_format_json_switches_the_console_to_json_lines():
    result = run_with_log_format("json")

    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["message"] == "Xin chào 42"
    assert {"time", "level", "logger", "request_id", "user_id", "task_id"} <= set(entry)


def test_log_format_defaults_to_text_and_rejects_anything_else():
    assert run_with_log_format("text").stderr.strip().endswith("WARNING customs_feedback Xin chào 42")

    result = run_with_log_format("xml")
    assert result.returncode != 0
    assert "configuration error: LOG_FORMAT: expected text or json, got 'xml'" in result.stderr


def test_scrubbing_removes_enterprise_data_from_a_sentry_event():
    event = {
        "request": {
            "url": "https://doitac.example.vn/api/v1/inquiries/VM-1/",
            "query_string": "email=dn@example.vn",
            "data": {"tax_code": "0100233488", "company_name": "Công ty TNHH Biển Đông"},
            "cookies": {"sessionid": "abc"},
        },
        "user": {"id": "7", "email": "staff@haiquan.example.vn", "ip_address": "113.160.1.20"},
        "exception": {"values": [{"value": "no agreement for 0100233488-001 (dn@example.vn, 0912 345 678)"}]},
        "breadcrumbs": {"values": [{"message": "sent to ke.toan@congty.vn"}]},
    }

    scrubbed = scrub_event(event, {})

    assert scrubbed["request"] == {
        "url": "https://doitac.example.vn/api/v1/inquiries/VM-1/",
        "query_string": "[Filtered]",
    }
    assert scrubbed["user"] == {"id": "7"}
    assert scrubbed["exception"]["values"][0]["value"] == "no agreement for [Filtered] ([Filtered], [Filtered])"
    assert scrubbed["breadcrumbs"]["values"][0]["message"] == "sent to [Filtered]"


def test_sentry_reports_a_failing_request_without_personal_data(client, monkeypatch):
    import sentry_sdk
    from sentry_sdk.transport import Transport

    from customs_feedback.core import views

    class Collect(Transport):
        events: list = []

        def capture_envelope(self, envelope):
            if envelope.get_event() is not None:
                self.events.append(envelope.get_event())

    def broken_figures():
        raise RuntimeError("figures failed for dn@example.vn, tax code 0100233488")

    monkeypatch.setattr(views, "public_figures", broken_figures)
    sentry_init(dsn="https://key@sentry.example.invalid/1", environment="test", traces_sample_rate=0.0,
                transport=Collect())  # fmt: skip
    client.raise_request_exception = False
    try:
        assert client.get("/", {"email": "dn@example.vn"}).status_code == 500
        sentry_sdk.flush()
    finally:
        sentry_sdk.init()  # no DSN: reporting off again for the other tests

    [event] = Collect.events
    text = json.dumps(event)
    assert "dn@example.vn" not in text and "0100233488" not in text
    assert event["exception"]["values"][-1]["value"] == "figures failed for [Filtered], tax code [Filtered]"
    assert event["request"].get("query_string", "[Filtered]") == "[Filtered]"
    assert "data" not in event["request"] and "cookies" not in event["request"]
    assert not any(frame.get("vars") for value in event["exception"]["values"]
                   for frame in value["stacktrace"]["frames"])  # fmt: skip
