# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# WeasyPrint renders the MoU certificate with Pango; the fonts carry Vietnamese glyphs. postgresql-client
# (15 on bookworm, the version of the compose database) gives bin/backup and bin/restore pg_dump and pg_restore.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core curl postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# /app/var/media and /backups exist, owned by the app's user, so the named volumes mounted there are too.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
    && useradd --system --home /app customs && mkdir -p /app/var/media /backups && chown -R customs /app/var /backups
USER customs
EXPOSE 8000
CMD ["gunicorn", "customs_feedback.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
