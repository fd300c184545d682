"""The reference servers and the load generator the comparisons share.

- the project: gunicorn, 3 sync workers, production settings (DEBUG off), PostgreSQL, Redis as the broker;
- the one-row floor (`floor/floorapp/site.py`): the same Django and gunicorn, one view inserting one row;
- django-helpdesk 2.6.1 (`helpdesk/hdsite/`), installed into its own virtualenv under `var/bench/`.

Every server uses the same PostgreSQL on loopback, each its own database, and the same gunicorn command
line; load comes from wrk (`apt-get install wrk`) on loopback, so the load generator costs little CPU.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PG = ["-h", "127.0.0.1", "-U", "postgres"]
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
# Ports 8651..8653 by default (BENCH_PORT_BASE moves them), never 8000.
PORT_BASE = int(os.environ.get("BENCH_PORT_BASE", "8650"))
PROJECT_PORT, FLOOR_PORT, HELPDESK_PORT, BEFORE_PORT = PORT_BASE + 1, PORT_BASE + 2, PORT_BASE + 3, PORT_BASE + 4
FLOOR_DB = os.environ.get("BENCH_FLOOR_DB", "cf_bench_floor")
HELPDESK_DB = os.environ.get("BENCH_HELPDESK_DB", "cf_bench_helpdesk")
HELPDESK_VENV = ROOT / "var" / "bench" / "helpdesk-venv"
HELPDESK_REQUIREMENTS = [
    "django-helpdesk[teams]==2.6.1", "Django>=5.2,<5.3", "gunicorn==27.0.1", "psycopg[binary]==3.3.9",
]  # fmt: skip


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[0]


def psql(database: str, sql: str) -> str:
    result = subprocess.run(["psql", *PG, "-tAc", sql, database], check=True, capture_output=True, text=True)
    return result.stdout.strip()


def database_create(name: str) -> None:
    subprocess.run(["dropdb", *PG, "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", *PG, name], check=True)


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 180) -> None:
    """Wait until a worker answers HTTP (gunicorn's master opens the port before its workers have loaded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30)
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer (404, 405, …) means a worker is serving
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"nothing answered on port {port} within {seconds} s")


@contextmanager
def gunicorn(app: str, *, port: int, cwd: Path, env: dict, python: str = sys.executable):
    command = [
        python, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
        "--log-level", "warning", "--access-logfile", "/dev/null",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env})
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def project_env(database_url: str, broker_url: str) -> dict:
    """Production settings, with the throttles raised through the environment (never by a code change)."""
    return {
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "THROTTLE_API_CLIENT": "100000000/hour",
        "THROTTLE_PUBLIC_SUBMIT": "100000000/hour",
        "THROTTLE_INQUIRY_PORTAL": "100000000/hour",
        "THROTTLE_PUBLIC_LOOKUP": "100000000/hour",  # worker_rss.py looks inquiries up 1,000 times
        "LOG_LEVEL": "WARNING",
        "CERTIFICATE_SIGNING": "off",  # no certificate is issued on these paths; production settings otherwise
    }


def project_server(database_url: str, broker_url: str, *, root: Path = ROOT, port: int = PROJECT_PORT):
    """The project checked out at `root` (this one by default), with that checkout's own virtualenv."""
    env, python = project_env(database_url, broker_url), sys.executable
    if root != ROOT:
        python = str(root / ".venv" / "bin" / "python")
        env["PYTHONPYCACHEPREFIX"] = str(ROOT / "var" / "bench" / "pycache-other")  # that checkout stays untouched
    return gunicorn("customs_feedback.wsgi:application", port=port, cwd=root, env=env, python=python)


# --- the one-row floor -------------------------------------------------------------------------------


def floor_env() -> dict:
    return {
        "FLOOR_DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{FLOOR_DB}",
        "DJANGO_SETTINGS_MODULE": "floorapp.site",
        "PYTHONPATH": str(HERE / "floor"),
    }


def floor_prepare() -> None:
    database_create(FLOOR_DB)
    subprocess.run([str(Path(sys.executable).parent / "django-admin"), "migrate", "--run-syncdb", "-v0"],
                   cwd=HERE / "floor", env={**os.environ, **floor_env()}, check=True)  # fmt: skip


def floor_reset() -> None:
    psql(FLOOR_DB, "TRUNCATE floorapp_row")


def floor_server():
    return gunicorn("floorapp.site:application", port=FLOOR_PORT, cwd=HERE / "floor", env=floor_env())


# --- django-helpdesk ---------------------------------------------------------------------------------


def helpdesk_env() -> dict:
    return {
        "HELPDESK_DB": HELPDESK_DB,
        "DJANGO_SETTINGS_MODULE": "hdsite.settings",
        "PYTHONPATH": str(HERE / "helpdesk"),
    }


def helpdesk_prepare() -> int:
    """Install django-helpdesk into its own virtualenv (once), give it a fresh database and a public queue."""
    python = HELPDESK_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(HELPDESK_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *HELPDESK_REQUIREMENTS], check=True)
    database_create(HELPDESK_DB)
    env = {**os.environ, **helpdesk_env()}
    subprocess.run([str(python), "-m", "django", "migrate", "-v0"], cwd=HERE / "helpdesk", env=env, check=True)
    script = (
        "from helpdesk.models import Queue; "
        "print(Queue.objects.create(slug='inquiries', title='Inquiries', allow_public_submission=True).pk)"
    )
    result = subprocess.run([str(python), "-m", "django", "shell", "-c", script], cwd=HERE / "helpdesk", env=env,
                            check=True, capture_output=True, text=True)  # fmt: skip
    return int(result.stdout.strip().splitlines()[-1])


def helpdesk_server():
    return gunicorn("hdsite.wsgi:application", port=HELPDESK_PORT, cwd=HERE / "helpdesk", env=helpdesk_env(),
                    python=str(HELPDESK_VENV / "bin" / "python"))  # fmt: skip


# --- load --------------------------------------------------------------------------------------------

WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_BAD = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
WRK_ERRORS = re.compile(r"Socket errors:.*")
WRK_LATENCY = re.compile(r"Latency\s+(\S+)")


def wrk(url: str, script: str, args: list[str], *, seconds: int, connections: int = 6, threads: int = 2) -> dict:
    """Requests per second of one wrk run, with the count of failed (non-2xx/3xx) answers."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
               "-s", str(HERE / "wrk" / script), url, "--", *args]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    bad = WRK_BAD.search(output)
    errors = WRK_ERRORS.search(output)
    return {
        "rate": float(WRK_RATE.search(output).group(1)),
        "failed": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
        "latency": WRK_LATENCY.search(output).group(1),
    }
