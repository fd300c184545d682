"""Fixtures for the integration tests that need a PostgreSQL database of their own."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection

from tests.workers import test_database_url


def server_url(database: str) -> str:
    return test_database_url().rsplit("/", 1)[0] + f"/{database}"


@pytest.fixture
def fresh_database(require_postgresql):
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_scratch"
    admin_url = server_url("postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield server_url(name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
