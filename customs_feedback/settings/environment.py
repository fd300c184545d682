"""The one place that reads the environment: the django-environ `env` object, its strict readers, DEBUG.

Every other settings module reads its variables through `_read` and `_read_flag`, so a malformed value
stops start-up with one line that names the variable to fix.
"""

from __future__ import annotations

import sys
from pathlib import Path

import environ

from customs_feedback.config import ConfigurationError

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _read(reader, name: str, **kwargs):
    """Read one variable, turning a malformed value into a one-line error that names it."""
    try:
        return reader(name, **kwargs)
    except (ValueError, KeyError, environ.ImproperlyConfigured) as error:
        raise ConfigurationError(f"{name}: {error}") from error


def _read_flag(name: str, *, default: bool) -> bool:
    """A strict boolean: a typo such as DJANGO_DEBUG=ture must not silently mean False."""
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name}: expected true/false (or 1/0, yes/no, on/off), got {raw!r}")


DEBUG = _read_flag("DJANGO_DEBUG", default=False)
TESTING = "pytest" in sys.modules
