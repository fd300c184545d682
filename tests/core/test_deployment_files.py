"""docker-compose.yml cannot be run here (no Docker engine), so it is checked against the code."""

import importlib
import os
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["web", "worker", "beat", "backup"]


def command_words(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    return shlex.split(command) if isinstance(command, str) else command


def variables_read_by_settings() -> set[str]:
    source = "\n".join(path.read_text() for path in sorted((ROOT / "customs_feedback" / "settings").glob("*.py")))
    return set(re.findall(r'_read(?:_flag)?\((?:env\.\w+, )?"([A-Z_]+)"', source))


def test_compose_runs_the_six_services_and_prometheus_on_request():
    assert set(SERVICES) == {"db", "redis", "web", "worker", "beat", "backup", "prometheus"}
    assert [name for name, service in SERVICES.items() if service.get("profiles")] == ["prometheus"]
    assert SERVICES["prometheus"]["profiles"] == ["monitoring"]


@pytest.mark.parametrize("service", ["db", "redis", "web", "worker", "beat", "backup", "prometheus"])
def test_every_service_has_a_health_check(service):
    assert SERVICES[service]["healthcheck"]["test"]


def test_redis_keeps_queued_tasks_across_restarts():
    assert "--appendonly" in command_words("redis")
    words = command_words("redis")
    assert words[words.index("--appendonly") + 1] == "yes"


def test_web_runs_migrations_then_gunicorn_on_our_wsgi_application():
    words = command_words("web")
    assert words[:2] == ["sh", "-c"]
    script = shlex.split(words[2])
    assert script[:4] == ["python", "manage.py", "migrate", "--noinput"]
    target = script[script.index("gunicorn") + 1]
    module, attribute = target.split(":")
    assert callable(getattr(importlib.import_module(module), attribute))


def test_web_health_check_calls_our_health_endpoint():
    test = SERVICES["web"]["healthcheck"]["test"]
    url = test[-1]
    assert url.endswith("/healthz/")
    assert resolve("/healthz/").func.__name__ == "healthz"


@pytest.mark.parametrize(("service", "role"), [("worker", "worker"), ("beat", "beat")])
def test_worker_and_beat_run_our_celery_app(service, role):
    from celery import Celery

    words = command_words(service)
    assert words[0] == "celery"
    app_module = words[words.index("-A") + 1]
    assert isinstance(importlib.import_module(app_module).celery_app, Celery)
    assert words[words.index("-A") + 2] == role


def test_app_services_wait_for_healthy_database_and_redis():
    for service in APP_SERVICES:
        depends = SERVICES[service]["depends_on"]
        assert depends == {"db": {"condition": "service_healthy"}, "redis": {"condition": "service_healthy"}}


def test_app_environment_names_only_variables_the_settings_read():
    environment = SERVICES["web"]["environment"]
    assert set(environment) <= variables_read_by_settings()
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SECRET_KEY", "SITE_URL"} <= set(environment)


def test_database_url_matches_the_database_service():
    database = SERVICES["db"]["environment"]
    expected = (
        f"postgres://{database['POSTGRES_USER']}:{database['POSTGRES_PASSWORD']}@db:5432/{database['POSTGRES_DB']}"
    )
    assert SERVICES["web"]["environment"]["DATABASE_URL"] == expected
    assert SERVICES["web"]["environment"]["CELERY_BROKER_URL"].startswith("redis://redis:6379/")


def test_env_example_documents_every_variable_of_the_design():
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    design = {
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "EMAIL_BACKEND",
        "EMAIL_FILE_PATH",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "DEFAULT_FROM_EMAIL",
        "DJANGO_SECRET_KEY",
        "DJANGO_DEBUG",
        "DJANGO_ALLOWED_HOSTS",
        "SITE_URL",
    }
    assert design <= documented <= variables_read_by_settings()


def test_the_image_default_command_serves_the_same_application_as_compose():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert '"gunicorn", "customs_feedback.wsgi:application"' in dockerfile


def test_the_backup_service_runs_the_nightly_script_into_its_own_volume():
    backup = SERVICES["backup"]
    words = command_words("backup")
    assert words[0] == "bin/backup-nightly"
    script = ROOT / words[0]
    assert script.is_file() and os.access(script, os.X_OK)
    assert "bin/backup" in script.read_text()
    assert f"backups:{words[1]}" in backup["volumes"]
    assert "backups" in COMPOSE["volumes"]
    # The backup reads the media the web service writes, and cannot change it.
    web_media = next(volume for volume in SERVICES["web"]["volumes"] if volume.startswith("media:"))
    assert f"{web_media}:ro" in backup["volumes"]
    assert int(backup["environment"]["BACKUP_KEEP_DAYS"].strip("${}").split(":-")[1]) >= 1
    assert words[1] in " ".join(backup["healthcheck"]["test"])


def test_the_image_has_the_postgresql_client_of_the_compose_database_and_a_writable_backups_folder():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "python:3.11-slim-bookworm" in dockerfile  # Debian 12 ships postgresql-client 15 ...
    assert SERVICES["db"]["image"] == "postgres:15"  # ... the server's major version, as pg_dump needs
    assert "postgresql-client" in dockerfile
    assert "mkdir -p /app/var/media /backups && chown -R customs /app/var /backups" in dockerfile


def test_web_runs_gunicorn_with_the_config_that_adds_up_metrics_across_workers():
    script = shlex.split(command_words("web")[2])
    config = script[script.index("--config") + 1]
    assert (ROOT / config).is_file()
    assert "PROMETHEUS_MULTIPROC_DIR" in (ROOT / config).read_text()


def test_prometheus_scrapes_the_web_metrics_with_the_token_from_a_secret():
    prometheus_config = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    [job] = prometheus_config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    assert resolve("/metrics").func.__name__ == "metrics"
    assert job["static_configs"] == [{"targets": ["web:8000"]}]
    assert job["authorization"] == {"type": "Bearer", "credentials_file": "/run/secrets/metrics_token"}
    assert SERVICES["prometheus"]["secrets"] == ["metrics_token"]
    assert COMPOSE["secrets"]["metrics_token"] == {"environment": "METRICS_TOKEN"}
    assert "./deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro" in SERVICES["prometheus"]["volumes"]
    assert "METRICS_TOKEN" in SERVICES["web"]["environment"]
