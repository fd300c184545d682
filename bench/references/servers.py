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
import threading
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


SERVER_PIDS: dict[str, int] = {}  # a running server's URL: its gunicorn master's pid


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # user + system


def server_cpu(url: str, database: str, application_name: str = "") -> dict[str, dict[int, float]]:
    """CPU seconds so far of a server's gunicorn workers and of their PostgreSQL backends (those of `database`,
    with `application_name` when several servers share it), by pid: diff two of these around a run."""
    children = subprocess.run(["pgrep", "-P", str(SERVER_PIDS[url])], capture_output=True, text=True).stdout.split()
    where = f"datname = '{database}'" + (f" AND application_name = '{application_name}'" if application_name else "")
    backends = psql(database, f"SELECT pid FROM pg_stat_activity WHERE {where} AND pid <> pg_backend_pid()").split()  # noqa: S608 - bench names
    return {
        "workers": {int(pid): cpu for pid in children if (cpu := _cpu_seconds(int(pid))) is not None},
        "postgres": {int(pid): cpu for pid in backends if (cpu := _cpu_seconds(int(pid))) is not None},
    }


class CpuMeter:
    """CPU seconds a server (its gunicorn workers and their PostgreSQL backends) spends during a run: read at
    the start, every second and at the end, so a backend that closes or opens meanwhile (CONN_MAX_AGE)
    still counts: a pid first seen after the start counts from 0, one gone counts up to its last reading."""

    def __init__(self, url: str, database: str, application_name: str = "") -> None:
        self.source = (url, database, application_name)
        self.first = server_cpu(*self.source)
        self.last = {part: dict(pids) for part, pids in self.first.items()}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for part, pids in server_cpu(*self.source).items():
            self.last[part].update(pids)

    def _poll(self) -> None:
        while not self._stop.wait(1.0):
            self._read()

    def stop(self) -> dict[str, float]:
        """CPU seconds spent since the start, by part."""
        self._stop.set()
        self._thread.join()
        self._read()
        return {part: sum(cpu - self.first[part].get(pid, 0.0) for pid, cpu in pids.items())
                for part, pids in self.last.items()}  # fmt: skip


@contextmanager
def gunicorn(app: str, *, port: int, cwd: Path, env: dict, python: str = sys.executable):
    command = [
        python, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
        "--log-level", "warning", "--access-logfile", "/dev/null",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env})
    try:
        wait_for_port(port, process)
        SERVER_PIDS[f"http://127.0.0.1:{port}"] = process.pid
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
