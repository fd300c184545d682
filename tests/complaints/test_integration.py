"""The acknowledgement of an API submission goes through the real Redis and a real Celery worker."""

import pytest
from rest_framework.test import APIClient

from customs_feedback.notifications.models import Notification
from tests.workers import wait_for

pytestmark = pytest.mark.integration


@pytest.mark.usefixtures("seeded_categories")
def test_a_submission_is_acknowledged_by_a_real_worker(celery_worker_process):
    response = APIClient().post(
        "/api/v1/inquiries/",
        {
            "name": "Công ty TNHH Cảng Xanh",
            "email": "xnk@cangxanh.example.vn",
            "category": "e-customs",
            "subject": "Lỗi chữ ký số trên ECUS",
            "body": "Không ký được tờ khai bằng chữ ký số mới.",
        },
        format="json",
    )

    assert response.status_code == 201
    notice = wait_for(
        lambda: Notification.objects.filter(kind="inquiry_acknowledged", status="sent").first(),
        message="the acknowledgement sent by the worker",
    )
    assert response.json()["tracking_code"] in notice.body_text
