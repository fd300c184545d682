"""ASGI entry point."""

import os
import sys

from django.core.asgi import get_asgi_application

from customs_feedback.config import ConfigurationError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_feedback.settings")

try:
    application = get_asgi_application()
except ConfigurationError as error:
    sys.exit(f"configuration error: {error}")
