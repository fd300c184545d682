"""Browser tests: a real Chromium (Debian's /usr/bin/chromium) driven by Playwright against live_server.

Chromium is installed by .ci/run (`apt-get install chromium`); Playwright never downloads a browser.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager

import pytest

from tests.conftest import require_service
from tests.factories import agreement_text_publish

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@contextmanager
def async_unsafe_allowed():
    """Allow the ORM in this thread exactly while Playwright's event loop runs in it.

    Playwright's sync API keeps an event loop running in the test thread, so Django refuses synchronous ORM
    calls there; the tests' own calls (setting up data, checking results, flushing the database after each
    test) are still synchronous and safe. The flag lives as long as the loop and no longer, so no other
    test runs with it, and whatever runs after the loop has stopped (the test database's removal) needs
    no flag.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Per module, not per session: the loop (and the flag) must stop before tests outside tests/e2e run.
@pytest.fixture
def agreement_text(settings, tmp_path):
    """The partnership journeys' agreement text, published afresh (transactional tests start empty)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return agreement_text_publish()


@pytest.fixture(scope="module")
def chromium():
    require_service(shutil.which(CHROMIUM) is not None, f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with async_unsafe_allowed(), sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, settings):
    """A fresh phone-sized page in Vietnamese; links in notices point at the live server."""
    settings.SITE_URL = live_server.url
    context = chromium.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 390, "height": 844}, timezone_id="Asia/Ho_Chi_Minh"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop_page(chromium, live_server, settings):
    """A laptop-sized page (1366 px), for the back office."""
    settings.SITE_URL = live_server.url
    context = chromium.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
