from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from partnerships.models import Agreement, AgreementStatus
from partnerships.tasks import agreements_expire_unconfirmed
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("agreement_text")]


def test_the_expiry_job_is_scheduled():
    assert (
        settings.CELERY_BEAT_SCHEDULE["partnerships-expire-unconfirmed"]["task"] == agreements_expire_unconfirmed.name
    )


def test_the_expiry_task_expires_unconfirmed_agreements_and_is_safe_to_run_twice():
    agreement = factories.sign().agreement
    Agreement.objects.filter(pk=agreement.pk).update(confirm_expires_at=timezone.now() - timedelta(seconds=1))

    assert agreements_expire_unconfirmed.apply().get() == 1
    assert agreements_expire_unconfirmed.apply().get() == 0
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.EXPIRED
