"""Where a gunicorn worker's time goes on `POST /api/v1/ratings/`: the project served as `compare.py rating`
serves it (same database set-up, gunicorn, wrk script), one worker recorded with `py-spy record --gil`.

    BENCH_DB=cf_x_prof BENCH_PORT_BASE=8300 BENCH_BROKER=redis://127.0.0.1:6379/7 \
        .venv/bin/python bench/rating_profile.py [--seconds 12] [--out var/bench/rating.txt]

Prints the share of samples under each of the functions that matter (inclusive), and leaves the raw
(collapsed) stacks in --out for flame graphs or grep. Also prints the CPU time of the workers and of their
PostgreSQL backends per request (from /proc), as the fourth pass measured it.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "references"))

import servers
from compare import BROKER, WRK_THREADS, broker_empty, rating_declarations
from ratings_setup import DATABASE_URL, ROOT, create, django_setup, tax_codes


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in out.split()]


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU seconds of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / os.sysconf("SC_CLK_TCK"), int(fields[12]) / os.sysconf("SC_CLK_TCK")


def backends(database: str) -> list[int]:
    rows = servers.psql(
        database, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    return [int(pid) for pid in rows.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=12)
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "rating-profile.txt"))
    parser.add_argument("--rate", type=int, default=500, help="py-spy's samples a second; 0: no py-spy")
    parser.add_argument("--native", action="store_true", help="py-spy --native: C frames too (the collector)")
    args = parser.parse_args()
    create()
    django_setup()
    from ratings.models import ApiClient

    codes = tax_codes(16)
    prefixes = ["700000", "700001"]
    rating_declarations(prefixes, codes)
    _client, key = ApiClient.objects.create_key(name="bench", scopes=["ratings"])
    database = DATABASE_URL.rsplit("/", 1)[1]
    with servers.project_server(DATABASE_URL, BROKER) as url:
        master = int(subprocess.run(["lsof", "-t", f"-iTCP:{servers.PROJECT_PORT}", "-sTCP:LISTEN"],
                                    capture_output=True, text=True).stdout.split()[0])  # fmt: skip
        wrk_args = ["/api/v1/ratings/", key, prefixes[0], ",".join(codes)]
        print("warm-up", servers.wrk(url, "rating.lua", wrk_args, seconds=4, threads=WRK_THREADS))
        workers = [pid for pid in children(master) if pid != master]
        pg = backends(database)
        before = {pid: cpu_seconds(pid) for pid in workers + pg}
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        spy_command = [str(Path(sys.executable).parent / "py-spy"), "record", "--gil", "-r", str(args.rate),
                       "-f", "raw",
                       *(["--native"] if args.native else []), "-d", str(args.seconds), "-o", args.out,
                       "--pid", str(workers[0])]  # fmt: skip
        spy = args.rate and subprocess.Popen(spy_command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        result = servers.wrk(url, "rating.lua", [*wrk_args[:2], prefixes[1], wrk_args[3]],
                             seconds=args.seconds, threads=WRK_THREADS)  # fmt: skip
        if spy:
            spy.wait()
        after = {pid: cpu_seconds(pid) for pid in before if Path(f"/proc/{pid}").exists()}
        requests = result["rate"] * args.seconds
        print(f"{result['rate']:.1f} req/s, failed {result['failed']} {result['socket_errors']}")

        def per_request(pids: list[int], part: int) -> float:
            return sum(after[p][part] - before[p][part] for p in pids if p in after) / requests * 1000

        print(f"CPU per request, user + system: workers {per_request(workers, 0):.3f} + "
              f"{per_request(workers, 1):.3f} ms, "
              f"PostgreSQL {per_request(pg, 0):.3f} + {per_request(pg, 1):.3f} ms ({len(pg)} backends); "
              f"load {servers.load_average()}")  # fmt: skip
    broker_empty()
    if args.rate:
        summarise(Path(args.out))


def summarise(path: Path, top: int = 60) -> None:
    """Share of samples per function: inclusive (each function counted once per stack) and its own (leaf)."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _space, count = line.rpartition(" ")
        n = int(count)
        total += n
        frames = [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    print(f"{total} samples; inclusive:")
    for frame, n in inclusive.most_common(top):
        print(f"{100 * n / total:5.1f}%  {frame[:150]}")
    print("own (the function itself, not what it calls):")
    for frame, n in own.most_common(top // 2):
        print(f"{100 * n / total:5.1f}%  {frame[:150]}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--summary":
        summarise(Path(sys.argv[2]), top=150)
    else:
        main()
