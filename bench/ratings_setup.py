"""Shared set-up for the ratings benchmarks: a throw-away PostgreSQL database with an organisation in it.

BENCH_DB=cf_ratings_bench .venv/bin/python bench/ratings_setup.py create   # createdb + migrate + org
BENCH_DB=cf_ratings_bench .venv/bin/python bench/ratings_setup.py drop
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = os.environ.get("BENCH_DB", "cf_ratings_bench")
PG = ["-h", "127.0.0.1", "-U", "postgres"]
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"
BRANCHES, TEAMS, OFFICIALS_PER_TEAM = 10, 3, 4


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_feedback.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def tax_codes(count: int) -> list[str]:
    from stdnum.vn import mst

    codes, sequence = [], 1
    while len(codes) < count:
        stem = f"02{sequence:07d}"
        check = mst.calc_check_digit(stem)
        if len(check) == 1:
            codes.append(stem + check)
        sequence += 1
    return codes


def officials() -> list[tuple[str, str, str]]:
    """(branch_code, team_code, official_code) for every benchmark official."""
    return [
        (f"9{b:03d}", f"T{t}", f"B{b}-T{t}-{o}")
        for b in range(BRANCHES)
        for t in range(TEAMS)
        for o in range(OFFICIALS_PER_TEAM)
    ]


def create() -> None:
    subprocess.run(["dropdb", *PG, "--if-exists", BENCH_DB], check=True)
    subprocess.run(["createdb", *PG, BENCH_DB], check=True)
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_DEBUG": "1"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    django_setup()
    from customs_feedback.organization.models import Branch, Official, Team

    for branch_code, team_code, official_code in officials():
        branch, _ = Branch.objects.get_or_create(code=branch_code, defaults={"name_vi": f"Chi cục {branch_code}"})
        team, _ = Team.objects.get_or_create(branch=branch, code=team_code, defaults={"name_vi": f"Đội {team_code}"})
        Official.objects.get_or_create(
            code=official_code, defaults={"full_name": f"Cán bộ {official_code}", "branch": branch, "team": team}
        )


def api_key(scopes: list[str]) -> str:
    from ratings.models import ApiClient

    _client, key = ApiClient.objects.create_key(name="bench", scopes=scopes)
    return key


def drop() -> None:
    subprocess.run(["dropdb", *PG, "--if-exists", "--force", BENCH_DB], check=True)


if __name__ == "__main__":
    {"create": create, "drop": drop}[sys.argv[1]]()
