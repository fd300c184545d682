"""CPU time of one `POST /api/v1/ratings/`, in process: Django's WSGI handler called directly (every middleware,
production settings, PostgreSQL, Redis as the broker), 1 rating in 20 low as in `rating.lua`.

    BENCH_DB=cf_x_prof BENCH_BROKER=redis://127.0.0.1:6379/7 .venv/bin/python bench/rating_cpu.py \
        [--batches 5] [--size 300] [--profile 40]

Prints, per request, the CPU milliseconds of this process and of its PostgreSQL backend (from /proc: both
are CPU time, so other work on a shared machine counts little) for each batch after 50 untimed requests,
then their medians, and the time the garbage collector took per request; with --profile N, the N heaviest
functions (cumulative) of a cProfile of one more batch.
Creates the database afresh (as `compare.py rating` does).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "references"))

from ratings_setup import DATABASE_URL, tax_codes  # noqa: E402
from references.servers import project_env  # noqa: E402

BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/2")


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def prepared():
    """A fresh database with declarations to rate, Django set up with production settings, and `post(handler)`:
    one rating POST (the next declaration) through a WSGI handler, as gunicorn would call it."""
    # The database and its organisation, by another process: ratings_setup loads Django with DEBUG on.
    subprocess.run([sys.executable, str(HERE / "ratings_setup.py"), "create"], check=True)
    os.environ.update(project_env(DATABASE_URL, BROKER))  # production settings (DEBUG off), as the server runs
    os.environ["DATABASE_CONN_MAX_AGE"] = "3600"  # one backend for the whole run, to read its CPU time
    sys.path.insert(0, str(HERE.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_feedback.settings")
    import django
    from django.conf import settings

    django.setup(set_prefix=False)
    assert not settings.DEBUG
    from compare import rating_declarations
    from django.db import connection

    from ratings.models import ApiClient

    codes = tax_codes(16)
    rating_declarations(["700000"], codes)
    _client, key = ApiClient.objects.create_key(name="bench", scopes=["ratings"])
    connection.close()
    counter = iter(range(10**6))

    def post(application) -> None:
        n = next(counter)
        low = n % 20 == 0
        body = json.dumps({
            "declaration_number": f"700000{n:06d}", "tax_code": codes[n % len(codes)],
            "official_score": 2 if low else 5, "team_score": 4, "branch_score": 5,
            "reason": "delay" if low else "", "comment": "",
        }).encode()  # fmt: skip
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/ratings/", "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)), "HTTP_AUTHORIZATION": f"Api-Key {key}", "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "SERVER_PROTOCOL": "HTTP/1.1",
        }  # fmt: skip
        statuses = []
        result = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(result)
        result.close()
        if not statuses[0].startswith("201"):
            raise SystemExit(f"request {n}: {statuses[0]}")

    return post


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()
    post_to = prepared()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    application = WSGIHandler()

    def post() -> None:
        post_to(application)

    for _ in range(50):
        post()
    collecting: dict[int, float] = {}
    collected = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}  # generation: collections, seconds

    def gc_timer(phase: str, info: dict) -> None:
        if phase == "start":
            collecting[0] = time.perf_counter()
        else:
            collected[info["generation"]][0] += 1
            collected[info["generation"]][1] += time.perf_counter() - collecting[0]

    gc.callbacks.append(gc_timer)
    pid = connection.connection.info.backend_pid
    print(f"timing in process {os.getpid()}", flush=True)
    python, database = [], []
    for _batch in range(args.batches):
        started, started_db = time.process_time(), backend_cpu(pid)
        for _ in range(args.size):
            post()
        python.append((time.process_time() - started) / args.size * 1000)
        database.append((backend_cpu(pid) - started_db) / args.size * 1000)
        assert connection.connection.info.backend_pid == pid, "the connection was replaced"
    requests = args.batches * args.size
    for generation, (count, seconds) in collected.items():
        print(f"gc generation {generation}: {count} collections, {seconds / requests * 1000:.3f} ms/request")
    print("python   ms/request:", " ".join(f"{v:.3f}" for v in python), f"median {statistics.median(python):.3f}")
    print("postgres ms/request:", " ".join(f"{v:.3f}" for v in database), f"median {statistics.median(database):.3f}")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.size):
            post()
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
