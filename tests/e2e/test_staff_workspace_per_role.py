"""Each demo staff role on a 1366 px laptop, in Vietnamese: its main list, a detail page and the dashboard fit
the screen, show no English, and have no critical or serious axe-core violation."""

from __future__ import annotations

import io
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from tests.complaints.conftest import seeded_categories  # noqa: F401  (fixture)
from tests.e2e.axe import axe_source, serious_violations, serve_axe
from tests.partnerships.conftest import agreement_text  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The list each role works from (the detail page is the first row of it).
MAIN_LISTS = {
    "admin": "/admin/auth/user/",
    "lanhdao": "/admin/partnerships/agreement/",
    "truongchicuc": "/admin/ratings/followupcase/",
    "canbo": "/admin/complaints/inquiry/",
    "hoptac": "/admin/partnerships/agreement/",
    "vuongmac": "/admin/complaints/inquiry/",
    "congchuc": None,  # an official has no list: the dashboard shows the aggregates of their own work
}
# Words that read the same in both languages (codes, product names) are not English leaks.
SAME_IN_BOTH = {"pdf", "excel", "csv", "api", "email", "url", "id", "ok", "mou", "otp", "totp", "vnaccs", "ecus"}


def english_source_strings() -> set[str]:
    """Every English string the back office could show untranslated: the catalogues' source strings and
    the apps', models' and fields' English names (third-party apps have no Vietnamese catalogue)."""
    import django

    catalogues = [Path("locale/vi/LC_MESSAGES/django.po")]
    django_root = Path(django.__file__).parent
    catalogues += [
        django_root / part / "locale/vi/LC_MESSAGES/django.po" for part in ("contrib/admin", "contrib/auth", "conf")
    ]
    strings = set()
    for catalogue in catalogues:
        for entry in polib.pofile(str(catalogue)):
            if entry.msgstr != entry.msgid:
                strings.add(entry.msgid)
    with translation.override("en"):
        for config in apps.get_app_configs():
            strings.add(str(config.verbose_name))
            for model in config.get_models():
                strings.update({str(model._meta.verbose_name), str(model._meta.verbose_name_plural)})
                strings.update(str(field.verbose_name) for field in model._meta.fields)
    return {
        text.strip().lower()
        for text in strings
        if len(text.strip()) >= 3 and any(c.isalpha() for c in text) and "%" not in text and "{" not in text
    } - SAME_IN_BOTH


TEXTS_OF_PAGE = """() => {
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, parent = node.parentElement;
        if (!parent || parent.closest('script, style, noscript, [hidden], .hidden')) continue;
        const text = node.textContent.replace(/\\s+/g, ' ').trim();
        if (text) texts.push(text);
    }
    for (const field of document.querySelectorAll('[placeholder], input[type=submit], [aria-label], [title]')) {
        const submit = field.type === 'submit' ? field.value : '';
        for (const value of [field.placeholder, submit, field.getAttribute('aria-label'), field.title]) {
            if (value) texts.push(value.trim());
        }
    }
    return texts;
}"""

OVERFLOW = """() => {
    const page = document.documentElement;
    const boxes = [...document.querySelectorAll('#changelist .results, #content-main, .module')];
    const wide = boxes.filter(box => box.scrollWidth > box.clientWidth + 1).map(box => box.id || box.className);
    return {page: page.scrollWidth - page.clientWidth, boxes: wide};
}"""


def problems_of(page, url: str, axe_url: str, english: set[str]) -> list[str]:
    page.goto(url)
    found = []
    overflow = page.evaluate(OVERFLOW)
    if overflow["page"] > 0:
        found.append(f"{url}: the page scrolls {overflow['page']} px sideways")
    if overflow["boxes"]:
        found.append(f"{url}: boxes scroll sideways: {overflow['boxes']}")
    leaked = sorted({text for text in page.evaluate(TEXTS_OF_PAGE) if text.strip(" :*.").lower() in english})
    if leaked:
        found.append(f"{url}: English in the Vietnamese back office: {leaked}")
    found += [f"{url}: {violation}" for violation in serious_violations(page, axe_url)]
    return found


@pytest.fixture
def demo(settings, tmp_path, request):
    """The demo data; the agreement text and categories come back first (a transactional test flushed them)."""
    request.getfixturevalue("agreement_text")
    request.getfixturevalue("seeded_categories")
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", "--allow-production", stdout=io.StringIO())


def test_every_role_works_on_a_laptop_in_vietnamese(chromium, live_server, settings, demo):
    settings.SITE_URL = live_server.url
    english = english_source_strings()
    source = axe_source()
    problems = []
    for username, main_list in MAIN_LISTS.items():
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))  # completes two-factor too
        context = chromium.new_context(
            base_url=live_server.url, locale="vi-VN", viewport={"width": 1366, "height": 768}
        )
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        axe_url = serve_axe(context, live_server.url, source)
        page = context.new_page()
        pages = ["/admin/"]
        if main_list:
            pages.append(main_list)
        for url in pages:
            problems += [f"{username} {problem}" for problem in problems_of(page, url, axe_url, english)]
        if main_list:
            page.goto(main_list)
            first_row = page.locator("#result_list tbody tr th a, #result_list tbody tr td a").first
            if first_row.count():
                detail = first_row.get_attribute("href")
                problems += [f"{username} {problem}" for problem in problems_of(page, detail, axe_url, english)]
            else:
                problems.append(f"{username}: {main_list} lists nothing to open")
        context.close()
    Path("var/test-results").mkdir(parents=True, exist_ok=True)
    Path("var/test-results/staff-workspace-problems.txt").write_text("\n".join(problems), encoding="utf-8")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_public_ratings_page_fits_a_phone(chromium, live_server, demo, language):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()

    page.goto("/ratings/")

    assert page.locator("table.stack-on-phone").count() == 2
    assert _sideways(page) == 0
    context.close()


def _admin_on_a_phone(chromium, live_server):
    """A 360 px wide browser signed in as the demo's superuser."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


def _sideways(page) -> int:
    """How far the page scrolls sideways (0: it fits the screen)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_statistics_pages_fit_a_phone_in_both_languages(chromium, live_server, demo):
    context = _admin_on_a_phone(chromium, live_server)
    page = context.new_page()
    sideways = {}
    for language in ("vi", "en"):
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for url in ("/admin/ratings/dailyrollup/", "/admin/complaints/inquiry/statistics/"):
            page.goto(url)
            assert page.locator(".stats-page table").count() >= 1
            # Wide tables scroll inside themselves; the page itself never scrolls sideways.
            sideways[language, url] = _sideways(page)
    context.close()
    assert set(sideways.values()) == {0}, sideways


def test_the_dashboard_fits_a_phone_in_both_languages(chromium, live_server, demo):
    context = _admin_on_a_phone(chromium, live_server)
    page = context.new_page()
    sideways = {}
    for language in ("vi", "en"):
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page.goto("/admin/")
        assert page.locator("section.dashboard .dashboard-panel").count() >= 2
        # Each panel takes the screen's width (its 400 px minimum would push the page 55 px sideways).
        sideways[language] = _sideways(page)
    context.close()
    assert sideways == {"vi": 0, "en": 0}, sideways
