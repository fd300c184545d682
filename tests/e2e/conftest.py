"""Browser tests: a real Chromium (Debian's /usr/bin/chromium) driven by Playwright against live_server.

Chromium is installed by .ci/run (`apt-get install chromium`); Playwright never downloads a browser.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import require_service

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to set up
# data and check results are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    require_service(shutil.which(CHROMIUM) is not None, f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
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
