"""The header search stays on indexes: declaration numbers by range, names through trigram indexes, a cap on
how many name matches are sorted. (Timings at 20 M declarations are in bench/RESULTS.md, not asserted here.)"""

from __future__ import annotations

import pytest
from django.db import connection

from customs_feedback.core.search import SearchQuery
from partnerships import search as partnership_search
from partnerships.models import Enterprise
from ratings.search import number_prefix
from tests.factories import EnterpriseFactory, valid_tax_code


@pytest.mark.parametrize(
    ("digits", "bounds"),
    [
        ("021340", {"number__gte": "021340", "number__lt": "021341"}),
        ("021349", {"number__gte": "021349", "number__lt": "02135"}),
        ("129999", {"number__gte": "129999", "number__lt": "13"}),
        ("999999", {"number__gte": "999999"}),
    ],
)
def test_a_number_prefix_is_the_range_of_numbers_that_start_with_it(digits, bounds):
    assert number_prefix(digits) == bounds


def _names(results) -> list[str]:
    return [result.title for result in results]


@pytest.mark.django_db
def test_a_common_word_lists_twenty_of_the_first_matches_and_says_there_are_more(admin_user, monkeypatch):
    for index in range(8):
        EnterpriseFactory(name_vi=f"Công ty Thép số {index}")
    monkeypatch.setattr(partnership_search, "NAME_CANDIDATES", 5)
    monkeypatch.setattr(partnership_search, "RESULTS_PER_KIND", 3)

    found = partnership_search.enterprises(admin_user, SearchQuery("cong ty thep"))

    assert len(found) == 4  # RESULTS_PER_KIND + 1: the page says "more"
    tax_codes = [title.split()[0] for title in _names(found)]
    assert tax_codes == sorted(tax_codes)


@pytest.mark.django_db
def test_a_rare_word_finds_every_match_in_tax_code_order(admin_user):
    later, earlier = valid_tax_code(9), valid_tax_code(1)
    assert earlier < later
    EnterpriseFactory(tax_code=later, name_vi="Công ty Cảng Đình Vũ")
    EnterpriseFactory(tax_code=earlier, name_vi="Cảng Đình Vũ Logistics")
    EnterpriseFactory(name_vi="Công ty Thép Hải Phòng")

    found = partnership_search.enterprises(admin_user, SearchQuery("dinh vu"))

    assert [result.title.split()[0] for result in found] == [earlier, later]


@pytest.mark.django_db
def test_name_searches_can_use_the_trigram_indexes(require_postgresql, admin_user):
    """The indexes of partnerships 0007 are built on the very expression the search sends (else unused)."""
    EnterpriseFactory(name_vi="Công ty Cảng Đình Vũ")
    query = SearchQuery("dinh vu")
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table is otherwise read whole
        for model, field in ((Enterprise, "name_vi"), (partnership_search.Agreement, "company_name")):
            queryset = model.objects.annotate(name_folded=partnership_search.Folded(field)).filter(
                name_folded__contains=query.folded
            )
            plans.append(queryset.order_by().explain())  # unordered: the model's ordering would walk its index
    assert "enterprise_name_vi_trgm" in plans[0]
    assert "agreement_company_name_trgm" in plans[1]


@pytest.mark.django_db
def test_the_cap_counts_only_matches_the_user_may_see(monkeypatch):
    """A branch leader whose agreements come after many of other branches' still finds them."""
    from customs_feedback.organization.roles import Role
    from tests.factories import BranchFactory, agreement_text_publish, pending_review, staff_user

    agreement_text_publish()
    own_branch, other_branch = BranchFactory(), BranchFactory()
    leader = staff_user(Role.BRANCH_LEADER, branch=own_branch)
    for _ in range(3):
        Enterprise.objects.filter(pk=pending_review().enterprise_id).update(branch=other_branch)
    own = pending_review()
    Enterprise.objects.filter(pk=own.enterprise_id).update(branch=own_branch)
    monkeypatch.setattr(partnership_search, "NAME_CANDIDATES", 2)

    found = partnership_search.agreements(leader, SearchQuery("dinh vu"))

    assert [result.url for result in found] == [partnership_search.admin_url(own)]
