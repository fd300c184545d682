"""Gaming is noticed, not punished: patterns go to the inspection desk's queue; flags never change a score."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customs_feedback.exceptions import PermissionDenied
from customs_feedback.organization.roles import Role
from ratings.gaming import flag_review, gaming_scan
from ratings.models import ApiClient, DailyRollup, FlagKind, Rating, RatingFlag
from ratings.services import RatingInput, rating_submit
from tests.factories import DeclarationFactory, EnterpriseFactory, staff_user
from tests.ratings.conftest import rate

pytestmark = pytest.mark.django_db


def scores_snapshot():
    return list(Rating.objects.order_by("pk").values_list("status", "official_score")), list(
        DailyRollup.objects.order_by("pk").values_list("ratings", "official_1", "official_5")
    )


def test_one_enterprise_rating_one_official_low_again_and_again_is_flagged_once(official, enterprise, settings):
    settings.RATING_GAMING_REPEATED_LOW = 3
    for _ in range(3):
        rate(DeclarationFactory(official=official, enterprise=enterprise), official=1, reason="attitude")
    before = scores_snapshot()

    assert gaming_scan() == 1
    assert gaming_scan() == 0  # safe to run again

    flag = RatingFlag.objects.get()
    assert (flag.kind, flag.official, flag.enterprise, flag.ratings.count()) == (
        FlagKind.REPEATED_LOW,
        official,
        enterprise,
        3,
    )
    assert scores_snapshot() == before


def test_a_burst_of_top_scores_from_enterprises_sharing_a_contact_is_flagged(official, settings):
    settings.RATING_GAMING_SHARED_CONTACT_TOP = 3
    companies = [EnterpriseFactory(email="dichvu@khaibao.example.vn") for _ in range(3)]
    for company in companies:
        rate(DeclarationFactory(official=official, enterprise=company), official=5)
    rate(DeclarationFactory(official=official), official=5)  # an unrelated enterprise

    assert gaming_scan() == 1
    flag = RatingFlag.objects.get()
    assert flag.kind == FlagKind.SHARED_CONTACT_BURST
    assert flag.ratings.count() == 3


def test_a_surge_from_one_api_client_is_flagged(official, settings):
    settings.RATING_GAMING_CLIENT_SURGE_MIN = 4
    client, _key = ApiClient.objects.create_key(name="ECUS5", scopes=["ratings"])
    for _ in range(4):
        declaration = DeclarationFactory(official=official)
        rating_submit(
            declaration_number=declaration.number,
            tax_code=declaration.enterprise.tax_code,
            data=RatingInput(branch_score=5),
            submitted_by=client,
        )

    assert gaming_scan() == 1
    assert RatingFlag.objects.get().kind == FlagKind.CLIENT_SURGE
    assert gaming_scan(now=timezone.now() + timedelta(days=2)) == 0  # an old burst is not a surge


def test_only_the_inspection_desk_reviews_and_reviewing_changes_no_score(official, enterprise, leader, settings):
    settings.RATING_GAMING_REPEATED_LOW = 2
    for _ in range(2):
        rate(DeclarationFactory(official=official, enterprise=enterprise), official=1, reason="attitude")
    gaming_scan()
    flag = RatingFlag.objects.get()
    before = scores_snapshot()

    with pytest.raises(PermissionDenied):
        flag_review(flag_id=flag.pk, confirmed=True, note="", actor=leader)
    flag_review(flag_id=flag.pk, confirmed=True, note="Đã xác minh", actor=staff_user(Role.INSPECTION_DESK))

    flag.refresh_from_db()
    assert flag.status == "confirmed"
    assert list(flag.events.values_list("from_status", "to_status")) == [("", "open"), ("open", "confirmed")]
    assert scores_snapshot() == before
