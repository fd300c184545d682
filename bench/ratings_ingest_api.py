"""Benchmark: declarations pushed through POST /api/v1/declarations/ in batches of 1000 (gunicorn, loopback).

.venv/bin/python bench/ratings_setup.py create
.venv/bin/python bench/ratings_ingest_api.py [--batches 200] [--clients 2] [--workers 2]
.venv/bin/python bench/ratings_setup.py drop
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
from datetime import datetime, timedelta, timezone

from ratings_gunicorn import PORT, gunicorn
from ratings_setup import api_key, django_setup, officials, tax_codes


def batches(count: int, size: int = 1000, offset: int = 0):
    codes = tax_codes(5000)
    people = officials()
    start = datetime(2026, 1, 1, 8, tzinfo=timezone(timedelta(hours=7)))
    for batch in range(count):
        rows = []
        for i in range(size):
            n = batch * size + i
            branch, team, official = people[n % len(people)]
            registered = start + timedelta(seconds=n * 3)
            rows.append(
                {
                    "number": f"{300000000000 + offset + n}",
                    "tax_code": codes[n % len(codes)],
                    "branch_code": branch,
                    "team_code": team,
                    "official_code": official,
                    "registered_at": registered.isoformat(),
                    "cleared_at": (registered + timedelta(hours=2)).isoformat(),
                }
            )
        yield json.dumps(rows).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--offset", type=int, default=0, help="first declaration number; a new offset creates rows")
    args = parser.parse_args()
    django_setup()
    key = api_key(["declarations"])
    bodies = list(batches(args.batches, offset=args.offset))
    queue = list(enumerate(bodies))
    lock = threading.Lock()
    failures = []

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
        while True:
            with lock:
                if not queue:
                    return
                _index, body = queue.pop()
            connection.request("POST", "/api/v1/declarations/", body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            if response.status != 200:
                failures.append((response.status, payload[:300]))

    with gunicorn(workers=args.workers):
        # Warm up each worker (imports, connections), then measure.
        warm = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        for _ in range(args.workers * 2):
            warm.request("GET", "/api/v1/ratings/stats/")
            warm.getresponse().read()
        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    rows = args.batches * 1000
    print(f"failures: {len(failures)} {failures[:1]}")
    print(f"{rows} rows in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s")
    print(f"{args.clients} clients, {args.workers} gunicorn workers, batches of 1000")


if __name__ == "__main__":
    main()
