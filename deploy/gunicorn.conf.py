"""gunicorn settings for the compose web service: request metrics added up across the worker processes.

With PROMETHEUS_MULTIPROC_DIR set, every worker writes its django-prometheus counters there and
/metrics reports their sum, whichever worker answers the scrape.
"""

import os
import shutil
from pathlib import Path

# Set before any worker imports prometheus_client (workers load the app after forking).
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/prometheus-metrics")  # noqa: S108 - one container's own


def on_starting(server) -> None:
    """Start from an empty directory: counters of a previous run's workers would be added in."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True)


def child_exit(server, worker) -> None:
    """A worker that exited no longer reports its live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
