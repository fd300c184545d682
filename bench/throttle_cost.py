"""CPU per request of the API-client throttle as the hour's requests pile up: DRF's list of request times
against the window counts (customs_feedback.throttling.WindowCountThrottle), on the local-memory cache.

    .venv/bin/python bench/throttle_cost.py [--budget 100000] [--after 0 1000 10000 50000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_feedback.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=100_000, help="requests an hour (THROTTLE_API_CLIENT)")
    parser.add_argument("--after", type=int, nargs="+", default=[0, 1_000, 10_000, 50_000])
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.cache import cache
    from rest_framework.test import APIRequestFactory
    from rest_framework.throttling import SimpleRateThrottle

    from customs_feedback.throttling import WindowCountThrottle

    request = APIRequestFactory().post("/")
    for base in (SimpleRateThrottle, WindowCountThrottle):
        throttle = type(base.__name__, (base,), {"rate": f"{args.budget}/hour", "get_cache_key": lambda *a: "bench"})
        cache.clear()
        sent = 0
        for target in sorted(args.after):
            while sent < target:
                throttle().allow_request(request, None)
                sent += 1
            started = time.process_time()
            for _n in range(200):
                throttle().allow_request(request, None)
            sent += 200
            per_request = (time.process_time() - started) / 200 * 1e6
            print(f"{base.__name__:<20} {target:>7,} requests earlier in the hour: {per_request:8.1f} µs a request")
    cache.clear()


if __name__ == "__main__":
    main()
