"""Time the admin pages staff open daily, in-process (Django's test client, a signed-in user), on one database.

    DATABASE_URL=postgres://…/cf_demo .venv/bin/python bench/admin_pages.py [--runs 20] [--user admin]

Run it on the demo data (`seed_demo`) and on the big set (bench/generate_big.py) in alternation (demo, big,
demo, big) and compare the medians page by page; bench/admin_pages.sh does exactly that.
Each page is opened once untimed, then `--runs` times; median, p95 and fastest in milliseconds. Static files must be
collected first (`manage.py collectstatic`, production settings), as in production.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update({
        "DJANGO_DEBUG": "0", "LOG_LEVEL": "WARNING", "DJANGO_SECRET_KEY": "bench-" + "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "testserver", "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "customs_feedback.settings", "CERTIFICATE_SIGNING": "off",
    })  # fmt: skip
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()


def start_worker(client) -> None:
    """What a gunicorn worker does once loaded (customs_feedback/wsgi.py), with the client's middleware as its own.

    The same production function: the first requests' lazy loads done, garbage collected, the rest frozen out of
    the collector's walks, so the timed loads pay the collector's pauses a worker pays, no more.
    """
    from customs_feedback.warmup import warm_up_and_freeze

    client.handler.load_middleware()  # as get_wsgi_application() loads the worker's
    warm_up_and_freeze()


def pages(user) -> list[tuple[str, str]]:
    """The pages, with the declaration and inquiry opened being the latest ones the user may see."""
    from django.urls import reverse
    from django.utils import timezone

    from complaints.models import Inquiry
    from customs_feedback.organization.scoping import for_user
    from ratings.models import Declaration

    declaration = for_user(user, Declaration.objects.order_by("-registered_at")).only("pk", "number").first()
    inquiry = for_user(user, Inquiry.objects.order_by("-submitted_at")).only("pk", "tracking_code").first()
    last_year = timezone.localdate().year - 1
    if declaration is None or inquiry is None:
        # A role that sees no declaration or no inquiry (partnership desk, inspection, an official): the pages it
        # may open that name none.
        return _pages_without_records(last_year)
    return [
        ("dashboard", reverse("admin:index")),
        ("declarations", reverse("admin:ratings_declaration_changelist")),
        ("declarations of one branch", reverse("admin:ratings_declaration_changelist") + "?branch__id__exact=1"),
        ("declaration search", reverse("admin:ratings_declaration_changelist") + f"?q={declaration.number}"),
        ("declaration", reverse("admin:ratings_declaration_change", args=[declaration.pk])),
        ("ratings", reverse("admin:ratings_rating_changelist")),
        ("ratings received", reverse("admin:ratings_rating_changelist") + "?status__exact=received"),
        ("rating statistics", reverse("admin:ratings_dailyrollup_changelist")),
        ("rating statistics, all time", reverse("admin:ratings_dailyrollup_changelist") + "?date_from=&date_to="),
        ("inquiries", reverse("admin:complaints_inquiry_changelist")),
        ("inquiries overdue", reverse("admin:complaints_inquiry_changelist") + "?queue=overdue"),
        ("inquiry", reverse("admin:complaints_inquiry_change", args=[inquiry.pk])),
        ("inquiry statistics", reverse("admin:complaints_inquiry_statistics")),
        ("agreements", reverse("admin:partnerships_agreement_changelist")),
        ("enterprises", reverse("admin:partnerships_enterprise_changelist")),
        ("notifications", reverse("admin:notifications_notification_changelist")),
        ("report (last month)", reverse("admin_report")),
        ("report (last year)", reverse("admin_report") + f"?period={last_year}"),
        ("search", reverse("admin_search") + f"?q={inquiry.tracking_code}"),
    ]


def _pages_without_records(last_year: int) -> list[tuple[str, str]]:
    from django.urls import reverse

    return [
        ("dashboard", reverse("admin:index")),
        ("declarations", reverse("admin:ratings_declaration_changelist")),
        ("ratings", reverse("admin:ratings_rating_changelist")),
        ("rating statistics", reverse("admin:ratings_dailyrollup_changelist")),
        ("inquiries", reverse("admin:complaints_inquiry_changelist")),
        ("inquiry statistics", reverse("admin:complaints_inquiry_statistics")),
        ("agreements", reverse("admin:partnerships_agreement_changelist")),
        ("enterprises", reverse("admin:partnerships_enterprise_changelist")),
        ("report (last month)", reverse("admin_report")),
        ("report (last year)", reverse("admin_report") + f"?period={last_year}"),
    ]


def timed(client, url: str, runs: int) -> list[float]:
    """`runs` timings of the page; none when the user's role may not open it (403)."""
    response = client.get(url)
    if response.status_code == 403:
        return []
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    samples = []
    for _run in range(runs):
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> str:
    if not samples:
        return "(not open to this user)"
    p95 = statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]
    # The fastest run too: on a shared machine the median moves with the other work, the fastest much less.
    return f"median {statistics.median(samples):7.1f} ms  p95 {p95:7.1f} ms  min {min(samples):7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--user", default="admin")
    parser.add_argument("--only", nargs="*", help="time only these pages (their names, e.g. dashboard)")
    args = parser.parse_args()
    setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    print(f"load average {Path('/proc/loadavg').read_text().split()[0]}; database {connection.settings_dict['NAME']}")
    client = Client(SERVER_NAME="testserver")
    start_worker(client)
    user = get_user_model().objects.get(username=args.user)
    client.force_login(user)
    for name, url in pages(user):
        if args.only and name not in args.only:
            continue
        print(f"{name:<28} {summary(timed(client, url, args.runs))}", flush=True)


if __name__ == "__main__":
    main()
