"""A web worker's warm-up (customs_feedback/warmup.py) loads what the first requests would, and nothing that
needs the database: after it, the back office's pages compile no template and build no URL table, and a worker
starts with PostgreSQL and the broker down."""

from __future__ import annotations

import ast
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connections
from django.forms.renderers import get_default_renderer
from django.template import engines
from django.test import override_settings
from django.urls import clear_url_caches, get_resolver, reverse
from django.urls.resolvers import get_ns_resolver
from django.utils import translation

from customs_feedback.warmup import warm_up
from tests.factories import DeclarationFactory, staff_user
from tests.workers import ROOT


def compiled_templates() -> set[str]:
    """The names the cached loaders hold a compiled template for (not the misses they remember)."""
    loaders = [loader for backend in engines.all() for loader in backend.engine.template_loaders]
    loaders += get_default_renderer().engine.engine.template_loaders
    return {
        key
        for loader in loaders
        for key, cached in getattr(loader, "get_template_cache", {}).items()
        if hasattr(cached, "render")
    }


def test_warm_up_runs_no_query(db):
    def refuse(execute, sql, params, many, context):
        raise AssertionError(f"warm-up queried the database: {sql}")

    with connections["default"].execute_wrapper(refuse):
        warm_up()


@pytest.mark.django_db
def test_after_warm_up_the_back_office_pages_compile_no_template(client):
    declaration = DeclarationFactory()
    client.force_login(staff_user(is_superuser=True))
    warm_up()
    loaded = compiled_templates()
    pages = [
        reverse("admin:index"),
        reverse("admin:ratings_declaration_changelist"),
        reverse("admin:ratings_declaration_change", args=[declaration.pk]),  # a form: the widgets' templates
        reverse("admin:complaints_inquiry_changelist"),
        reverse("admin_report"),
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page

    assert compiled_templates() - loaded == set()
    assert {"admin/index.html", "admin/change_list.html", "django/forms/widgets/select.html"} <= loaded


def test_after_warm_up_the_default_language_has_its_url_tables_and_namespaces_their_resolvers():
    clear_url_caches()  # as a new worker: no resolver built by an earlier test
    warm_up()
    resolver = get_resolver()
    namespaced = get_ns_resolver.cache_info().currsize

    with translation.override(settings.LANGUAGE_CODE):
        reverse("admin:index")
        reverse("enterprise:home")

    assert settings.LANGUAGE_CODE in resolver._reverse_dict
    assert get_ns_resolver.cache_info().currsize == namespaced  # admin:… found its resolver already built


def test_a_template_that_does_not_compile_is_logged_and_does_not_stop_the_warm_up(tmp_path, caplog):
    (tmp_path / "broken.html").write_text("{% no_such_tag %}")
    (tmp_path / "fine.html").write_text("{{ value }}")
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with override_settings(TEMPLATES=templates), caplog.at_level(logging.ERROR, logger="customs_feedback.warmup"):
        warm_up()
        assert "fine.html" in compiled_templates()

    assert [record.getMessage() for record in caplog.records] == ["template broken.html did not compile at warm-up"]


def test_a_production_worker_starts_warmed_up_and_frozen_with_the_database_and_broker_down():
    script = (
        "import gc, customs_feedback.wsgi\n"
        "from django.urls import get_resolver\n"
        "from django.template import engines\n"
        "cached = engines['django'].engine.template_loaders[0].get_template_cache\n"
        "print(gc.get_freeze_count(), len(gc.get_objects()), get_resolver()._populated,"
        " 'admin/change_list.html' in cached, 'celery' in __import__('sys').modules,"
        " 'django.db.migrations.autodetector' in __import__('sys').modules)\n"
        "from customs_feedback.celery import app\n"
        "print(sorted(name for name in app.tasks if not name.startswith('celery.')))\n"
        "from customs_feedback.workdays import is_working_day\n"
        "import holidays, sys\n"
        "print(sorted((day.isoformat(), name) for day, name in holidays.VN(years=[2026, 2027]).items()),"
        " 'holidays.countries' in sys.modules)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "customs_feedback.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "warm-up-test-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/down",  # nothing listens on port 9
        "CELERY_BROKER_URL": "redis://127.0.0.1:9/0",
        "CERTIFICATE_SIGNING": "off",
    }
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120)
    first_line, tasks, days_off = result.stdout.splitlines()
    frozen, tracked, resolved, compiled, celery, checked = first_line.split()

    assert int(frozen) > 100_000  # the loaded and warmed-up project
    assert int(tracked) < int(frozen) / 20  # what the collector still walks
    assert (resolved, compiled, celery) == ("True", "True", "True")  # with a broker, Celery's tasks too
    # Every app's tasks registered, so the first queued notice loads nothing more (tasking.enqueue) ...
    assert {"notifications.send", "ratings.invitations_send", "core.job_run", "complaints.remind_overdue"} <= set(
        ast.literal_eval(tasks)
    )
    # ... and without Django's system checks, which Celery's loader runs for a Celery worker (they import the
    # migration autodetector and the management commands for the process's life).
    assert checked == "False"
    # Vietnam's public holidays loaded alone, the same days as the package gives them with all its countries.
    vietnam, countries = days_off.rsplit(" ", 1)
    import holidays

    assert ast.literal_eval(vietnam) == sorted(
        (day.isoformat(), name) for day, name in holidays.VN(years=[2026, 2027]).items()
    )
    assert countries == "False"
