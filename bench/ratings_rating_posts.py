"""Benchmark: single rating POSTs to /api/v1/ratings/ sustained against gunicorn on loopback.

    .venv/bin/python bench/ratings_setup.py create
    .venv/bin/python bench/ratings_rating_posts.py [--seconds 20] [--workers 4] [--processes 2] [--threads 4]
    .venv/bin/python bench/ratings_setup.py drop

Declarations to rate are inserted with SQL (cleared yesterday); one in twenty ratings is low, so it also
opens a follow-up case and writes the staff notice, as in production.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import threading
import time

from ratings_gunicorn import PORT, gunicorn
from ratings_setup import api_key, django_setup, tax_codes

FIRST_NUMBER = 700000000000


def prepare(count: int) -> None:
    from django.db import connection

    from customs_feedback.organization.models import Official
    from ratings.services import ensure_enterprises

    codes = tax_codes(2000)
    enterprise_ids = ensure_enterprises(codes)
    officials = list(Official.objects.values_list("pk", "branch_id", "team_id"))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_people (i int, official_id int, branch_id int, team_id int)")
        cursor.executemany(
            "INSERT INTO bench_people VALUES (%s, %s, %s, %s)",
            [(i, pk, branch, team) for i, (pk, branch, team) in enumerate(officials)],
        )
        cursor.execute("CREATE TEMP TABLE bench_enterprises (i int, enterprise_id int)")
        cursor.executemany(
            "INSERT INTO bench_enterprises VALUES (%s, %s)",
            [(i, enterprise_ids[code]) for i, code in enumerate(codes)],
        )
        cursor.execute(
            "INSERT INTO ratings_declaration (number, enterprise_id, branch_id, team_id, official_id, registered_at, "
            "cleared_at, cleared_on, created_at, updated_at) "
            "SELECT (%s + g)::text, e.enterprise_id, p.branch_id, p.team_id, p.official_id, "
            "now() - interval '30 hours', now() - interval '1 day', (now() - interval '1 day')::date, now(), now() "
            "FROM generate_series(0, %s - 1) g "
            "JOIN bench_people p ON p.i = g %% %s JOIN bench_enterprises e ON e.i = g %% %s",
            [FIRST_NUMBER, count, len(officials), len(codes)],
        )
    return codes


def load(worker: int, threads: int, numbers_per_thread: int, seconds: float, key: str, codes, results) -> None:
    done = [0]
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def run(thread: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
        base = (worker * threads + thread) * numbers_per_thread
        for offset in range(numbers_per_thread):
            if time.perf_counter() > deadline:
                break
            n = base + offset
            low = n % 20 == 0
            body = {
                "declaration_number": str(FIRST_NUMBER + n),
                "tax_code": codes[n % len(codes)],
                "official_score": 2 if low else 5,
                "team_score": 4,
                "branch_score": 5,
                "reason": "delay" if low else "",
                "comment": "",
            }
            connection.request("POST", "/api/v1/ratings/", body=json.dumps(body), headers=headers)
            response = connection.getresponse()
            response.read()
            with lock:
                if response.status == 201:
                    done[0] += 1
                else:
                    errors[0] += 1

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    results.put((done[0], errors[0]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    django_setup()
    per_thread = 20000
    codes = prepare(args.processes * args.threads * per_thread)
    key = api_key(["ratings"])
    with gunicorn(workers=args.workers):
        warm = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for _ in range(args.workers * 3):
            warm.request("GET", "/api/v1/ratings/stats/")
            warm.getresponse().read()
        results = multiprocessing.Queue()
        started = time.perf_counter()
        processes = [
            multiprocessing.Process(target=load, args=(p, args.threads, per_thread, args.seconds, key, codes, results))
            for p in range(args.processes)
        ]
        for process in processes:
            process.start()
        totals = [results.get() for _ in processes]
        for process in processes:
            process.join()
        elapsed = time.perf_counter() - started
    ok = sum(done for done, _errors in totals)
    errors = sum(errors for _done, errors in totals)
    print(f"{ok} ratings (201) and {errors} errors in {elapsed:.1f} s = {ok / elapsed:,.0f} ratings/s")
    print(f"gunicorn workers {args.workers}, load {args.processes} processes x {args.threads} threads, keep-alive")


if __name__ == "__main__":
    main()
