"""Benchmark: `manage.py import_declarations` of a 1,000,000-row CSV into PostgreSQL.

.venv/bin/python bench/ratings_setup.py create
.venv/bin/python bench/ratings_import.py [--rows 1000000]
.venv/bin/python bench/ratings_setup.py drop
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ratings_setup import DATABASE_URL, ROOT, officials, tax_codes

HEADER = "number,tax_code,branch_code,team_code,official_code,registered_at,cleared_at\n"


def write_csv(path: Path, rows: int) -> None:
    codes = tax_codes(20000)
    people = officials()
    start = datetime(2025, 1, 1, 7, tzinfo=timezone(timedelta(hours=7)))
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(rows):
            branch, team, official = people[n % len(people)]
            registered = start + timedelta(seconds=n * 30)
            cleared = "" if n % 50 == 0 else (registered + timedelta(hours=3)).isoformat()
            number = f"{500000000000 + n}" if n % 10_000 else "12345"  # one bad row in 10,000
            out.write(
                f"{number},{codes[n % len(codes)]},{branch},{team},{official},{registered.isoformat()},{cleared}\n"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "declarations.csv"
        write_csv(path, args.rows)
        env = {**os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_DEBUG": "1", "LOG_LEVEL": "WARNING"}
        env.pop("CELERY_BROKER_URL", None)
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "manage.py", "import_declarations", str(path), "--no-progress", "-v", "2"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
    print("\n".join(result.stdout.splitlines()[:2]))
    print(f"{args.rows} rows in {elapsed:.1f} s = {args.rows / elapsed:,.0f} rows/s (whole command, incl. start-up)")


if __name__ == "__main__":
    main()
