"""Changelist counts: exact for short lists, the planner's estimate (no COUNT query) for long ones."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customs_feedback.core.paginators import EstimatedCountPaginator
from customs_feedback.organization.models import Branch
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


def test_a_short_list_is_counted_exactly():
    BranchFactory.create_batch(3)

    paginator = EstimatedCountPaginator(Branch.objects.order_by("pk"), 100)

    assert paginator.count == Branch.objects.count()


def test_a_long_list_is_counted_by_the_planner_estimate_without_a_count_query(require_postgresql, monkeypatch):
    BranchFactory.create_batch(40)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE organization_branch")
    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_FROM", 10)

    with CaptureQueriesContext(connection) as captured:
        count = EstimatedCountPaginator(Branch.objects.order_by("pk"), 100).count

    assert [query["sql"].split()[0] for query in captured.captured_queries] == ["EXPLAIN"]
    assert count >= 10
