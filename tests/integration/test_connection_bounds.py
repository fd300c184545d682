"""No server mode opens more PostgreSQL connections than its workers x threads, under concurrent clients."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from tests.workers import ROOT, test_database_url

pytestmark = pytest.mark.integration

CLIENTS = 16
REQUESTS_PER_CLIENT = 15
APPLICATION_NAME = "customs_feedback_server_under_test"  # tells the server's connections from the test's
PATHS = ["/api/v1/faq/?q=thu+tuc", "/api/v1/ratings/stats/", "/api/v1/partnerships/stats/", "/healthz/"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [APPLICATION_NAME],
        )
        return cursor.fetchone()[0]


class Server:
    def __init__(self, command: list[str], **env: str) -> None:
        self.port = free_port()
        self.log_path = ROOT / "var" / f"server-{self.port}.log"
        self.log_path.parent.mkdir(exist_ok=True)
        environment = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "DATABASE_URL": f"{test_database_url()}?application_name={APPLICATION_NAME}",
            "DJANGO_DEBUG": "1",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "THROTTLE_PUBLIC_LOOKUP": "100000/hour",
            **env,
        }
        environment.pop("CELERY_BROKER_URL", None)
        command = [part.replace("{port}", str(self.port)) for part in command]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.3)

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(f"{self.url}/healthz/", timeout=2).read()  # noqa: S310 - a local test server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False
        return True

    def stop(self) -> None:
        os.killpg(self.process.pid, 15)
        self.process.wait(timeout=20)


def burst(server: Server) -> tuple[list[int], int]:
    """CLIENTS concurrent clients; the status codes, and the most server connections seen meanwhile."""
    most, done = 0, threading.Event()

    def sample() -> None:
        nonlocal most
        try:
            while not done.is_set():
                most = max(most, server_connections())
                time.sleep(0.02)
        finally:
            # This thread's own connection: left open, the test database could not be dropped at the end of the run.
            connection.close()

    def client(index: int) -> list[int]:
        codes = []
        for request in range(REQUESTS_PER_CLIENT):
            url = server.url + PATHS[(index + request) % len(PATHS)]
            try:
                with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - a local test server
                    codes.append(response.status)
            except urllib.error.HTTPError as error:
                codes.append(error.code)
        return codes

    sampler = threading.Thread(target=sample)
    sampler.start()
    with ThreadPoolExecutor(CLIENTS) as pool:
        codes = [code for result in pool.map(client, range(CLIENTS)) for code in result]
    done.set()
    sampler.join()
    return codes, most


@pytest.fixture
def started(require_postgresql, transactional_db):
    servers: list[Server] = []

    def start(command: list[str], **env: str) -> Server:
        servers.append(Server(command, **env))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def test_bin_serve_on_postgresql_stays_within_workers_times_threads(started):
    server = started(["bin/serve"], WEB_WORKERS="2", WEB_THREADS="3")

    codes, most = burst(server)

    assert set(codes) == {200}, sorted(set(codes))
    assert len(codes) == CLIENTS * REQUESTS_PER_CLIENT
    assert 0 < most <= 2 * 3


def test_runserver_keeps_no_connection_even_when_told_to(started):
    server = started([sys.executable, "manage.py", "runserver", "--noreload", "127.0.0.1:{port}"],
                     DATABASE_CONN_MAX_AGE="60")  # fmt: skip

    codes, most = burst(server)
    time.sleep(0.5)

    assert set(codes) == {200}, sorted(set(codes))
    assert most <= CLIENTS
    assert server_connections() == 0  # each request thread closed its connection when it ended
