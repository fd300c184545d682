"""The health check of a kept PostgreSQL connection (CONN_HEALTH_CHECKS) without a `SELECT 1` each request:
a healthy connection is kept with no round trip; one the server ended is replaced before the request's
first query; one in a failed state is replaced; after a database error the round trip is still made.

Each test drives a connection of its own (a second wrapper of the default database, outside the test's
transaction) through the same calls a request makes: `close_if_unusable_or_obsolete` when the request starts
(`close_old_connections`), then the health check before its first query.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError, connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoPostgreSQL

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_postgresql")]


@pytest.fixture
def kept():
    """A persistent, health-checked connection, as a gunicorn worker keeps one."""
    wrapper = connections.create_connection("default")
    wrapper.settings_dict = {**wrapper.settings_dict, "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    yield wrapper
    wrapper.close()


def request_backend(wrapper) -> int:
    """What a request does with its connection: start (close_old_connections), then a first query."""
    wrapper.close_if_unusable_or_obsolete()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate(pid: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # waits until the backend has exited
        assert cursor.fetchone()[0] is True


def test_a_healthy_connection_is_kept_without_a_round_trip(kept):
    first = request_backend(kept)
    with mock.patch.object(DjangoPostgreSQL, "is_usable", autospec=True) as select_one:
        again = [request_backend(kept) for _request in range(3)]
    assert again == [first] * 3  # the same backend: no reconnection
    assert kept.health_check_enabled
    select_one.assert_not_called()  # Django's check, a `SELECT 1` to the server


def test_a_connection_the_server_ended_is_replaced_before_the_next_query(kept):
    first = request_backend(kept)
    terminate(first)  # as a restart, a failover or an idle-session timeout ends it

    second = request_backend(kept)  # would raise OperationalError ("terminating connection…") unchecked

    assert second != first
    assert request_backend(kept) == second


def test_without_the_check_the_ended_connection_fails_the_request(kept):
    """The test above can fail: with no health check, the first query of the next request meets the end."""
    kept.settings_dict["CONN_HEALTH_CHECKS"] = False
    first = request_backend(kept)
    terminate(first)
    with pytest.raises(DatabaseError):
        request_backend(kept)


def test_a_connection_left_in_a_failed_transaction_is_replaced(kept):
    first = request_backend(kept)
    kept.connection.execute("BEGIN")  # psycopg's own, behind Django's back, then a failing statement
    with pytest.raises(Exception, match="division by zero"):
        kept.connection.execute("SELECT 1 / 0")

    assert request_backend(kept) != first


def test_after_a_database_error_the_server_is_asked(kept):
    request_backend(kept)
    kept.errors_occurred = True  # a statement failed with an error other than a data or integrity error
    with mock.patch.object(DjangoPostgreSQL, "is_usable", autospec=True, return_value=True) as select_one:
        request_backend(kept)
    select_one.assert_called_once()
