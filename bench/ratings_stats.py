"""Benchmark: the stats query for one branch over a year with 20,000,000 declarations and 2,000,000 ratings.

    .venv/bin/python bench/ratings_setup.py create
    .venv/bin/python bench/ratings_stats.py [--declarations 20000000] [--ratings-every 10]
    .venv/bin/python bench/ratings_setup.py drop

The raw rows are generated in PostgreSQL with generate_series (a year, 2025, spread over 120 officials of
10 branches and 20,000 enterprises; one rating in five rejected), the rollup is rebuilt by the same function
the periodic job runs, then the stats selector and the HTTP endpoint are timed, and their figures are
checked against a direct aggregate over the raw rows.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from ratings_setup import django_setup, tax_codes

YEAR_FROM, YEAR_TO = date(2025, 1, 1), date(2025, 12, 31)


def generate(declarations: int, every: int) -> None:
    from django.db import connection

    from customs_feedback.organization.models import Official
    from ratings.services import ensure_enterprises

    codes = tax_codes(20000)
    enterprise_ids = ensure_enterprises(codes)
    officials = list(
        Official.objects.filter(team__isnull=False).order_by("pk").values_list("pk", "branch_id", "team_id")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("CREATE TEMP TABLE people (i int PRIMARY KEY, official_id int, branch_id int, team_id int)")
        cursor.executemany(
            "INSERT INTO people VALUES (%s, %s, %s, %s)",
            [(i, pk, branch, team) for i, (pk, branch, team) in enumerate(officials)],
        )
        cursor.execute("CREATE TEMP TABLE firms (i int PRIMARY KEY, enterprise_id int)")
        cursor.executemany("INSERT INTO firms VALUES (%s, %s)", [(i, enterprise_ids[c]) for i, c in enumerate(codes)])
        chunk = 2_000_000
        for start in range(0, declarations, chunk):
            started = time.perf_counter()
            cursor.execute(
                "INSERT INTO ratings_declaration (number, enterprise_id, branch_id, team_id, official_id, "
                "registered_at, cleared_at, cleared_on, created_at, updated_at) "
                "SELECT (300000000000 + g)::text, f.enterprise_id, p.branch_id, p.team_id, p.official_id, "
                "c - interval '3 hours', c, (c AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, now(), now() "
                "FROM (SELECT g, timestamptz '2025-01-01 00:00+07' + (g::float8 / %s) * interval '365 days' AS c "
                "      FROM generate_series(%s::bigint, %s::bigint) g) s "
                "JOIN people p ON p.i = s.g %% %s JOIN firms f ON f.i = (s.g * 7919) %% %s",
                [declarations, start, min(start + chunk, declarations) - 1, len(officials), len(codes)],
            )
            print(f"  declarations {start + chunk:>11,}  ({time.perf_counter() - started:.1f} s)", flush=True)
        started = time.perf_counter()
        # Scores skewed towards satisfied, as in Hai Phong; one score in three left empty for the team.
        cursor.execute(
            "INSERT INTO ratings_rating (declaration_id, branch_id, team_id, official_id, official_score, team_score, "
            "branch_score, reason, comment, channel, status, rejection_reason, rejection_note, submitted_at, "
            "submitted_on, updated_at) "
            "SELECT d.id, d.branch_id, d.team_id, d.official_id, s.o, CASE WHEN d.id %% 3 = 0 THEN NULL ELSE s.t END, "
            "s.b, CASE WHEN least(s.o, s.b) <= 2 THEN 'delay' ELSE '' END, '', 'software', "
            "CASE WHEN d.id %% 50 = 0 THEN 'rejected' ELSE 'verified' END, "
            "CASE WHEN d.id %% 50 = 0 THEN 'abusive' ELSE '' END, '', "
            "d.cleared_at + interval '1 hour', "
            "((d.cleared_at + interval '1 hour') AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, now() "
            "FROM ratings_declaration d, LATERAL (SELECT "
            "  (ARRAY[1,2,3,4,4,5,5,5,5,5])[1 + (d.id * 31) %% 10] AS o, "
            "  (ARRAY[2,3,4,4,5,5,5,5,5,5])[1 + (d.id * 17) %% 10] AS t, "
            "  (ARRAY[1,3,4,4,4,5,5,5,5,5])[1 + (d.id * 13) %% 10] AS b) s "
            "WHERE d.id %% %s = 0 AND d.number >= '300000000000'",  # not the demo's own declarations
            [every],
        )
        print(f"  ratings {cursor.rowcount:,} ({time.perf_counter() - started:.1f} s)", flush=True)
        cursor.execute("ANALYZE")


def timed(function, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--declarations", type=int, default=20_000_000)
    parser.add_argument("--ratings-every", type=int, default=10)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    django_setup()
    from django.db import connection
    from django.test import Client

    from customs_feedback.organization.models import Branch
    from ratings.rollups import raw_counters, rollup_rebuild
    from ratings.selectors import StatsFilter, figures_from_counters, rating_stats

    started = time.perf_counter()
    generate(args.declarations, args.ratings_every)
    print(f"generated in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    keys = rollup_rebuild(date_from=YEAR_FROM, date_to=YEAR_TO)
    print(f"rollup rebuilt for the year: {keys:,} rows in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ratings_dailyrollup")
        cursor.execute("SELECT count(*) FROM ratings_declaration")
        total_declarations = cursor.fetchone()[0]
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE status = 'rejected') FROM ratings_rating")
        total_ratings, rejected = cursor.fetchone()
    print(f"loaded: {total_declarations:,} declarations, {total_ratings:,} ratings ({rejected:,} rejected)")

    branch = Branch.objects.order_by("code").first()
    year = StatsFilter(branch_ids=[branch.pk], date_from=YEAR_FROM, date_to=YEAR_TO)
    figures = rating_stats(stats_filter=year)
    query_median, query_p95 = timed(lambda: rating_stats(stats_filter=year), args.runs)
    client = Client(HTTP_HOST="localhost")
    url = f"/api/v1/ratings/stats/?branch={branch.code}&date_from={YEAR_FROM}&date_to={YEAR_TO}"
    assert client.get(url).json() == figures
    http_median, http_p95 = timed(lambda: client.get(url), args.runs)

    started = time.perf_counter()
    direct = raw_counters(date_from=YEAR_FROM, date_to=YEAR_TO)
    branch_direct: dict[str, int] = {}
    for (_day, branch_id, _team, _official), counters in direct.items():
        if branch_id == branch.pk:
            for column, value in counters.items():
                branch_direct[column] = branch_direct.get(column, 0) + value
    direct_ms = (time.perf_counter() - started) * 1000
    assert figures_from_counters(branch_direct) == figures, "rollup and raw rows disagree"
    print(f"branch {branch.code}, 2025: {figures['declarations']:,} declarations, {figures['ratings']:,} ratings")
    print(f"stats selector: median {query_median:.2f} ms, p95 {query_p95:.2f} ms ({args.runs} runs)")
    print(f"GET {url}: median {http_median:.2f} ms, p95 {http_p95:.2f} ms (in-process client)")
    print(f"for comparison, the same figures aggregated from the raw rows (all branches): {direct_ms:,.0f} ms")


if __name__ == "__main__":
    main()
