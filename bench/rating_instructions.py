"""Machine instructions of one `POST /api/v1/ratings/` in the web process, counted by valgrind: a measure of the
worker's work that other load on a shared machine does not move (times and rates do, by ±15 % here).

    BENCH_DB=cf_x_ir BENCH_BROKER=redis://127.0.0.1:6379/7 .venv/bin/python bench/rating_instructions.py \
        [--posts 200] [--root OTHER_CHECKOUT]

Runs `bench/rating_cpu.py`'s set-up and requests (Django's WSGI handler called in process, production
settings, PostgreSQL, 1 rating in 20 low) under `valgrind --tool=callgrind` twice, with 60 and 60 + --posts
requests, and prints the difference per request: start-up and warm-up cancel out. PostgreSQL's own work is
not counted (another process). About five minutes a run; `--root` measures another checkout (its .venv).
Needs valgrind (`apt-get install valgrind`).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WARM_UP = 60

# Run in the checkout measured: its own rating_cpu.py set-up, then `count` requests.
_DRIVER = """
import sys
sys.path.insert(0, "bench")
import rating_cpu
post = rating_cpu.prepared()
from django.core.handlers.wsgi import WSGIHandler
application = WSGIHandler()
for _ in range(int(sys.argv[1])):
    post(application)
"""


def instructions(root: Path, count: int) -> int:
    """Instructions (callgrind's `Ir`) of a whole run making `count` requests in the checkout at `root`."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
               str(root / ".venv" / "bin" / "python"), "-c", _DRIVER, str(count)]  # fmt: skip
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=os.environ, check=False)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode != 0 or found is None:
        raise SystemExit(f"valgrind run failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return int(found[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--root", type=Path, default=HERE.parent)
    args = parser.parse_args()
    short = instructions(args.root, WARM_UP)
    long = instructions(args.root, WARM_UP + args.posts)
    print(f"{args.root}: {(long - short) / args.posts:,.0f} instructions per rating POST "
          f"({short:,} for {WARM_UP} requests with start-up, {long:,} for {WARM_UP + args.posts})")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
