"""Benchmark: `import_agreements` of N generated rows (default 20,000) on PostgreSQL.

Creates a scratch database next to the one in DATABASE_URL (suffix `_bench`), migrates it, generates a CSV
of historical signings with valid tax codes (1% bad rows mixed in), times the import and a second run
(which must create nothing), then drops the scratch database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cf_partnerships .venv/bin/python bench/partnerships_import.py
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def scratch_url(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL")
    name = parts.path.lstrip("/") + "_bench"
    admin = urlunsplit(parts._replace(path="/postgres"))
    return urlunsplit(parts._replace(path=f"/{name}")), admin, name


def generate(path: Path, rows: int) -> None:
    from stdnum.vn import mst

    branches = ["03CC", "03EE", "03TG", "03PL", "03CE"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["tax_code", "company_name", "address", "representative_name", "email", "signed_on", "branch_code"]
        )
        sequence = 1_000_000
        for index in range(rows):
            while True:
                stem = f"02{sequence:07d}"
                sequence += 1
                check = mst.calc_check_digit(stem)
                if len(check) == 1:
                    break
            tax_code = stem + check
            if index % 100 == 99:
                tax_code = stem + str((int(check) + 1) % 10)  # a wrong check digit
            writer.writerow(
                [
                    tax_code,
                    f"Công ty TNHH Xuất nhập khẩu Hải Phòng {index}",
                    f"Số {index % 300 + 1} Lạch Tray, Ngô Quyền, Hải Phòng",
                    "Nguyễn Văn Hùng",
                    f"xnk{index}@doanhnghiep.example.vn",
                    f"{2014 + index % 7}-{index % 12 + 1:02d}-{index % 28 + 1:02d}",
                    branches[index % len(branches)],
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()

    import psycopg

    url, admin_url, name = scratch_url(os.environ["DATABASE_URL"])
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(DATABASE_URL=url, DJANGO_DEBUG="1", DJANGO_SETTINGS_MODULE="customs_feedback.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "agreements.csv"
            generate(path, args.rows)
            for label in ("first run", "second run"):
                out = io.StringIO()
                started = time.perf_counter()
                call_command("import_agreements", str(path), "--no-progress", stdout=out)
                elapsed = time.perf_counter() - started
                print(f"{label}: {elapsed:.1f} s for {args.rows} rows — {out.getvalue().splitlines()[0]}")
        connections.close_all()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
