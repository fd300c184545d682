"""Fixtures of the enterprise portal tests: two companies with declarations, signed-in clients, tokens."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from customs_feedback.notifications.models import Notification
from partnerships import sign_in
from partnerships.middleware import SESSION_KEY
from partnerships.models import EnterpriseUser, MemberRole
from tests.factories import DeclarationFactory, EnterpriseFactory
from tests.ratings.conftest import branch, official, team  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def company(db):
    return EnterpriseFactory(
        tax_code="0100233488", name_vi="Công ty CP Cảng Đình Vũ", email="hung@cangdinhvu.example.vn"
    )


@pytest.fixture
def other_company(db):
    return EnterpriseFactory(tax_code="0200519875", name_vi="Công ty TNHH Biển Xanh", email="lan@bienxanh.example.vn")


def make_member(enterprise, email: str, role: str = MemberRole.MANAGER, **fields) -> EnterpriseUser:
    return EnterpriseUser.objects.create(enterprise=enterprise, email=email, role=role, **fields)


@pytest.fixture
def manager(company):
    return make_member(company, company.email, is_representative=True, name="Nguyễn Văn Hùng")


@pytest.fixture
def other_manager(other_company):
    return make_member(other_company, other_company.email, is_representative=True)


def signed_in(member) -> Client:
    """A browser session of this company user (as the code step leaves it)."""
    client = Client()
    session = client.session
    session[SESSION_KEY] = member.pk
    session.save()
    return client


def bearer(member) -> dict:
    key, _expires = sign_in.token_issue(member=member)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def last_code(email: str) -> str:
    """The six-digit code of the latest sign-in notice written for this address."""
    notice = Notification.objects.filter(kind="enterprise_sign_in_code", recipient=email).order_by("-pk").first()
    return re.search(r"\b(\d{6})\b", notice.body_text).group(1)


@pytest.fixture
def declarations(company, official):  # noqa: F811
    return [DeclarationFactory(enterprise=company, official=official, number=f"30000000000{i}") for i in range(1, 4)]


@pytest.fixture
def other_declaration(other_company, official):  # noqa: F811
    return DeclarationFactory(enterprise=other_company, official=official, number="399999999999")


@pytest.fixture
def agreement_text(db):
    from partnerships.models import AgreementTemplate
    from partnerships.services import template_publish

    current = AgreementTemplate.objects.filter(is_current=True).first()
    return current or template_publish(
        title_vi="Thỏa thuận", title_en="Agreement", body_vi="Điều 1.", body_en="Art. 1."
    )
