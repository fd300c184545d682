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
