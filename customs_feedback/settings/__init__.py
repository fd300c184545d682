"""Settings for customs_feedback, read from the environment (12-factor).

With nothing set, the system runs embedded: SQLite under var/, Celery tasks run in-process after
commit, mail written to files under var/mail/. DJANGO_DEBUG off turns on production behaviour:
a secret key is required and cookies, HSTS and CSP are strict.

One module a concern, gathered here (DJANGO_SETTINGS_MODULE stays customs_feedback.settings):

    environment    the one `env` object and its strict readers; DEBUG, TESTING, BASE_DIR
    security       secret key, allowed hosts, staff sign-in (axes, OTP, sessions), cookies, HTTPS, CSP
    base           apps, middleware, templates, language and time zone, static and uploaded files
    database       DATABASE_URL and CACHE_URL
    mail           outgoing mail and the notification outbox
    celery         the broker, task delivery, every periodic job
    api            Django REST framework, throttle rates, JSON limits, the OpenAPI schema
    product        rules the apps read: partnerships, signatures, inquiries, ratings, enterprise portal, retention
    observability  logs, Sentry, access to the Prometheus metrics

A variable is read in exactly one module, through `_read`/`_read_flag` from environment.py.
"""

# ruff: noqa: F403, I001 - the order is deliberate: start-up reports the first misconfiguration in this order.
from customs_feedback.settings.environment import *
from customs_feedback.settings.security import *
from customs_feedback.settings.base import *
from customs_feedback.settings.database import *
from customs_feedback.settings.mail import *
from customs_feedback.settings.celery import *
from customs_feedback.settings.api import *
from customs_feedback.settings.product import *
from customs_feedback.settings.observability import *
