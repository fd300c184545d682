"""WSGI entry point (gunicorn customs_feedback.wsgi)."""

import os
import sys

from django.core.wsgi import get_wsgi_application

from customs_feedback.config import ConfigurationError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_feedback.settings")

try:
    application = get_wsgi_application()
except ConfigurationError as error:
    sys.exit(f"configuration error: {error}")

# What is loaded by now lives as long as the process (modules, classes, settings, the app registry, the middleware),
# and so does what the first requests would load (the URLconf's modules and tables, translations, the site's compiled
# templates): warmed up here, then frozen, the cyclic garbage collector no longer walks any of it. Its full
# collections took about 0.1 s once every 1,500-3,000 rating POSTs, and 13-40 ms during an admin page, 4-8 ms now
# (customs_feedback/warmup.py; bench/RESULTS.md, issue 15, sixth and ninth passes).
from customs_feedback.warmup import warm_up_and_freeze  # Django's machinery: imported once Django is set up

warm_up_and_freeze()
