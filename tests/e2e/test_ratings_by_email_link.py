import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ratings.models import Channel, Rating
from ratings.services import declarations_upsert
from tests.factories import EnterpriseFactory, OfficialFactory, clearance_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_enterprise_rates_a_declaration_through_the_emailed_link(page, live_server):
    official = OfficialFactory(code="03CC-TTHQ-09")
    enterprise = EnterpriseFactory(email="xnk@hai-au.example.vn", name_vi="Công ty TNHH Hải Âu")
    declarations_upsert(
        rows=[
            clearance_row(
                official,
                tax_code=enterprise.tax_code,
                number="104567890123",
                registered_at=timezone.now() - timedelta(hours=6),
                cleared_at=timezone.now() - timedelta(hours=1),
            )
        ]
    )
    [invitation] = [message for message in mail.outbox if message.to == [enterprise.email]]
    link = re.search(r"http://\S+/ratings/rate/\S+/", invitation.body).group(0)

    page.goto(link)
    assert page.locator("h1").inner_text() == "Đánh giá mức độ hài lòng"
    assert not Rating.objects.exists()  # opening the link changes nothing

    page.locator("#fieldset-official_score").get_by_label("Rất hài lòng").check()
    page.locator("#fieldset-team_score input[value='4']").check()  # ★★★★☆ Hài lòng
    page.locator("#fieldset-branch_score").get_by_label("Rất hài lòng").check()
    page.fill("textarea[name=comment]", "Cán bộ hướng dẫn tận tình.")
    page.get_by_role("button", name="Gửi đánh giá").click()

    assert page.locator("h1").inner_text() == "Cảm ơn Quý doanh nghiệp đã đánh giá"
    rating = Rating.objects.get()
    assert (rating.official_score, rating.team_score, rating.branch_score) == (5, 4, 5)
    assert rating.channel == Channel.EMAIL_LINK

    page.goto(link)
    assert "đã được sử dụng" in page.content()
