"""PostgreSQL, instrumented (see customs_feedback.db_backends)."""

from django.db.backends.postgresql import base
from django_prometheus.db.backends.postgresql import base as instrumented

from customs_feedback.db_backends import metered_cursor_class


class DatabaseWrapper(instrumented.DatabaseWrapper):
    def get_connection_params(self):
        params = base.DatabaseWrapper.get_connection_params(self)  # Django's, not the instrumented one's
        params["cursor_factory"] = metered_cursor_class(params["cursor_factory"], self.alias, self.vendor)
        return params
