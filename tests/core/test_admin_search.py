"""The admin header search finds each kind of record from the demo data, and nothing outside the user's scope."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from complaints.models import Inquiry
from customs_feedback.organization.models import Official
from customs_feedback.text import strip_accents
from partnerships.models import Agreement, Enterprise
from ratings.models import Declaration

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", "--allow-production", stdout=io.StringIO())


def search(client, username: str, query: str) -> dict[str, str]:
    """{result link: group label} of a search as `username`."""
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get("/admin/search/", {"q": query})
    assert response.status_code == 200
    return {result.url: group.label for group in response.context["groups"] for result in group.results}


def change_url(obj) -> str:
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def test_leadership_finds_every_kind(client, demo):
    enterprise = Enterprise.objects.exclude(name_vi="").order_by("pk").first()
    agreement = Agreement.objects.exclude(number=None).order_by("pk").first()
    declaration = Declaration.objects.order_by("pk").first()
    inquiry = Inquiry.objects.order_by("pk").first()
    official = Official.objects.order_by("pk").first()

    assert change_url(enterprise) in search(client, "lanhdao", enterprise.tax_code)
    unaccented_name = strip_accents(enterprise.name_vi).lower()
    assert unaccented_name != enterprise.name_vi.lower()
    assert change_url(enterprise) in search(client, "lanhdao", unaccented_name)
    assert change_url(agreement) in search(client, "lanhdao", agreement.reference.lower())
    assert change_url(agreement) in search(client, "lanhdao", str(agreement.number))
    assert change_url(declaration) in search(client, "lanhdao", declaration.number)
    assert change_url(inquiry) in search(client, "lanhdao", inquiry.tracking_code.lower())
    assert change_url(official) in search(client, "lanhdao", official.code)
    assert change_url(official) in search(client, "lanhdao", strip_accents(official.full_name).upper())


def test_results_are_grouped_by_kind_with_translated_labels(client, demo):
    enterprise = Enterprise.objects.filter(agreements__number__isnull=False).first()

    groups = set(search(client, "lanhdao", enterprise.tax_code).values())

    assert {"Doanh nghiệp", "Thỏa thuận hợp tác"} <= groups


def test_a_branch_leader_finds_their_branch_and_nothing_of_another(client, demo):
    own = Declaration.objects.filter(branch__code="03CC").first()
    other = Declaration.objects.exclude(branch__code="03CC").first()
    own_official = Official.objects.filter(branch__code="03CC").first()
    other_official = Official.objects.exclude(branch__code="03CC").first()
    enterprise = Enterprise.objects.first()

    assert change_url(own) in search(client, "truongchicuc", own.number)
    assert search(client, "truongchicuc", other.number) == {}
    assert change_url(own_official) in search(client, "truongchicuc", own_official.code)
    assert search(client, "truongchicuc", other_official.code) == {}
    assert search(client, "truongchicuc", enterprise.tax_code) == {}  # the registry is the partnership desk's


def test_the_desks_find_their_desks_records_only(client, demo):
    inquiry = Inquiry.objects.first()
    declaration = Declaration.objects.first()
    enterprise = Enterprise.objects.exclude(name_vi="").first()

    assert change_url(inquiry) in search(client, "vuongmac", inquiry.tracking_code)
    assert search(client, "vuongmac", declaration.number) == {}
    assert change_url(enterprise) in search(client, "hoptac", enterprise.name_vi[-12:])
    assert search(client, "hoptac", inquiry.tracking_code) == {}


def test_an_official_finds_nothing_but_themself(client, demo):
    declaration = Declaration.objects.exclude(official__user__username="congchuc").first()

    assert search(client, "congchuc", declaration.number) == {}


def test_a_too_short_query_asks_for_more(client, demo):
    client.force_login(get_user_model().objects.get(username="lanhdao"))

    response = client.get("/admin/search/", {"q": "a"})

    assert response.context["groups"] == []
    assert "Nhập ít nhất 2 ký tự." in response.content.decode()


def test_the_search_box_is_in_every_admin_page_header(client, demo):
    client.force_login(get_user_model().objects.get(username="canbo"))

    html = client.get("/admin/").content.decode()

    assert 'action="/admin/search/"' in html and 'name="q"' in html
