import smtplib
from unittest import mock

import pytest

from customs_feedback.notifications.models import NotificationStatus
from customs_feedback.notifications.services import notification_deliver, notify
from customs_feedback.organization.roles import Role
from tests.factories import BranchFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/notifications/notification/"


@pytest.fixture
def failed_notice(notice_kwargs):
    with mock.patch("customs_feedback.notifications.services.enqueue_after_commit"):
        notification = notify(**notice_kwargs(kind="inquiry_answered", recipient="sai@example.vn"))
    refused = smtplib.SMTPRecipientsRefused({"sai@example.vn": (550, b"5.1.1 No such user")})
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=refused):
        notification_deliver(notification_id=notification.pk)
    return notification


@pytest.fixture
def leadership_client(client):
    client.force_login(staff_user(Role.DEPARTMENT_LEADERSHIP))
    return client


def test_staff_filter_failed_notices_and_search_by_recipient(leadership_client, failed_notice):
    listed = leadership_client.get(CHANGELIST, {"status__exact": "failed", "q": "sai@example"})
    empty = leadership_client.get(CHANGELIST, {"status__exact": "sent"})

    assert listed.status_code == 200
    assert "sai@example.vn" in listed.content.decode()
    assert "sai@example.vn" not in empty.content.decode()


def test_the_detail_shows_the_rendered_message_and_the_attempt_history(leadership_client, failed_notice):
    html = leadership_client.get(f"{CHANGELIST}{failed_notice.pk}/change/").content.decode()

    assert "Trả lời vướng mắc VM-4K7P-9QX2" in html
    assert "Doanh nghiệp thực hiện theo Điều 86" in html
    assert "No such user" in html
    assert "Lịch sử gửi" in html
    assert 'name="_save"' not in html  # read-only


def test_the_html_version_is_served_sandboxed(leadership_client, failed_notice):
    response = leadership_client.get(f"{CHANGELIST}{failed_notice.pk}/preview/")

    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
    assert "Doanh nghiệp thực hiện theo Điều 86" in response.content.decode()


def test_staff_resend_a_failed_notice_from_the_list(
    leadership_client, failed_notice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = leadership_client.post(
            CHANGELIST, {"action": "resend_failed", "_selected_action": [failed_notice.pk]}, follow=True
        )

    failed_notice.refresh_from_db()
    assert failed_notice.status == NotificationStatus.SENT
    assert [message.to for message in mailoutbox] == [["sai@example.vn"]]
    assert "Đã đưa 1 thông báo vào hàng đợi gửi lại." in response.content.decode()


def test_a_sent_notice_is_not_resent(leadership_client, notice_kwargs, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(**notice_kwargs())

    response = leadership_client.post(
        CHANGELIST, {"action": "resend_failed", "_selected_action": [notification.pk]}, follow=True
    )

    assert len(mailoutbox) == 1
    assert "chỉ gửi lại được thông báo bị lỗi" in response.content.decode()


@pytest.mark.parametrize("role", [Role.BRANCH_LEADER, Role.BRANCH_OFFICER, Role.INQUIRY_DESK, Role.PARTNERSHIP_DESK])
def test_other_roles_cannot_read_the_outbox(client, failed_notice, role):
    client.force_login(staff_user(role, branch=BranchFactory()))

    assert client.get(CHANGELIST).status_code == 403
    assert client.get(f"{CHANGELIST}{failed_notice.pk}/preview/").status_code in {403, 404}


def test_nobody_adds_or_deletes_notices_by_hand(client, failed_notice):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.get(f"{CHANGELIST}{failed_notice.pk}/delete/").status_code == 403


def test_a_pending_notice_shows_the_html_version_delivery_will_send(leadership_client, notice_kwargs):
    with mock.patch("customs_feedback.notifications.services.enqueue_after_commit"):
        pending = notify(**notice_kwargs(kind="inquiry_answered", key="pending-html"))

    detail = leadership_client.get(f"{CHANGELIST}{pending.pk}/change/").content.decode()
    preview = leadership_client.get(f"{CHANGELIST}{pending.pk}/preview/").content.decode()

    assert f"{CHANGELIST}{pending.pk}/preview/" in detail
    assert "Doanh nghiệp thực hiện theo Điều 86" in preview
    assert "Cục Hải quan thành phố Hải Phòng" in preview  # the department's layout around the text
