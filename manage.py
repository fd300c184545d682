#!/usr/bin/env python
"""Django's command-line utility, with configuration errors reported as one line."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_feedback.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    from customs_feedback.config import ConfigurationError, ensure_database_reachable

    try:
        settings.INSTALLED_APPS  # noqa: B018 - load settings now so their errors are reported plainly
        execute_from_command_line(sys.argv)
    except ConfigurationError as error:
        sys.exit(f"configuration error: {error}")
    except OperationalError:
        # An unreachable database surfaces deep inside whatever command touched it first;
        # name the variable to fix instead of printing a driver traceback.
        try:
            ensure_database_reachable()
        except ConfigurationError as error:
            sys.exit(f"configuration error: {error}")
        raise


if __name__ == "__main__":
    main()
