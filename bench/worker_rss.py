"""Memory of the web workers after 10,000 mixed requests (issue 15: at most 120 MB RSS per worker, kept).

    BENCH_DB=cf_rss_bench .venv/bin/python bench/worker_rss.py [--requests 10000] [--clients 3]

Serves the project as the comparisons do (gunicorn, 3 sync workers, production settings, PostgreSQL, Redis
as the broker) on the demo data (`seed_demo`), and sends a fixed mix of what its users do, round-robin:
rating POSTs (each for a cleared declaration of its own, one in twenty low), inquiry POSTs, the portal pages,
the public look-ups and the API schema, and the back office pages a signed-in superuser opens (dashboard,
changelists, a change page, statistics, the report, the search). It prints each worker's resident set size
(VmRSS from /proc) after a warm-up of 300 requests and at the end, and fails on any 5xx answer.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "references"))

import servers
from complaints_submit import PAYLOAD
from ratings_setup import BENCH_DB, DATABASE_URL, PG, ROOT, django_setup, tax_codes

BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/2")
RATING_PREFIX = "500000"  # declaration numbers 500000<6 digits>: the rating POSTs' own declarations
WARM_UP = 300


def prepare() -> None:
    """A fresh database with the demo data, plus one cleared declaration for every rating POST to come."""
    import subprocess

    subprocess.run(["dropdb", *PG, "--if-exists", "--force", BENCH_DB], check=True)
    subprocess.run(["createdb", *PG, BENCH_DB], check=True)
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_DEBUG": "1"}
    env.pop("CELERY_BROKER_URL", None)
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    production = {**os.environ, **servers.project_env(DATABASE_URL, BROKER)}  # its static files' manifest
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=production,
                   check=True)  # fmt: skip


def rating_body(n: int, codes: list[str]) -> str:
    low = n % 20 == 0
    return json.dumps({
        "declaration_number": f"{RATING_PREFIX}{n:06d}", "tax_code": codes[n % len(codes)],
        "official_score": 2 if low else 5, "team_score": 4, "branch_score": 5,
        "reason": "delay" if low else "", "comment": "",
    })  # fmt: skip


def the_mix(session_cookie: str, api_key: str, codes: list[str], tracking: str, admin_urls: list[str]):
    """An endless round-robin of (method, path, body, headers); rating numbers count up so none repeats."""
    json_headers = {"Content-Type": "application/json", "Accept-Language": "vi"}
    staff = {"Cookie": f"sessionid={session_cookie}", "Accept-Language": "vi"}
    public_pages = ["/", "/faq/", "/ratings/", "/partnerships/verify/", "/healthz/", "/api/schema/",
                    f"/api/v1/inquiries/{tracking}", "/?language=en"]  # fmt: skip
    ratings = itertools.count()
    pages, staff_pages = itertools.cycle(public_pages), itertools.cycle(admin_urls)
    rating_headers = {**json_headers, "Authorization": f"Api-Key {api_key}"}
    for slot in itertools.cycle(range(10)):
        if slot in (0, 3, 6):
            yield "POST", "/api/v1/ratings/", rating_body(next(ratings), codes), rating_headers
        elif slot == 1:
            yield "POST", "/api/v1/inquiries/", json.dumps(PAYLOAD), json_headers
        elif slot in (2, 5, 8):
            yield "GET", next(pages), None, {"Accept-Language": "vi"}
        else:
            yield "GET", next(staff_pages), None, staff


def send(port: int, requests, total: int, answers: Counter, lock: threading.Lock) -> None:
    while True:
        with lock:
            if answers["sent"] >= total:
                return
            answers["sent"] += 1
            method, path, body, headers = next(requests)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request(method, path, body=body, headers={**headers, "Connection": "close"})
            response = connection.getresponse()
            response.read()
            status = response.status
        finally:
            connection.close()
        with lock:
            answers[f"{status // 100}xx"] += 1
            if status >= 400:
                answers[f"{status} {method} {path}"] += 1


def workers_rss(port: int) -> dict[int, int]:
    """VmRSS in kB of each gunicorn worker serving `port` (the children of the process bound to it)."""
    bound = f"127.0.0.1:{port}"
    masters, parents = set(), {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            status = (proc / "status").read_text()
        except OSError:
            continue
        if bound.encode() not in cmdline:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parents[int(proc.name)] = (int(fields["PPid"]), int(fields.get("VmRSS", "0 kB").split()[0]))
    masters = {pid for pid, (ppid, _rss) in parents.items() if ppid not in parents}
    return {pid: rss for pid, (ppid, rss) in parents.items() if ppid in masters}


def run(port: int, requests, total: int, clients: int) -> Counter:
    answers: Counter = Counter()
    lock = threading.Lock()
    threads = [threading.Thread(target=send, args=(port, requests, total, answers, lock)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def describe(rss: dict[int, int]) -> str:
    megabytes = sorted(value / 1024 for value in rss.values())
    each = ", ".join(f"{m:.0f}" for m in megabytes)
    return f"{len(megabytes)} workers, RSS {each} MB (max {max(megabytes):.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=3)
    args = parser.parse_args()
    print(f"load before: {servers.load_average()}; {os.cpu_count()} CPUs")
    prepare()
    # The session handed to the server is signed with the server's own secret key.
    os.environ["DJANGO_SECRET_KEY"] = servers.project_env(DATABASE_URL, BROKER)["DJANGO_SECRET_KEY"]
    django_setup()
    from compare import rating_declarations
    from django.contrib.auth import get_user_model
    from django.test import Client

    from complaints.models import Inquiry
    from ratings.models import ApiClient

    codes = tax_codes(16)
    rating_declarations([RATING_PREFIX], codes)  # one cleared declaration per rating POST to come
    _client, api_key = ApiClient.objects.create_key(name="rss-bench", scopes=["ratings"])
    admin = get_user_model().objects.get(username="admin")
    browser = Client()
    browser.force_login(admin)
    session_cookie = browser.cookies["sessionid"].value
    import admin_pages

    admin_urls = [url for _name, url in admin_pages.pages(admin)]
    tracked = Inquiry.objects.order_by("pk").first()
    tracking = f"{tracked.tracking_code}/?{urlencode({'email': tracked.email})}"
    requests = the_mix(session_cookie, api_key, codes, tracking, admin_urls)
    with servers.project_server(DATABASE_URL, BROKER) as url:
        port = int(url.rsplit(":", 1)[1])
        started = time.monotonic()
        warm = run(port, requests, WARM_UP, args.clients)
        print(f"after {WARM_UP} requests: {describe(workers_rss(port))}", flush=True)
        answers = run(port, requests, args.requests - WARM_UP, args.clients)
        answers.update(warm)
        rss = workers_rss(port)
        print(f"after {args.requests} requests ({time.monotonic() - started:.0f} s): {describe(rss)}")
        print("answers:", dict(sorted((k, v) for k, v in answers.items() if v)))
        print(f"median worker RSS {statistics.median(rss.values()) / 1024:.0f} MB; load now {servers.load_average()}")
    import redis

    redis.Redis.from_url(BROKER).delete("customs_feedback")
    if answers["5xx"]:
        sys.exit("server errors above")


if __name__ == "__main__":
    main()
