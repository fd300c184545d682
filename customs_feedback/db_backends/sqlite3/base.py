"""SQLite, instrumented (see customs_feedback.db_backends)."""

from django_prometheus.db.backends.sqlite3 import base as instrumented

from customs_feedback.db_backends import metered_cursor_class


class DatabaseWrapper(instrumented.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=metered_cursor_class(self.CURSOR_CLASS, self.alias, self.vendor))
