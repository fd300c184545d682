"""docker-compose.yml cannot be run here (no Docker engine), so it is checked against the code."""

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["web", "worker", "beat"]


def command_words(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    return shlex.split(command) if isinstance(command, str) else command


def variables_read_by_settings() -> set[str]:
    source = (ROOT / "customs_feedback" / "settings.py").read_text()
    return set(re.findall(r'_read(?:_flag)?\((?:env\.\w+, )?"([A-Z_]+)"', source))


def test_compose_runs_the_five_services():
    assert set(SERVICES) == {"db", "redis", "web", "worker", "beat"}


@pytest.mark.parametrize("service", ["db", "redis", "web", "worker", "beat"])
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
