"""The portal home is a shell in customs_feedback/core: the apps register their sections; it imports none."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from customs_feedback.core.enterprise import sections
from tests.enterprise.conftest import signed_in

FEATURE_APPS = ("partnerships", "ratings", "complaints")


def test_the_shell_imports_no_feature_app():
    source = Path("customs_feedback/core/enterprise.py").read_text()
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in getattr(node, "names", [])
    }
    assert not [name for name in imported if name and name.split(".")[0] in FEATURE_APPS]


def test_each_app_registers_its_sections():
    assert [section.slug for section in sections()] == [
        "agreement",
        "declarations",
        "ratings",
        "inquiries",
        "people",
        "notices",
        "settings",
    ]


@pytest.mark.django_db
def test_the_overview_shows_each_sections_summary_and_a_visitor_is_sent_to_sign_in(client, manager, declarations):
    assert client.get("/doanh-nghiep/")["Location"] == "/doanh-nghiep/dang-nhap/"
    assert client.get("/doanh-nghiep/ratings/")["Location"] == "/doanh-nghiep/dang-nhap/?next=/doanh-nghiep/ratings/"
    page = signed_in(manager).get("/doanh-nghiep/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for label in (
        "Not signed yet",
        "Declarations you can still rate",
        "Ratings given",
        "Inquiries sent",
        "Active users",
    ):
        assert label in page
    assert signed_in(manager).get("/doanh-nghiep/no-such-section/").status_code == 404


@pytest.mark.django_db
def test_get_never_changes_state(manager, declarations):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(manager)
    for section in sections():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/doanh-nghiep/{section.slug}/").status_code == 200
        writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
        assert [sql for sql in writes if "django_session" not in sql] == [], section.slug
