import pytest
from django.core.cache import cache

from customs_feedback.organization.roles import Role
from partnerships.models import AgreementTemplate
from partnerships.services import template_publish
from tests.factories import staff_user


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
    return current or template_publish(
        title_vi="Thỏa thuận hợp tác Hải quan – Doanh nghiệp",
        title_en="Customs–Business partnership agreement",
        body_vi="Điều 1. Trách nhiệm của Cục Hải quan.\nĐiều 2. Trách nhiệm của doanh nghiệp.",
        body_en="Article 1. Commitments of the Customs Department.\nArticle 2. Commitments of the enterprise.",
    )


@pytest.fixture
def desk(db):
    return staff_user(Role.PARTNERSHIP_DESK)


@pytest.fixture
def leadership(db):
    return staff_user(Role.DEPARTMENT_LEADERSHIP)
