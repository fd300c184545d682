"""The back office costs the same number of queries at 1,000 rows as at 10: nothing per row, nothing per page.

Each big table is seeded with 10 rows, every page is opened and its queries counted; then to 1,000 rows and
counted again. A changelist that looks something up per row, or a dashboard figure computed from rows in
Python, makes the counts differ.
"""

from __future__ import annotations

import copy
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import services as complaint_services
from complaints.models import Inquiry
from customs_feedback.notifications.models import Notification
from customs_feedback.organization.roles import Role
from ratings.models import Declaration, Rating, RatingEvent
from tests.factories import DeclarationFactory, EnterpriseFactory, OfficialFactory, staff_user, valid_tax_code
from tests.ratings.conftest import rate

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("admin:index"),
    reverse("admin:ratings_declaration_changelist"),
    reverse("admin:ratings_rating_changelist"),
    reverse("admin:complaints_inquiry_changelist"),
    reverse("admin:notifications_notification_changelist"),
    reverse("admin:partnerships_enterprise_changelist"),
]


def clone(instance, count: int, **varying) -> list:
    """`count` copies of a saved row, inserted in one statement; each keyword maps a field to f(index)."""
    rows = []
    for index in range(count):
        row = copy.copy(instance)
        row.pk = row.id = None
        for field, value in varying.items():
            setattr(row, field, value(index))
        rows.append(row)
    return type(instance).objects.bulk_create(rows)


def seed_to(total: int, *, declaration, rating, inquiry) -> None:
    """Bring each big table to `total` rows by cloning the real row the fixtures made through the services."""
    missing = total - Declaration.objects.count()
    offset = Declaration.objects.count()
    declarations = clone(declaration, missing, number=lambda i: f"77{offset + i:010d}")
    ratings = clone(rating, missing, declaration=lambda i: declarations[i])
    RatingEvent.objects.bulk_create(RatingEvent(rating=row, to_status=row.status) for row in ratings)
    clone(inquiry, total - Inquiry.objects.count(), tracking_code=lambda i: f"QC{offset + i:08d}")
    notice = Notification.objects.first()
    clone(notice, total - Notification.objects.count(), idempotency_key=lambda i: f"query-count-{offset + i}")
    enterprise = declaration.enterprise
    clone(enterprise, missing, tax_code=lambda i: valid_tax_code(5000 + offset + i))


def query_counts(client) -> dict[str, int]:
    """Queries per page the user may open (a branch leader has no notification list)."""
    counts = {}
    for page in PAGES:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page)
        if response.status_code != 403:
            assert response.status_code == 200, page
            counts[page] = len(captured)
    return counts


@pytest.fixture
def seeded(db):
    # The categories of the data migration, again: a transactional test before this one may have flushed them.
    importlib.import_module("complaints.migrations.0002_seed_categories").seed(apps, None)
    official = OfficialFactory()
    declaration = DeclarationFactory(official=official, enterprise=EnterpriseFactory())
    rating = rate(declaration, official=5, team=5, branch=5)
    inquiry = complaint_services.inquiry_submit(
        name="Nguyễn Văn A",
        email="a@example.vn",
        category_code="procedures",
        subject="Thủ tục",
        body="Câu hỏi về thủ tục hải quan.",
    )
    return {"declaration": declaration, "rating": rating, "inquiry": inquiry, "branch": official.branch}


@pytest.mark.parametrize("role", [None, Role.BRANCH_LEADER])
def test_the_admin_index_and_main_changelists_run_as_many_queries_at_1000_rows_as_at_10(client, seeded, role):
    user = staff_user(role, branch=seeded["branch"]) if role else staff_user(is_superuser=True)
    client.force_login(user)
    records = {key: seeded[key] for key in ("declaration", "rating", "inquiry")}
    seed_to(10, **records)
    client.get(PAGES[0])  # the first request of a session writes it; count from the second on
    with_ten = query_counts(client)

    seed_to(1000, **records)
    with_a_thousand = query_counts(client)

    assert Declaration.objects.count() == Rating.objects.count() == Inquiry.objects.count() == 1000
    assert set(PAGES[:4]) <= set(with_ten)  # the index, declarations, ratings and inquiries at least
    assert with_a_thousand == with_ten


def test_the_row_checkbox_is_the_html_djangos_widget_renders():
    from django.contrib import admin as django_admin

    from customs_feedback.organization.admin_mixins import ScopedModelAdmin
    from ratings.models import Declaration

    declaration = DeclarationFactory()
    ours = ScopedModelAdmin(Declaration, django_admin.site)

    assert ours.action_checkbox(declaration) == django_admin.ModelAdmin.action_checkbox(ours, declaration)

    class Marked:  # a row whose text and key need escaping
        pk = 'k"<1>'

        def __str__(self):
            return 'Công ty "A & B" <Hải Phòng>'

    assert ours.action_checkbox(Marked()) == django_admin.ModelAdmin.action_checkbox(ours, Marked())
    assert 'name="_selected_action"' in ours.action_checkbox(declaration)
