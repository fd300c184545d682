"""Creating the enterprises of an import: one INSERT … SELECT FROM unnest (now) vs bulk_create (before).

    BENCH_DB=cf_enterprises_bench .venv/bin/python bench/enterprises_create.py [--codes 20000] [--rounds 3]

Each round empties the enterprise table and creates `--codes` new enterprises both ways, alternating which
goes first; the ratio is before / now (above 1: the new path is faster).
"""

from __future__ import annotations

import argparse
import statistics
import time

from ratings_setup import create, django_setup, tax_codes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    create()
    django_setup()
    from django.db import connection, transaction

    from ratings.services.declarations_bulk import _ensure_enterprises_portable, _ensure_enterprises_postgresql

    codes = tax_codes(args.codes)
    ways = {"bulk_create": lambda: _ensure_enterprises_portable(set(codes)),
            "unnest": lambda: _ensure_enterprises_postgresql(sorted(codes))}  # fmt: skip
    ratios = []
    for index in range(args.rounds):
        seconds = {}
        for name in sorted(ways, reverse=bool(index % 2)):
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE partnerships_enterprise CASCADE")
            load = open("/proc/loadavg").read().split()[0]  # noqa: SIM115
            started = time.perf_counter()
            with transaction.atomic():
                ids = ways[name]()
            seconds[name] = time.perf_counter() - started
            assert len(ids) == len(codes)
            print(f"  round {index + 1} {name:<12} {seconds[name]:6.2f} s  (load {load})", flush=True)
        ratios.append(seconds["bulk_create"] / seconds["unnest"])
    print(f"{args.codes:,} new enterprises: unnest is {statistics.median(ratios):.1f}x faster than bulk_create "
          f"(rounds: {', '.join(f'{r:.1f}' for r in ratios)})")  # fmt: skip


if __name__ == "__main__":
    main()
