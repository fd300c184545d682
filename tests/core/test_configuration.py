"""Start-up with production or broken configuration, run as the operator would: a new process."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.partnerships.pki import throwaway_signing_files

ROOT = Path(__file__).resolve().parents[2]
# The operator's environment, not the test runner's (the browser tests allow sync ORM calls in async contexts).
CONFIG_VARIABLES = [
    "DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE", "CERTIFICATE_SIGNING", "CERTIFICATE_SIGNING_P12", "CERTIFICATE_SIGNING_PASSWORD",
    "SIGNATURE_TRUST_ROOTS",
]  # fmt: skip
# Production needs the department's seal certificate: a throwaway one, made once for this module.
SIGNING = throwaway_signing_files()


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {name: value for name, value in os.environ.items() if name not in CONFIG_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**overrides: str) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "haiquan.example.vn",
        "CERTIFICATE_SIGNING_P12": str(SIGNING.p12),
        "CERTIFICATE_SIGNING_PASSWORD": SIGNING.password,
        "SIGNATURE_TRUST_ROOTS": str(SIGNING.ca_pem),
        **overrides,
    }


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        (production_env(DJANGO_SECRET_KEY=""), "DJANGO_SECRET_KEY"),
        (production_env(DJANGO_ALLOWED_HOSTS=""), "DJANGO_ALLOWED_HOSTS"),
        (production_env(DATABASE_URL="mssqlish://nowhere/db"), "DATABASE_URL"),
        (production_env(DJANGO_DEBUG="perhaps"), "DJANGO_DEBUG"),
        (production_env(CERTIFICATE_SIGNING_P12=""), "CERTIFICATE_SIGNING_P12 is required"),
        (production_env(CERTIFICATE_SIGNING_P12="/nonexistent/seal.p12"), "CERTIFICATE_SIGNING_P12: no such file"),
    ],
    ids=[
        "missing-secret-key",
        "missing-allowed-hosts",
        "unknown-database-scheme",
        "malformed-debug-flag",
        "missing-seal-certificate",
        "seal-certificate-not-found",
    ],
)
def test_bad_configuration_stops_start_up_with_one_line_naming_the_variable(env, variable):
    result = manage("check", **env)

    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith(f"configuration error: {variable}")


def test_a_wrong_seal_certificate_password_fails_the_checks():
    result = manage("check", **production_env(CERTIFICATE_SIGNING_PASSWORD="not-the-password"))

    assert result.returncode != 0
    assert "partnerships.E001" in result.stderr
    assert "CERTIFICATE_SIGNING_P12: cannot open the PKCS#12 file" in result.stderr


def test_signing_switched_off_in_production_is_a_deploy_warning():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        **production_env(CERTIFICATE_SIGNING="off", CERTIFICATE_SIGNING_P12=""),
    )  # fmt: skip

    assert result.returncode != 0
    assert "partnerships.W001" in result.stderr
    assert "CERTIFICATE_SIGNING is off" in result.stderr


def test_an_unreachable_database_stops_start_up_with_one_line_naming_database_url():
    result = manage("migrate", DJANGO_DEBUG="1", DATABASE_URL="postgres://postgres:secret@127.0.0.1:1/customs")

    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith("configuration error: DATABASE_URL: cannot connect to postgres://postgres:***@")
    assert "secret" not in result.stderr


@pytest.mark.parametrize(("flag", "threshold"), [("", "5"), ("on", "5"), ("off", "None")])
def test_prepared_statements_are_on_unless_switched_off(flag, threshold):
    script = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['prepare_threshold'])"
    env = production_env(DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused", DATABASE_PREPARED_STATEMENTS=flag)
    result = manage("shell", "-c", script, **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == threshold
