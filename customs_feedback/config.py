"""Start-up configuration errors, reported as one line that names the variable to fix."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured


class ConfigurationError(ImproperlyConfigured):
    """A setting read from the environment is missing or unusable."""


def mask_url_password(url: str) -> str:
    """Hide the password of a service URL so it can be printed in an error."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def ensure_database_reachable() -> None:
    """Connect to the default database, or raise a ConfigurationError naming DATABASE_URL."""
    from django.conf import settings
    from django.db import OperationalError, connections

    try:
        connections["default"].ensure_connection()
    except OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ConfigurationError(
            f"DATABASE_URL: cannot connect to {mask_url_password(settings.DATABASE_URL)} ({first_line})"
        ) from error
