"""The WSGI entry point leaves what it loaded out of the garbage collector's walks (gc.freeze)."""

import os
import subprocess
import sys

from tests.workers import ROOT


def test_loading_the_wsgi_application_freezes_what_it_loaded():
    script = "import gc, customs_feedback.wsgi; print(gc.get_freeze_count(), len(gc.get_objects()))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "customs_feedback.settings"}
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    frozen, tracked = map(int, result.stdout.split())
    assert frozen > 50_000  # the loaded project, not a handful of objects
    assert tracked < frozen / 10  # what the collector still walks
