"""`migrate`, made safe for several processes starting at once (web replicas, bin/start, compose).

On PostgreSQL each run first takes a session advisory lock: the first process applies the migrations,
the others wait, then find nothing left to apply. Every caller of `manage.py migrate` gets this,
including the compose web service and the test database set-up. SQLite (embedded mode, one
process) runs Django's command unchanged.
"""

import time

from django.core.management.commands.migrate import Command as DjangoMigrateCommand
from django.db import connections

# Any constant shared by every process of this system; "cf-migrate" as a 64-bit number.
MIGRATE_LOCK_KEY = int.from_bytes(b"cf-migra", "big") & 0x7FFF_FFFF_FFFF_FFFF
LOCK_POLL_SECONDS = 0.5


def _lock_taken(cursor) -> bool:
    """Take the lock if it is free (in a statement of its own, which ends at once)."""
    cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
    return cursor.fetchone()[0]


class Command(DjangoMigrateCommand):
    help = f"{DjangoMigrateCommand.help} On PostgreSQL, one process at a time (an advisory lock)."

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            return super().handle(*args, **options)
        with connection.cursor() as cursor:
            if not _lock_taken(cursor):
                if options["verbosity"]:
                    self.stdout.write("Another process is migrating this database; waiting for it to finish…")
                # Asked again and again, not awaited in one `pg_advisory_lock`: a statement that waits is a
                # transaction in progress, and a migration's CREATE INDEX CONCURRENTLY (partnerships 0010) waits
                # for every transaction in progress to end, so each process would wait for the other.
                while not _lock_taken(cursor):
                    time.sleep(LOCK_POLL_SECONDS)
        try:
            return super().handle(*args, **options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])
