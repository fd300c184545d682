"""Machine instructions of one `POST /api/v1/ratings/` in the web process, counted by valgrind: a measure of the
worker's work that other load on a shared machine does not move (times and rates do, by ±15 % here).

    BENCH_DB=cf_x_ir BENCH_BROKER=redis://127.0.0.1:6379/7 .venv/bin/python bench/rating_instructions.py \
        [--posts 200] [--root OTHER_CHECKOUT]

Runs `bench/rating_cpu.py`'s set-up and requests (Django's WSGI handler called in process, production
settings, PostgreSQL, 1 rating in 20 low) under `valgrind --tool=callgrind` twice, with 60 and 60 + --posts
requests, and prints the difference per request: start-up and warm-up cancel out. PostgreSQL's own work is
not counted (another process). About five minutes a run; `--root` measures another checkout (its .venv).
`--floor` counts the one-row floor app (`bench/references/floor`, compare.py's reference) the same way, with
the same bodies: the ratio of the two counts is the web side of compare.py's ratio, without the machine's noise.
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


# The floor app as compare.py serves it (references.servers), called in process with the bodies rating.lua sends.
_FLOOR_DRIVER = """
import io, json, os, sys
sys.path.insert(0, "bench")
sys.path.insert(0, "bench/references")
from references import servers
os.environ.update(servers.floor_env())
servers.floor_prepare()
servers.floor_reset()
sys.path.insert(0, "bench/references/floor")
from floorapp.site import application
for n in range(int(sys.argv[1])):
    body = json.dumps({"declaration_number": f"700000{n:06d}", "tax_code": "0100000001", "official_score": 5,
                       "team_score": 4, "branch_score": 5, "reason": "", "comment": ""}).encode()
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/rows/", "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
               "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "CONTENT_TYPE": "application/json",
               "CONTENT_LENGTH": str(len(body)), "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(body),
               "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1"}
    statuses = []
    result = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(result)
    result.close()
    assert statuses[0].startswith("201"), statuses[0]
"""


def instructions(root: Path, count: int, driver: str = _DRIVER) -> int:
    """Instructions (callgrind's `Ir`) of a whole run making `count` requests in the checkout at `root`."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
               str(root / ".venv" / "bin" / "python"), "-c", driver, str(count)]  # fmt: skip
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=os.environ, check=False)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode != 0 or found is None:
        raise SystemExit(f"valgrind run failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return int(found[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--root", type=Path, default=HERE.parent)
    parser.add_argument("--floor", action="store_true", help="count the one-row floor app instead")
    args = parser.parse_args()
    driver = _FLOOR_DRIVER if args.floor else _DRIVER
    short = instructions(args.root, WARM_UP, driver)
    long = instructions(args.root, WARM_UP + args.posts, driver)
    what = "floor POST" if args.floor else "rating POST"
    print(f"{args.root}: {(long - short) / args.posts:,.0f} instructions per {what} "
          f"({short:,} for {WARM_UP} requests with start-up, {long:,} for {WARM_UP + args.posts})")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
