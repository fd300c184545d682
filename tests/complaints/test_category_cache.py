"""The active categories are kept in the process (customs_feedback/caching.py): a change staff make counts
at once where it was made, and within REFERENCE_CACHE_SECONDS in every other process."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from complaints.forms import InquiryForm
from complaints.models import InquiryCategory
from customs_feedback.organization.roles import Role
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def test_a_category_deactivated_after_a_submission_is_refused_on_the_next(submit, category):
    submit()  # reads (and keeps) the active categories

    category.is_active = False
    category.save()

    with pytest.raises(ValidationError) as refused:
        submit()
    assert list(refused.value.message_dict) == ["category"]


def test_a_new_deadline_counts_for_the_next_submission(submit, category):
    submit()
    first = submit(category_code="procedures")

    category.deadline_days += 5
    category.save()

    assert submit().due_date > first.due_date


def test_a_category_added_in_the_admin_is_offered_by_the_portal_form_at_once(client, category):
    assert "Hàng hóa quá cảnh" not in dict(InquiryForm().fields["category"].choices).values()
    client.force_login(staff_user(Role.INQUIRY_DESK))

    response = client.post(
        "/admin/complaints/inquirycategory/add/",
        {"code": "transit", "name_vi": "Hàng hóa quá cảnh", "name_en": "Transit", "deadline_days": 10, "order": 9,
         "is_active": "on"},
    )  # fmt: skip

    assert response.status_code == 302, response.content.decode()[:2000]
    assert dict(InquiryForm().fields["category"].choices)["transit"] == "Hàng hóa quá cảnh"


def test_a_change_made_elsewhere_counts_once_the_cache_seconds_have_passed(submit, category, settings):
    settings.REFERENCE_CACHE_SECONDS = 5
    submit()
    # No signal here, as for a change saved by another process.
    InquiryCategory.objects.filter(pk=category.pk).update(is_active=False)

    submit()  # still within the 5 seconds: the kept categories answer
    with mock.patch("customs_feedback.caching.time.monotonic", return_value=10**9), pytest.raises(ValidationError):
        submit()


def test_with_no_cache_seconds_every_submission_reads_the_categories(submit, category, settings):
    settings.REFERENCE_CACHE_SECONDS = 0
    submit()
    InquiryCategory.objects.filter(pk=category.pk).update(is_active=False)

    with pytest.raises(ValidationError):
        submit()
