"""Python CPU time of one inquiry submission, in process (Django's test client, production settings, PostgreSQL,
Redis as the broker): the API (`POST /api/v1/inquiries/`) or the portal form (`POST /inquiries/`).

    BENCH_DB=cf_x_prof .venv/bin/python bench/ratings_setup.py create   # once: a migrated database
    BENCH_DB=cf_x_prof BENCH_BROKER=redis://127.0.0.1/8 .venv/bin/python bench/inquiry_cpu.py [--form] [--profile 40]

Prints the CPU milliseconds per request (process time, so other work on a shared machine counts little) of
5 batches of 100 after 20 untimed requests; with --profile N, the N heaviest functions of a cProfile of 400 more.
The database's own work is not in these figures (it runs in PostgreSQL's processes).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from complaints_submit import PAYLOAD  # noqa: E402
from references.servers import project_env  # noqa: E402

CSRF = "benchcsrftoken0123456789abcdefgh"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--form", action="store_true", help="the portal form instead of the API")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    database = os.environ.get("BENCH_DB", "cf_ratings_bench")
    broker = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/2")
    env = project_env(f"postgres://postgres@127.0.0.1:5432/{database}", broker)
    os.environ.update(
        {**env, "DJANGO_ALLOWED_HOSTS": "testserver", "DJANGO_SETTINGS_MODULE": "customs_feedback.settings"}
    )
    import django

    django.setup()
    from django.test import Client

    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="vi")
    if args.form:
        client.cookies["csrftoken"] = CSRF
        path, body = "/inquiries/", urlencode({"csrfmiddlewaretoken": CSRF, "website": "", **PAYLOAD})
        content_type, expected = "application/x-www-form-urlencoded", 302
    else:
        path, body, content_type, expected = "/api/v1/inquiries/", json.dumps(PAYLOAD), "application/json", 201

    def run(count: int) -> None:
        for _ in range(count):
            response = client.post(path, body, content_type=content_type)
            assert response.status_code == expected, response.content[:500]
            # As under wrk, every request carries the same cookies (the redirect's message is never shown).
            client.cookies.pop("messages", None)
            client.cookies.pop("sessionid", None)

    run(20)
    batches = []
    for _ in range(5):
        started = time.process_time()
        run(100)
        batches.append((time.process_time() - started) * 10)
    print(
        f"{path}: CPU ms per request, batches of 100: min {min(batches):.2f}, median {statistics.median(batches):.2f}"
    )
    if args.profile:
        profile = cProfile.Profile(time.process_time)
        profile.runcall(run, 400)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
    import redis

    redis.Redis.from_url(broker).delete("customs_feedback")  # the tasks queued here; no worker consumes them


if __name__ == "__main__":
    main()
