"""PostgreSQL, instrumented (see customs_feedback.db_backends), with a health check that needs no round trip."""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.utils.asyncio import async_unsafe
from django_prometheus.db.backends.postgresql import base as instrumented
from psycopg import _queries, pq

from customs_feedback.db_backends import metered_cursor_class

# Between two requests a kept connection is idle (or, under a caller's BEGIN, inside a transaction): a state
# in which `SELECT 1` would succeed. In any other state (failed transaction, a query still running, unknown)
# Django's `SELECT 1` would fail or could not run, so the connection is replaced.
_USABLE_STATES = frozenset({pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS})


def _has_news(socket: int) -> bool:
    """Whether the server sent anything on this idle connection (its socket can be read without waiting)."""
    if hasattr(select, "poll"):  # select.select refuses descriptors above 1023
        poller = select.poll()
        poller.register(socket, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    readable, _writable, _failed = select.select([socket], [], [], 0)
    return bool(readable)


class FixedTextQuery(_queries.PostgresQuery):
    """psycopg's conversion of a statement's `%s` placeholders to `$1…$n`, always through psycopg's own cache.

    psycopg caches that conversion per text only for statements of at most 4,096 characters and 50 parameters
    (`MAX_CACHED_STATEMENT_LENGTH`/`_PARAMS`: generated bulk inserts would otherwise fill its cache). The
    statements of the server-binding cursor are fixed texts run again and again, and the rating's is longer
    than that (its two rollup upserts name 21 counters each): converted anew on every call, it was 8 % of a
    rating POST's worker time (bench/RESULTS.md, issue 15). psycopg's own internals, pinned in requirements.txt;
    tests/core/test_connection_health.py fails if they move.
    """

    def convert(self, query, vars) -> None:
        if vars is None or not isinstance(query, str | bytes):
            super().convert(query, vars)
            return
        # Keyed by the text itself (its hash kept by the string): not even encoded again, nor the encoded
        # bytes hashed again for psycopg's cache (a 5 kB statement: 1.5 % of a rating POST).
        key = (query, self._tx.encoding)
        converted = _CONVERTED.get(key)
        if converted is None:
            if len(_CONVERTED) >= _MAX_CONVERTED:  # a fixed text per call site: never reached but by misuse
                _CONVERTED.clear()
            converted = _CONVERTED[key] = _queries._query2pg(self._ensure_bytes(query), self._tx.encoding)
        self.query, self._want_formats, self._order, self._parts = converted
        self.dump(vars)


_CONVERTED: dict[tuple[str | bytes, str], tuple] = {}
_MAX_CONVERTED = 100


class FixedTextCursor(psycopg.Cursor):
    """A psycopg cursor for statements of a fixed text (see FixedTextQuery)."""

    _query_cls = FixedTextQuery


class DatabaseWrapper(instrumented.DatabaseWrapper):
    def get_connection_params(self):
        params = base.DatabaseWrapper.get_connection_params(self)  # Django's, not the instrumented one's
        params["cursor_factory"] = metered_cursor_class(params["cursor_factory"], self.alias, self.vendor)
        return params

    @async_unsafe
    def server_binding_cursor(self):
        """A cursor whose parameters PostgreSQL binds, so that a statement it runs again and again is prepared
        once per connection (OPTIONS `prepare_threshold`) and not planned on every run. Django's cursors bind
        on the client, which never prepares. Its placeholders must say their types where PostgreSQL cannot
        infer them (`%s::date`). Otherwise as `cursor()`: health check, error wrapping, metrics, query log."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = metered_cursor_class(FixedTextCursor, self.alias, self.vendor)(self.connection)
            # As Django's create_cursor: times in the connection's zone.
            tzloader = self.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, pq.Format.TEXT)
            if self.timezone != tzloader.timezone:
                register_tzloader(self.timezone, cursor)
            return self._prepare_cursor(cursor)

    def is_usable(self) -> bool:
        """Whether the kept connection still works, known locally unless the server said something.

        CONN_HEALTH_CHECKS makes Django call this before the first query of every request that reuses a
        connection; Django's PostgreSQL backend answers with `SELECT 1`, a round trip to the server each
        request (half the statements of a rating POST). A server that restarts, or ends the session
        (`pg_terminate_backend`, an idle timeout, a failover), sends its FATAL message and closes the
        socket, so the idle socket becomes readable: then, and only then, the `SELECT 1` asks the server
        (a readable socket may also be a harmless notice). A connection psycopg already knows to be
        closed or broken, or one not idle, fails at once. After an error other than a data or
        integrity error (`errors_occurred`) the round trip is always made, as Django makes it.
        Not detected locally, as `SELECT 1` would not detect it either without waiting for TCP to give
        up: a server host that vanished without closing its sockets (power cut, network cut).
        """
        connection = self.connection
        if connection is None or connection.closed:
            return False
        try:
            if connection.pgconn.transaction_status not in _USABLE_STATES:
                return False
            if not self.errors_occurred and not _has_news(connection.pgconn.socket):
                return True
        except (OSError, ValueError, base.Database.Error):  # the socket is gone
            return False
        return super().is_usable()
