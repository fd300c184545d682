"""Side-by-side comparisons: a reference and the project measured interleaved in one run, ratio printed.

    .venv/bin/python bench/compare.py rating  [--rounds 4] [--seconds 10]   # POST /api/v1/ratings/ vs the one-row floor
    .venv/bin/python bench/compare.py inquiry [--rounds 4] [--seconds 10]   # POST /api/v1/inquiries/ vs django-helpdesk
    .venv/bin/python bench/compare.py inquiry-form [--rounds 4] [--seconds 10]  # the portal's form vs django-helpdesk
    .venv/bin/python bench/compare.py import  [--rounds 3] [--rows 200000]  # import_declarations vs COPY
    .venv/bin/python bench/compare.py stats   [--rounds 5]                  # stats selector vs its own SQL

Rounds alternate which side goes first (ABBA…), each line records the load average (1 min) before it, and
the ratio printed is the median of the per-round ratios project / reference (for times, reference / project,
so above 1 always means the project is faster). The machine is shared: compare ratios, not absolute figures.
With BENCH_BEFORE_ROOT set to another checkout of the project (its own .venv), that code is served too
(port BENCH_PORT_BASE + 4, same database) and measured in the same rounds: before, after and reference in one run.
Databases: the project's is BENCH_DB (created afresh, default cf_ratings_bench), the references' are
BENCH_FLOOR_DB and BENCH_HELPDESK_DB; the broker is BENCH_BROKER (Redis db 2 by default; the
queue the benchmark filled is deleted afterwards).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "references"))

import servers
from ratings_setup import DATABASE_URL, create, django_setup, tax_codes

BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/2")  # as bench/ratings_gunicorn.py
WRK_THREADS = 2
NUMBERS_PER_THREAD = 60000  # more than a thread can send in one run; each rating needs a declaration of its own


def interleaved(rounds: int, reference, project, *, higher_is_better: bool = True, before=None) -> None:
    """Run reference(), project() (and before(), the project's earlier code, when given) `rounds` times each,
    rotating the order every round; print each round and the median ratio of each project side to the reference.

    A first untimed run of each (index `rounds`) warms the servers: imports, templates, connections.
    """
    sides = [("reference", reference), *([("before", before)] if before is not None else []), ("project", project)]
    for side, run in sides:
        print(f"  warm-up   {side:<9} {run(rounds)['text']}", flush=True)
    ratios: dict[str, list[float]] = {side: [] for side, _run in sides[1:]}
    cpu_ratios: dict[str, list[float]] = {side: [] for side, _run in sides[1:]}  # when the runs measure CPU
    for index in range(rounds):
        shift = index % len(sides)
        order = sides[shift:] + sides[:shift]
        if index % 2:
            order.reverse()
        figures = {}
        for side, run in order:
            load = servers.load_average()
            figures[side] = run(index)
            print(f"  round {index + 1} {side:<9} {figures[side]['text']}  (load {load})", flush=True)
        for side in ratios:
            value = figures[side]["value"] / figures["reference"]["value"]
            ratios[side].append(value if higher_is_better else 1 / value)
            print(f"  round {index + 1} ratio {side}/reference {ratios[side][-1]:.2f}", flush=True)
            if "cpu" in figures[side]:
                cpu_ratios[side].append(sum(figures["reference"]["cpu"].values()) / sum(figures[side]["cpu"].values()))
    for side, values in ratios.items():
        print(f"ratio {side}/reference: median {statistics.median(values):.2f} "
              f"(rounds: {', '.join(f'{r:.2f}' for r in values)}; load now {servers.load_average()})")  # fmt: skip
    for side, values in cpu_ratios.items():
        if values:
            print(f"CPU per request, reference/{side}: median {statistics.median(values):.2f} "
                  f"(rounds: {', '.join(f'{r:.2f}' for r in values)})")  # fmt: skip


def before_server(database_url: str):
    """The project as it was (BENCH_BEFORE_ROOT: another checkout, e.g. `git worktree add … <commit>`), or None."""
    root = os.environ.get("BENCH_BEFORE_ROOT")
    if not root:
        return contextlib.nullcontext(None)
    return servers.project_server(database_url, BROKER, root=Path(root), port=servers.BEFORE_PORT)


def wrk_run(url: str, script: str, args: list[str], seconds: int, cpu_of: tuple[str, str] | None = None) -> dict:
    """One wrk run; with `cpu_of` = (database, application_name), also the server's CPU per request (its
    workers' and their PostgreSQL backends' CPU time over the requests served): on a shared machine the
    throughput swings with the other work, the CPU a request costs much less."""
    meter = servers.CpuMeter(url, *cpu_of) if cpu_of else None
    result = servers.wrk(url, script, args, seconds=seconds, threads=WRK_THREADS)
    if result["failed"] or result["socket_errors"]:
        print(f"    !! {result['failed']} failed answers {result['socket_errors']}", flush=True)
    figures = {"value": result["rate"], "text": f"{result['rate']:8.1f} req/s, latency avg {result['latency']}"}
    if meter is not None:
        spent = meter.stop()
        requests = result["rate"] * seconds
        figures["cpu"] = per_request = {part: seconds_spent / requests * 1000 for part, seconds_spent in spent.items()}
        figures["text"] += (
            f", CPU {sum(per_request.values()):.2f} ms/request "
            f"(workers {per_request['workers']:.2f} + PostgreSQL {per_request['postgres']:.2f})"
        )
    return figures


# --- rating POST vs the one-row floor ----------------------------------------------------------------


def rating_declarations(prefixes: list[str], codes: list[str]) -> None:
    """Cleared declarations for every number rating.lua will send, by the enterprise it will name."""
    from django.db import connection

    from customs_feedback.organization.models import Official
    from ratings.services import ensure_enterprises

    enterprise_ids = ensure_enterprises(codes)
    in_teams = Official.objects.filter(team__isnull=False)  # a declaration names its team
    officials = list(in_teams.order_by("pk").values_list("pk", "branch_id", "team_id"))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_people (i int, official_id int, branch_id int, team_id int)")
        cursor.executemany("INSERT INTO bench_people VALUES (%s, %s, %s, %s)",
                           [(i, *row) for i, row in enumerate(officials)])  # fmt: skip
        cursor.execute("CREATE TEMP TABLE bench_firms (i int, enterprise_id int)")
        firms = [(i, enterprise_ids[code]) for i, code in enumerate(codes)]
        cursor.executemany("INSERT INTO bench_firms VALUES (%s, %s)", firms)
        for prefix in prefixes:
            cursor.execute(
                "INSERT INTO ratings_declaration (number, enterprise_id, branch_id, team_id, official_id, "
                "registered_at, cleared_at, cleared_on, created_at, updated_at) "
                "SELECT %s || lpad((t * 100000 + g)::text, 6, '0'), f.enterprise_id, p.branch_id, p.team_id, "
                "p.official_id, now() - interval '30 hours', now() - interval '1 day', "
                "(now() - interval '1 day')::date, now(), now() "
                "FROM generate_series(0, %s - 1) t, generate_series(0, %s - 1) g "
                "JOIN bench_people p ON p.i = g %% %s "
                "JOIN bench_firms f ON f.i = g %% %s",
                [prefix, WRK_THREADS, NUMBERS_PER_THREAD, len(officials), len(codes)],
            )
        cursor.execute("ANALYZE ratings_declaration")


def compare_rating(args) -> None:
    print("POST /api/v1/ratings/ (1 in 20 low: opens a case and its notice) vs the one-row floor app")
    create()
    django_setup()
    from ratings.models import ApiClient

    codes = tax_codes(16)
    # Thread t's n-th request rates <prefix><t*100000+n>, and n counts from 0 in each run: one prefix per round,
    # and another set for the "before" server, which rates in the same database.
    prefixes = [f"7{index:05d}" for index in range(args.rounds + 1)]
    before_prefixes = [f"6{index:05d}" for index in range(args.rounds + 1)]
    rating_declarations(prefixes + before_prefixes, codes)
    _client, key = ApiClient.objects.create_key(name="bench", scopes=["ratings"])
    servers.floor_prepare()
    with (
        servers.floor_server() as floor_url,
        # "after" and "before" share the database: their PostgreSQL backends are told apart by name.
        servers.project_server(f"{DATABASE_URL}?application_name=bench_after", BROKER) as project_url,
        before_server(f"{DATABASE_URL}?application_name=bench_before") as before_url,
    ):
        bench_db = DATABASE_URL.rsplit("/", 1)[1]

        def reference(index: int) -> dict:
            servers.floor_reset()
            return wrk_run(f"{floor_url}", "rating.lua", ["/rows/", "", prefixes[index], ",".join(codes)], args.seconds,
                           cpu_of=(servers.FLOOR_DB, ""))  # fmt: skip

        def project(index: int, url: str = project_url, numbers: list[str] = prefixes, name: str = "after") -> dict:
            return wrk_run(url, "rating.lua", ["/api/v1/ratings/", key, numbers[index], ",".join(codes)], args.seconds,
                           cpu_of=(bench_db, f"bench_{name}"))  # fmt: skip

        def before(index: int) -> dict:
            return project(index, before_url, before_prefixes, "before")

        interleaved(args.rounds, reference, project, before=before if before_url else None)
    broker_empty()


# --- inquiry submission vs django-helpdesk's public ticket form ---------------------------------------


# Not a secret: a 32-character unmasked CSRF secret is a valid token and cookie value.
CSRF_TOKEN = "benchcsrftoken0123456789abcdefgh"  # noqa: S105


def helpdesk_form(queue_id: int) -> str:
    """The body of django-helpdesk's public ticket form with the benchmark's subject, body and email."""
    from urllib.parse import urlencode

    from complaints_submit import PAYLOAD

    return urlencode({
        "csrfmiddlewaretoken": CSRF_TOKEN, "queue": queue_id, "title": PAYLOAD["subject"], "body": PAYLOAD["body"],
        "submitter_email": PAYLOAD["email"], "priority": 3,
    })  # fmt: skip


def compare_submissions(args, title: str, project_request: list[str]) -> None:
    """wrk against django-helpdesk's public form, the project (and the project before) with `project_request`
    (post.lua's arguments), interleaved; then what each stored."""
    print(title)
    create()
    queue_id = servers.helpdesk_prepare()
    form = helpdesk_form(queue_id)
    with (
        servers.helpdesk_server() as helpdesk_url,
        servers.project_server(DATABASE_URL, BROKER) as project_url,
        before_server(DATABASE_URL) as before_url,
    ):

        def reference(_index: int) -> dict:
            return wrk_run(helpdesk_url, "post.lua", ["/tickets/submit/", "application/x-www-form-urlencoded", form,
                                                      f"Cookie: csrftoken={CSRF_TOKEN}"], args.seconds)  # fmt: skip

        def project(_index: int, url: str = project_url) -> dict:
            return wrk_run(url, "post.lua", project_request, args.seconds)

        interleaved(
            args.rounds, reference, project, before=(lambda index: project(index, before_url)) if before_url else None
        )
    tickets = servers.psql(servers.HELPDESK_DB, "SELECT count(*) FROM helpdesk_ticket")
    django_setup()
    from complaints.models import Inquiry

    print(f"stored: {tickets} helpdesk tickets, {Inquiry.objects.count()} inquiries")
    broker_empty()


def compare_inquiry(args) -> None:
    import json

    from complaints_submit import PAYLOAD

    compare_submissions(
        args,
        "POST /api/v1/inquiries/ vs django-helpdesk 2.6.1 public ticket form (POST /tickets/submit/)",
        ["/api/v1/inquiries/", "application/json", json.dumps(PAYLOAD), "Accept-Language: vi"],
    )


def compare_inquiry_form(args) -> None:
    """The portal's inquiry form (POST /inquiries/, CSRF checked as in the browser, answered with the redirect to
    the tracking page) against the same helpdesk form: both sides send a form body with a valid CSRF token whose
    cookie rides along, as a browser does after it loaded the page."""
    from urllib.parse import urlencode

    from complaints_submit import PAYLOAD

    form = urlencode({"csrfmiddlewaretoken": CSRF_TOKEN, "website": "", **PAYLOAD})
    compare_submissions(
        args,
        "POST /inquiries/ (portal form) vs django-helpdesk 2.6.1 public ticket form (POST /tickets/submit/)",
        ["/inquiries/", "application/x-www-form-urlencoded", form,
         f"Cookie: csrftoken={CSRF_TOKEN}|Accept-Language: vi"],
    )  # fmt: skip


def broker_empty() -> None:
    import redis

    redis.Redis.from_url(BROKER).delete("customs_feedback")  # the tasks the benchmark queued, nothing else


def main() -> None:
    from compare_batch import compare_import, compare_stats

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["rating", "inquiry", "inquiry-form", "import", "stats"])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    print(f"machine shared with other work; {os.cpu_count()} CPUs; load before: {servers.load_average()}")
    commands = {"rating": compare_rating, "inquiry": compare_inquiry, "inquiry-form": compare_inquiry_form}
    {**commands, "import": compare_import, "stats": compare_stats}[args.what](args)


if __name__ == "__main__":
    main()
