from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from customs_feedback.organization.roles import Role
from ratings.models import ApiClient
from ratings.services import RatingInput, rating_submit
from tests.factories import (
    BranchFactory,
    DeclarationFactory,
    EnterpriseFactory,
    OfficialFactory,
    TeamFactory,
    staff_user,
)


@pytest.fixture
def branch(db):
    return BranchFactory(code="03CC", name_vi="Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I")


@pytest.fixture
def team(branch):
    return TeamFactory(branch=branch, code="TTHQ")


@pytest.fixture
def official(team):
    return OfficialFactory(team=team, branch=team.branch, code="03CC-TTHQ-01")


@pytest.fixture
def official_user(official):
    """The official's own staff account (role: official)."""
    user = staff_user(Role.OFFICIAL)
    official.user = user
    official.save(update_fields=["user"])
    return user


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory(email="xnk@bien-dong.example.vn", name_vi="Công ty TNHH Biển Đông")


@pytest.fixture
def leader(branch):
    user = staff_user(Role.BRANCH_LEADER, branch=branch, email="truongchicuc@haiquan.example.vn")
    return user


@pytest.fixture
def inspector(db):
    """A member of the inspection desk (Thanh tra – Kiểm tra)."""
    return staff_user(Role.INSPECTION_DESK, email="thanhtra@haiquan.example.vn")


@pytest.fixture
def declaration(official, enterprise):
    return DeclarationFactory(official=official, enterprise=enterprise, number="103456789012")


@pytest.fixture
def api_key(db):
    def make(*scopes: str) -> str:
        _client, key = ApiClient.objects.create_key(name="ECUS5 test", scopes=list(scopes))
        return key

    return make


@pytest.fixture
def api(client):
    def call(method: str, path: str, *, key: str | None = None, data=None, language: str = "en"):
        headers = {"HTTP_ACCEPT_LANGUAGE": language}
        if key:
            headers["HTTP_AUTHORIZATION"] = f"Api-Key {key}"
        return getattr(client, method)(path, data=data, content_type="application/json", **headers)

    return call


def rate(declaration, official=None, team=None, branch=None, reason="", comment="", **kwargs):
    """Submit a rating for `declaration` as its own enterprise."""
    return rating_submit(
        declaration_number=declaration.number,
        tax_code=declaration.enterprise.tax_code,
        data=RatingInput(official_score=official, team_score=team, branch_score=branch, reason=reason, comment=comment),
        **kwargs,
    )


def at(day: str, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day).replace(hour=hour))


def frozen(moment: datetime):
    """Django's clock stopped at `moment` (timezone.now and everything reading it, e.g. localdate)."""
    from unittest import mock

    return mock.patch("django.utils.timezone.now", return_value=moment)
