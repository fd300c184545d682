"""Load the national-scale data set: 20 M declarations, 2 M ratings, 100 k inquiries, 20 k agreements.

    BENCH_DB=cf_big .venv/bin/python bench/generate_big.py [--declarations 20000000] [--inquiries 100000]
                                                           [--agreements 20000]

Creates BENCH_DB afresh (migrations, `seed_demo`: the demo organisation and staff accounts), then fills it in
PostgreSQL with generate_series, never row by row from Python:
- agreements through `import_agreements` of a generated CSV (enterprise, agreement in force, event per row);
- declarations and ratings as bench/ratings_stats.py generates them (a year, every 10th rated, 1 in 50 rejected),
  then the rollup rebuilt by the periodic job's function;
- inquiries cloned from one submitted through the service, so every column a migration adds comes along:
  spread over two years, most answered (a few late), some open and overdue; then their monthly rollup rebuilt.
Phase times are printed; the whole set takes minutes (about 5 on the shared 2-core machine).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ratings_setup import BENCH_DB, DATABASE_URL, PG, ROOT, django_setup


def phase(name: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {name}: {now - started:.1f} s", flush=True)
    return now


def manage(*args: str) -> None:
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_DEBUG": "1", "LOG_LEVEL": "WARNING"}
    env.pop("CELERY_BROKER_URL", None)
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def agreements(count: int) -> None:
    from partnerships_import import generate

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "agreements.csv"
        generate(path, count)
        manage("import_agreements", str(path), "--no-progress")


def inquiries(count: int) -> None:
    """Clone one real inquiry `count` times, varying what the admin filters, orders and counts by."""
    from django.db import connection

    from complaints.models import Inquiry, InquiryCategory
    from complaints.services import inquiry_submit
    from customs_feedback.organization.models import Branch

    template = inquiry_submit(
        name="Công ty TNHH Logistics Đình Vũ",
        email="bench@dinhvu.example.vn",
        category_code="procedures",
        subject="Thủ tục tạm nhập tái xuất máy móc thi công",
        body="Công ty chúng tôi cần tạm nhập máy xúc để thi công dự án, xin hướng dẫn hồ sơ.",
    )
    categories = list(InquiryCategory.objects.order_by("pk").values_list("pk", flat=True))
    branches = list(Branch.objects.order_by("pk").values_list("pk", flat=True))
    overrides = {
        "tracking_code": "'B' || lpad(g::text, 9, '0')",
        "submitted_at": "s.at",
        "updated_at": "s.at",
        "due_date": "(s.at + interval '10 days')::date",
        "category_id": f"(ARRAY{categories})[1 + g %% {len(categories)}]",
        "branch_id": f"CASE WHEN g %% 10 = 0 THEN NULL ELSE (ARRAY{branches})[1 + g %% {len(branches)}] END",
        "status": "CASE WHEN g %% 20 = 0 THEN 'new' WHEN g %% 20 = 1 THEN 'assigned' ELSE 'answered' END",
        "first_answered_at": "CASE WHEN g %% 20 < 2 THEN NULL ELSE s.at + (g %% 300) * interval '1 hour' END",
        "answered_at": "CASE WHEN g %% 20 < 2 THEN NULL ELSE s.at + (g %% 300) * interval '1 hour' END",
    }  # fmt: skip
    columns = [field.column for field in Inquiry._meta.concrete_fields if field.column != "id"]
    select = ", ".join(overrides.get(column, f"t.{connection.ops.quote_name(column)}") for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO complaints_inquiry ({', '.join(connection.ops.quote_name(c) for c in columns)}) "  # noqa: S608
            f"SELECT {select} FROM complaints_inquiry t, "
            "LATERAL (SELECT g, now() - (g::float8 / %s) * interval '730 days' AS at "
            "         FROM generate_series(1, %s) g) s WHERE t.id = %s",
            [count, count, template.pk],
        )
        cursor.execute("ANALYZE complaints_inquiry")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--declarations", type=int, default=20_000_000)
    parser.add_argument("--ratings-every", type=int, default=10)
    parser.add_argument("--inquiries", type=int, default=100_000)
    parser.add_argument("--agreements", type=int, default=20_000)
    args = parser.parse_args()
    print(f"loading {BENCH_DB}: {args.declarations:,} declarations, {args.declarations // args.ratings_every:,} "
          f"ratings, {args.inquiries:,} inquiries, {args.agreements:,} agreements")  # fmt: skip
    started = time.perf_counter()
    subprocess.run(["dropdb", *PG, "--if-exists", "--force", BENCH_DB], check=True)
    subprocess.run(["createdb", *PG, BENCH_DB], check=True)
    manage("migrate", "-v0")
    manage("seed_demo")
    started = phase("schema and demo data", started)
    agreements(args.agreements)
    started = phase("agreements (import_agreements)", started)
    django_setup()
    from ratings_stats import YEAR_FROM, YEAR_TO, generate

    from ratings.rollups import rollup_rebuild

    generate(args.declarations, args.ratings_every)
    started = phase("declarations and ratings", started)
    rollup_rebuild(date_from=YEAR_FROM, date_to=YEAR_TO)
    started = phase("rollup", started)
    inquiries(args.inquiries)
    started = phase("inquiries", started)
    from complaints.rollup import inquiry_rollup_rebuild

    inquiry_rollup_rebuild()  # the clones were written past the services, which keep the rollup
    phase("inquiry rollup", started)


if __name__ == "__main__":
    main()
