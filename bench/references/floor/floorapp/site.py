"""The one-row floor: the least a Django app can do for a JSON POST that stores one row.

One view parses the JSON body, inserts one row through the ORM and answers 201 with its id. Same Django,
same gunicorn, same PostgreSQL as the project; no middleware, no auth, no validation beyond the keys.
Settings, URLs, view and WSGI application live in this one module (DJANGO_SETTINGS_MODULE=floorapp.site).
"""

import json
import os

import environ
from django.core.wsgi import get_wsgi_application
from django.http import JsonResponse
from django.urls import path

SECRET_KEY = "floor-reference-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["floorapp"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "floorapp.site"
USE_TZ = True
DATABASES = {"default": {**environ.Env.db_url_config(os.environ["FLOOR_DATABASE_URL"]), "CONN_MAX_AGE": 60}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def row_create(request):
    from floorapp.models import Row

    data = json.loads(request.body)
    row = Row.objects.create(
        number=data["declaration_number"],
        tax_code=data["tax_code"],
        official_score=data["official_score"],
        team_score=data["team_score"],
        branch_score=data["branch_score"],
        comment=data.get("comment", ""),
    )
    return JsonResponse({"id": row.pk, "status": "received"}, status=201)


urlpatterns = [path("rows/", row_create)]
application = get_wsgi_application()
