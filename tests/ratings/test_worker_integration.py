"""The invitation path with the real services: PostgreSQL, Redis and a Celery worker process."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customs_feedback.notifications.models import Notification
from ratings.models import RatingInvitation
from ratings.services import declarations_upsert
from tests.factories import EnterpriseFactory, OfficialFactory, clearance_row

try:  # on main the worker fixtures live in tests/workers.py and celery_worker_process is global
    from tests.workers import wait_for
except ImportError:
    from tests.integration.conftest import celery_worker_process, wait_for  # noqa: F401 - the fixture

pytestmark = pytest.mark.integration


def test_a_worker_writes_the_rating_invitation_of_a_cleared_declaration(celery_worker_process, redis_broker_url):
    official = OfficialFactory()
    enterprise = EnterpriseFactory(email="xnk@lach-huyen.example.vn")

    declarations_upsert(
        rows=[
            clearance_row(
                official,
                tax_code=enterprise.tax_code,
                number="108000000001",
                registered_at=timezone.now() - timedelta(hours=3),
                cleared_at=timezone.now() - timedelta(minutes=5),
            )
        ]
    )

    notice = wait_for(
        lambda: Notification.objects.filter(kind="rating_invitation").first(),
        timeout=60,
        message="the worker to write the invitation notice",
    )
    # The worker queues the delivery on the application's queue, which this test's worker does not consume.
    import redis

    redis.Redis.from_url(redis_broker_url).delete("customs_feedback")
    assert notice.recipient == enterprise.email
    assert "/ratings/rate/" in notice.body_text
    assert RatingInvitation.objects.get().declaration.number == "108000000001"
    assert "ratings.invitations_send" in celery_worker_process.log_path.read_text()
