"""`migrate`, made safe for several processes starting at once (web replicas, bin/start, compose).

On PostgreSQL each run first takes a session advisory lock: the first process applies the migrations,
the others wait, then find nothing left to apply. Every caller of `manage.py migrate` gets this,
including the compose web service and the test database set-up. SQLite (embedded mode, one
process) runs Django's command unchanged.
"""

from django.core.management.commands.migrate import Command as DjangoMigrateCommand
from django.db import connections

# Any constant shared by every process of this system; "cf-migrate" as a 64-bit number.
MIGRATE_LOCK_KEY = int.from_bytes(b"cf-migra", "big") & 0x7FFF_FFFF_FFFF_FFFF


class Command(DjangoMigrateCommand):
    help = f"{DjangoMigrateCommand.help} On PostgreSQL, one process at a time (an advisory lock)."

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            return super().handle(*args, **options)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
            if not cursor.fetchone()[0]:
                if options["verbosity"]:
                    self.stdout.write("Another process is migrating this database; waiting for it to finish…")
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
        try:
            return super().handle(*args, **options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])
