"""bin/backup and bin/restore on the real PostgreSQL: a restored copy serves the same data and files."""

from __future__ import annotations

import hashlib
import http.cookiejar
import importlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from partnerships.models import Agreement
from tests.complaints.conftest import seeded_categories  # noqa: F401 - the fixture
from tests.partnerships.conftest import agreement_text  # noqa: F401 - the fixture
from tests.smtp import free_port
from tests.workers import test_database_url

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "haiquan-demo-2020"


def run_script(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "bin" / script), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def script_env(*, database_url: str, media_root: Path) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != "CELERY_BROKER_URL"}
    return {**environment, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root), "DJANGO_DEBUG": "1"}


def table_counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


class RunningServer:
    """gunicorn serving the app from a given database and media folder, as production does."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "customs_feedback.wsgi:application", "--bind",
             f"127.0.0.1:{self.port}", "--workers", "1"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.log = log
        cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
        self.cookies = cookies
        deadline = time.monotonic() + 60
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()  # never leave a server behind
                pytest.fail(f"the restored app did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)

    def _answers(self) -> bool:
        try:
            self.opener.open(self.base + "/healthz/", timeout=10)
        except OSError:  # refused while gunicorn starts, or a first answer slower than the timeout
            return False
        return True

    def get(self, path: str):
        return self.opener.open(self.base + path, timeout=30)

    def sign_in(self, username: str, password: str) -> None:
        page = self.get("/admin/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
        ).encode()
        request = urllib.request.Request(self.base + "/admin/login/", data=form, headers={"Referer": self.base})  # noqa: S310 - http://127.0.0.1
        answer = self.opener.open(request, timeout=30)
        assert answer.url.rstrip("/").endswith("/admin"), answer.read().decode()[-2000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self._log.close()


# Data migrations whose rows seed_demo needs (both idempotent).
DATA_MIGRATIONS = [
    ("partnerships.migrations.0003_publish_first_agreement_text", "publish"),
    ("complaints.migrations.0002_seed_categories", "seed"),
]


def rerun_data_migrations() -> None:
    """An earlier transactional test flushed every table, data migrations' rows included: write them
    again, so the database is what a freshly migrated one holds."""
    from django.apps import apps

    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.mark.integration
# The restored server signs the demo admin in: the demo passwords are hashed as in production.
@pytest.mark.usefixtures("agreement_text", "seeded_categories", "production_password_hashers")
def test_a_backup_restores_into_a_fresh_database_that_serves_the_same_data_and_certificate(
    transactional_db, fresh_database, settings, tmp_path
):
    # Given the demo data, with a countersigned agreement whose certificate PDF is in MEDIA_ROOT.
    settings.MEDIA_ROOT = tmp_path / "media"
    rerun_data_migrations()
    call_command("seed_demo", "--allow-production", stdout=open(os.devnull, "w"))  # noqa: SIM115
    agreement = Agreement.objects.exclude(certificate="").exclude(certificate_sha256="").first()
    assert agreement is not None and (settings.MEDIA_ROOT / agreement.certificate.name).is_file()
    connection.close()  # the dump must not wait on this session

    # When it is backed up, and restored into an empty database and an empty media folder.
    original = script_env(database_url=test_database_url(), media_root=settings.MEDIA_ROOT)
    backup = run_script("backup", str(tmp_path / "backups"), env=original)
    assert backup.returncode == 0, backup.stderr
    [folder] = list((tmp_path / "backups").iterdir())
    assert re.fullmatch(r"\d{8}T\d{6}Z", folder.name)
    assert sorted(path.name for path in folder.iterdir()) == ["database.dump", "manifest.json", "media.tar.gz"]
    assert json.loads((folder / "manifest.json").read_text())["server_major_version"] >= 13

    restored = script_env(database_url=fresh_database, media_root=tmp_path / "restored-media")
    restore = run_script("restore", str(folder), env=restored)
    assert restore.returncode == 0, restore.stderr

    # Then every table holds as many rows as the original…
    original_counts = table_counts(test_database_url())
    assert original_counts["partnerships_agreement"] > 0 and original_counts["ratings_rating"] > 0
    assert table_counts(fresh_database) == original_counts

    # …and the app serves from the copy, certificate file included.
    server = RunningServer(restored, tmp_path / "server.log")
    try:
        health = json.loads(server.get("/healthz/").read())
        assert (health["status"], health["database"]) == ("ok", "ok")
        server.sign_in("admin", DEMO_PASSWORD)
        pdf = server.get(f"/admin/partnerships/agreement/{agreement.pk}/certificate/").read()
    finally:
        server.stop()
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == agreement.certificate_sha256


@pytest.mark.integration
def test_restore_refuses_a_database_that_is_not_empty(transactional_db, require_postgresql, tmp_path):
    settings_env = script_env(database_url=test_database_url(), media_root=tmp_path / "media")
    backup = run_script("backup", str(tmp_path / "backups"), env=settings_env)
    assert backup.returncode == 0, backup.stderr
    [folder] = list((tmp_path / "backups").iterdir())
    connection.close()

    restore = run_script("restore", str(folder), env=settings_env)

    assert restore.returncode == 1
    name = connection.settings_dict["NAME"]
    assert f"database {name} is not empty: restore into a new database (createdb)" in restore.stderr


@pytest.mark.integration
def test_restore_refuses_a_damaged_backup(transactional_db, fresh_database, tmp_path):
    env = script_env(database_url=test_database_url(), media_root=tmp_path / "media")
    assert run_script("backup", str(tmp_path / "backups"), env=env).returncode == 0
    [folder] = list((tmp_path / "backups").iterdir())
    with (folder / "database.dump").open("ab") as dump:
        dump.write(b"\0")
    connection.close()

    restore = run_script("restore", str(folder), env=script_env(database_url=fresh_database, media_root=tmp_path / "m"))

    assert restore.returncode == 1
    assert "database.dump does not match its checksum in manifest.json: damaged copy" in restore.stderr
    assert table_counts(fresh_database) == {}
