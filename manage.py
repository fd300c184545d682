#!/usr/bin/env python
"""Django's command-line utility, with configuration errors reported as one line."""

import gc
import os
import sys


def main() -> None:
    # Start-up builds about a thousand modules' objects and frees almost none of them, so the cyclic collector's
    # passes over them are wasted work: a tenth of a command's start (bench/RESULTS.md, issue 15, sixth pass).
    # It is held until Django is set up, then given back with the start-up's objects frozen out of its scans.
    gc.disable()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_feedback.settings")
    import django
    from django.conf import settings
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    from customs_feedback.config import ConfigurationError, ensure_database_reachable

    setup = django.setup

    def setup_then_collect(*args, **kwargs) -> None:
        try:
            setup(*args, **kwargs)
        finally:
            gc.freeze()
            gc.enable()

    django.setup = setup_then_collect  # execute_from_command_line calls it once, before running the command
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
    finally:
        gc.enable()  # also when settings failed before Django was set up


if __name__ == "__main__":
    main()
