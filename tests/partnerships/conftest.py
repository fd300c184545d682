import pytest
from django.core.cache import cache

from customs_feedback.organization.roles import Role
from partnerships.models import AgreementTemplate
from tests.factories import agreement_text_publish, staff_user


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def agreement_text(db) -> AgreementTemplate:
    """The current agreement text (the data migration publishes one; transactional tests flush it)."""
    current = AgreementTemplate.objects.filter(is_current=True).first()
    return current or agreement_text_publish()


@pytest.fixture
def desk(db):
    return staff_user(Role.PARTNERSHIP_DESK)


@pytest.fixture
def leadership(db):
    return staff_user(Role.DEPARTMENT_LEADERSHIP)
