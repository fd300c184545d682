"""Declarations refuse what cannot have happened or cannot be a number, through the API and the CSV import."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ratings.importing import _import_portable, declarations_import
from ratings.models import Declaration
from tests.ratings.test_commands import good, write_csv
from tests.ratings.test_declarations import URL, payload

pytestmark = pytest.mark.django_db

FUTURE = "This time is in the future; give the time it actually happened."


def test_a_clearance_in_the_future_is_a_400_and_nothing_is_stored(api, api_key, official):
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()

    response = api("post", URL, key=api_key("declarations"), data=payload(official, cleared_at=tomorrow))

    assert response.status_code == 400
    assert response.json() == {"cleared_at": [FUTURE]}
    assert not Declaration.objects.exists()


def test_a_registration_in_the_future_is_a_400(api, api_key, official):
    later = (timezone.now() + timedelta(hours=2)).isoformat()

    data = payload(official, registered_at=later, cleared_at=None)

    response = api("post", URL, key=api_key("declarations"), data=data)

    assert response.status_code == 400
    assert response.json() == {"registered_at": [FUTURE]}


def test_an_impossible_date_is_a_400_not_a_500(api, api_key, official):
    response = api("post", URL, key=api_key("declarations"), data=payload(official, cleared_at="2026-02-30T10:00:00"))

    assert response.status_code == 400
    assert response.json() == {"cleared_at": ["Use an ISO 8601 date and time, for example 2020-05-04T08:30:00+07:00."]}


@pytest.mark.parametrize("number", ["１０１２３４５６７８９０", "١٠١٢٣٤٥٦٧٨٩٠"])
def test_a_number_in_other_digits_is_a_400(api, api_key, official, number):
    response = api("post", URL, key=api_key("declarations"), data=payload(official, number=number))

    assert response.status_code == 400
    assert response.json() == {"number": ["A customs declaration number has exactly 12 digits."]}
    assert not Declaration.objects.exists()


def test_a_nul_in_a_list_item_is_a_400_in_the_list_shape(api, api_key, official):
    rows = [payload(official), payload(official, number="101234567891", official_code="03CC\x00")]

    response = api("post", URL, key=api_key("declarations"), data=rows)

    assert response.status_code == 400
    assert response.json() == [
        {},
        {"official_code": ["This text contains a control character (such as NUL); remove it and try again."]},
    ]
    assert not Declaration.objects.exists()


def test_json_nested_five_thousand_deep_is_a_400(client, api_key):
    key = api_key("declarations")

    deep = "[" * 5000 + "]" * 5000

    response = client.post(URL, deep, content_type="application/json", HTTP_AUTHORIZATION=f"Api-Key {key}")

    assert response.status_code == 400


def test_the_csv_import_rejects_future_clearances_and_other_digits(tmp_path, official):
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    path = write_csv(
        tmp_path,
        official,
        [
            good(official, "107000000001", 1),
            good(official, "107000000002", 2, cleared=tomorrow),
            good(official, "１０７０００００００03", 3),
        ],
    )

    for result in (declarations_import(path=path), _import_portable(path.open(encoding="utf-8"), lambda _n: None, 100)):
        assert [(line, sorted(errors)) for line, errors in result.rejected] == [(3, ["cleared_at"]), (4, ["number"])]
    assert list(Declaration.objects.values_list("number", flat=True)) == ["107000000001"]
