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


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backends(database: str) -> list[int]:
    rows = servers.psql(
        database, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    return [int(pid) for pid in rows.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=12)
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "rating-profile.txt"))
    parser.add_argument("--rate", type=int, default=500)
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
        spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--gil", "-r", str(args.rate),
                                "-f", "raw", "-d", str(args.seconds), "-o", args.out, "--pid", str(workers[0])],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        result = servers.wrk(url, "rating.lua", [*wrk_args[:2], prefixes[1], wrk_args[3]],
                             seconds=args.seconds, threads=WRK_THREADS)  # fmt: skip
        spy.wait()
        after = {pid: cpu_seconds(pid) for pid in before if Path(f"/proc/{pid}").exists()}
        requests = result["rate"] * args.seconds
        print(f"{result['rate']:.1f} req/s, failed {result['failed']} {result['socket_errors']}")
        py = sum(after[p] - before[p] for p in workers if p in after)
        db = sum(after[p] - before[p] for p in pg if p in after)
        print(f"CPU per request: workers {py / requests * 1000:.3f} ms, PostgreSQL {db / requests * 1000:.3f} ms "
              f"({len(pg)} backends); load {servers.load_average()}")  # fmt: skip
    broker_empty()
    summarise(Path(args.out))


def summarise(path: Path, top: int = 60) -> None:
    """Inclusive share of samples per function (each counted once per stack)."""
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _space, count = line.rpartition(" ")
        n = int(count)
        total += n
        for frame in set(stack.split(";")):
            inclusive[frame] += n
    print(f"{total} samples")
    for frame, n in inclusive.most_common(top):
        print(f"{100 * n / total:5.1f}%  {frame[:150]}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--summary":
        summarise(Path(sys.argv[2]), top=150)
    else:
        main()
