"""Several notices written together keep `notify`'s promises: one row and one event per new key, nothing twice."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customs_feedback.notifications.models import Notification, NotificationEvent, NotificationStatus
from customs_feedback.notifications.services import notice, notify, notify_all

pytestmark = pytest.mark.django_db


def test_several_notices_are_written_once_each_with_their_event_and_enqueued_after_commit(
    notice_kwargs, django_capture_on_commit_callbacks
):
    earlier = notify(**notice_kwargs(key="key-taken"))
    notices = [
        notice(**notice_kwargs(key="key-a", recipient="a@haiquan.example.vn")),
        notice(**notice_kwargs(key="key-taken", recipient="other@haiquan.example.vn")),
        notice(**notice_kwargs(key="key-b", recipient="b@haiquan.example.vn")),
        notice(**notice_kwargs(key="key-a", recipient="again@haiquan.example.vn")),
    ]
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as queries:
        written = notify_all(notices)

    assert written == [notices[0], notices[2]]
    assert all(notification.pk and not notification._state.adding for notification in written)
    stored = {n.idempotency_key: n for n in Notification.objects.all()}
    assert {key: n.recipient for key, n in stored.items()} == {
        "key-taken": earlier.recipient,
        "key-a": "a@haiquan.example.vn",
        "key-b": "b@haiquan.example.vn",
    }
    assert stored["key-a"].pk == notices[0].pk and stored["key-b"].pk == notices[2].pk
    events = NotificationEvent.objects.filter(notification__idempotency_key__in=["key-a", "key-b"])
    assert sorted((e.notification_id, e.from_status, e.to_status) for e in events) == sorted(
        (n.pk, "", NotificationStatus.PENDING) for n in written
    )
    assert NotificationEvent.objects.filter(notification=earlier).count() == 1
    assert len(callbacks) == 2  # the two new notices are enqueued, the earlier one is not again
    if connection.vendor == "postgresql":
        assert len(queries) == 1


def test_no_notices_write_nothing(django_capture_on_commit_callbacks):
    with CaptureQueriesContext(connection) as queries:
        assert notify_all([]) == []
    assert len(queries) == 0
