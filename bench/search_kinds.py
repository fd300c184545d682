"""Time each kind of the admin header search on its own (second call of each, so start-up is not counted).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cf_big .venv/bin/python bench/search_kinds.py 0213405184 thep

Runs as the superuser `admin` of the demo data (bench/generate_big.py seeds it); an empty query list takes
the first inquiry's tracking code. Prints each kind's time and result count, and with -v each SQL statement.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_feedback.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queries", nargs="*")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from complaints.models import Inquiry
    from customs_feedback.core import search

    for app in ("customs_feedback.organization", "partnerships", "ratings", "complaints"):
        import_module(f"{app}.search")
    user = get_user_model().objects.get(username="admin")
    queries = args.queries or [Inquiry.objects.values_list("tracking_code", flat=True).first()]
    for text in queries:
        query = search.SearchQuery(text)
        print(f"query {text!r}")
        for kind in search._kinds:
            kind.provider(user, query)
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                results = kind.provider(user, query)
            print(f"  {kind.name:<50} {1000 * (time.perf_counter() - started):8.1f} ms  {len(results)} results")
            for statement in captured.captured_queries if args.verbose else []:
                print(f"      {statement['time']} s  {statement['sql'][:200]}")


if __name__ == "__main__":
    main()
