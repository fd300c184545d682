from datetime import timedelta

import pytest
from django.utils import timezone

from partnerships.models import Enterprise
from ratings.models import DailyRollup, Declaration
from ratings.services import declarations_upsert
from tests.factories import EnterpriseFactory, OfficialFactory, valid_tax_code

pytestmark = pytest.mark.django_db

URL = "/api/v1/declarations/"


def payload(official, number="101234567890", tax_code=None, **overrides):
    return {
        "number": number,
        "tax_code": tax_code or valid_tax_code(7),
        "branch_code": official.branch.code,
        "team_code": official.team.code,
        "official_code": official.code,
        "registered_at": "2026-11-02T08:15:00+07:00",
        "cleared_at": "2026-11-02T14:40:00+07:00",
        **overrides,
    }


def test_a_declaration_is_created_then_updated_by_number(api, api_key, official):
    key = api_key("declarations")

    first = api("post", URL, key=key, data=payload(official, cleared_at=None))
    second = api("post", URL, key=key, data=payload(official))

    assert first.status_code == 200, first.json()
    assert first.json() == {"created": 1, "updated": 0}
    assert second.json() == {"created": 0, "updated": 1}
    declaration = Declaration.objects.get(number="101234567890")
    assert declaration.cleared_on.isoformat() == "2026-11-02"


def test_an_unknown_but_valid_tax_code_creates_its_enterprise(api, api_key, official):
    api("post", URL, key=api_key("declarations"), data=payload(official, tax_code=valid_tax_code(99)))

    assert Enterprise.objects.filter(tax_code=valid_tax_code(99)).exists()


def test_a_batch_looks_codes_up_with_one_query_each_not_one_per_row(api, api_key, official):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    key = api_key("declarations")
    api("post", URL, key=key, data=payload(official, number="100000000000"))  # warm up
    small = [payload(official, number=f"2000000000{i:02d}", tax_code=valid_tax_code(i)) for i in range(5)]
    large = [payload(official, number=f"30000000{i:04d}", tax_code=valid_tax_code(i + 100)) for i in range(1000)]

    with CaptureQueriesContext(connection) as small_queries:
        api("post", URL, key=key, data=small)
    with CaptureQueriesContext(connection) as large_queries:
        response = api("post", URL, key=key, data=large)

    def selects(context):
        return [query["sql"] for query in context.captured_queries if query["sql"].startswith("SELECT")]

    assert response.json() == {"created": 1000, "updated": 0}
    # Lookups are per batch; only the driver's limit on bind parameters may split the INSERTs (SQLite).
    assert len(selects(large_queries)) == len(selects(small_queries)) <= 7


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("number", "12345", "A customs declaration number has exactly 12 digits."),
        ("number", "10123456789A", "A customs declaration number has exactly 12 digits."),
        ("tax_code", "0100233489", "This tax code is not valid: its check digit does not match. Please check it."),
        ("tax_code", "12345", "A tax code has 10 digits, or 13 digits for a branch (for example 0100233488-001)."),
        ("branch_code", "03XX", "Unknown branch code 03XX."),
        ("official_code", "NOBODY", "Unknown official code NOBODY."),
        ("registered_at", "hôm qua", "Use an ISO 8601 date and time, for example 2020-05-04T08:30:00+07:00."),
    ],
)
def test_bad_input_is_rejected_with_a_message_and_nothing_is_saved(api, api_key, official, field, value, message):
    response = api("post", URL, key=api_key("declarations"), data=payload(official, **{field: value}))

    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert not Declaration.objects.exists()


def test_one_bad_row_in_a_batch_saves_nothing_and_names_the_row(api, api_key, official):
    rows = [payload(official, number="100000000001"), payload(official, number="1")]

    response = api("post", URL, key=api_key("declarations"), data=rows)

    assert response.status_code == 400
    assert response.json() == [{}, {"number": ["A customs declaration number has exactly 12 digits."]}]
    assert not Declaration.objects.exists()


def test_an_official_of_another_branch_is_refused(api, api_key, official):
    stranger = OfficialFactory(code="03EE-X")

    response = api("post", URL, key=api_key("declarations"), data=payload(official, official_code=stranger.code))

    assert response.status_code == 400
    assert response.json() == {"official_code": [f"Official 03EE-X does not belong to branch {official.branch.code}."]}


def test_more_than_1000_rows_are_refused(api, api_key, official):
    rows = [payload(official, number=f"4{i:011d}") for i in range(1001)]

    response = api("post", URL, key=api_key("declarations"), data=rows)

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Send at most 1000 declarations per request."]}


def test_a_missing_api_key_is_401_and_a_wrong_key_is_401(api, official):
    missing = api("post", URL, data=payload(official))
    wrong = api("post", URL, key="abcdefgh.not-the-key", data=payload(official))

    assert missing.status_code == 401
    assert missing.json() == {"detail": "Send your API key in the header: Authorization: Api-Key <key>."}
    assert wrong.status_code == 401
    assert wrong.json() == {"detail": "This API key is not valid."}
    assert not Declaration.objects.exists()


def test_a_key_without_the_declarations_scope_is_403(api, api_key, official):
    response = api("post", URL, key=api_key("ratings"), data=payload(official))

    assert response.status_code == 403
    assert response.json() == {"detail": "This API key may not use this endpoint (it needs the scope “declarations”)."}


def test_a_revoked_key_is_refused(api, official):
    from ratings.models import ApiClient

    client, key = ApiClient.objects.create_key(name="old", scopes=["declarations"])
    client.revoked = True
    client.save()

    assert api("post", URL, key=key, data=payload(official)).status_code == 401


def test_a_key_revoked_after_it_was_used_is_refused_at_once(api, official):
    from ratings.models import ApiClient

    client, key = ApiClient.objects.create_key(name="ECUS", scopes=["declarations"])
    first = api("post", URL, key=key, data=payload(official))  # verified, and remembered by this process
    client.revoked = True
    client.save()

    assert first.status_code == 200
    assert api("post", URL, key=key, data=payload(official)).status_code == 401


def test_clients_are_throttled_one_by_one(api, api_key, official, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_client": "2/minute"}}
    from rest_framework.settings import api_settings

    api_settings.reload()
    try:
        from ratings.apis import ApiClientThrottle

        ApiClientThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        first, second = api_key("declarations"), api_key("declarations")
        codes = [api("post", URL, key=first, data=payload(official)).status_code for _ in range(3)]
        other = api("post", URL, key=second, data=payload(official)).status_code
    finally:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
        api_settings.reload()
        ApiClientThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        cache.clear()

    assert codes == [200, 200, 429]
    assert other == 200


def test_moving_a_cleared_declaration_moves_its_count_in_the_rollup(official):
    other_day = payload(official, cleared_at="2026-11-05T09:00:00+07:00")

    declarations_upsert(rows=[payload(official)])
    declarations_upsert(rows=[other_day])

    counts = dict(DailyRollup.objects.values_list("day", "declarations"))
    assert {day.isoformat(): count for day, count in counts.items()} == {"2026-11-02": 0, "2026-11-05": 1}


def test_partial_mode_saves_the_good_rows_and_reports_the_bad(official):
    result = declarations_upsert(
        rows=[payload(official, number="100000000002"), payload(official, number="x")], partial=True
    )

    assert (result.created, result.updated) == (1, 0)
    assert [index for index, _errors in result.rejected] == [1]


def test_a_declaration_cannot_be_cleared_before_it_was_registered(official):
    early = (timezone.now() - timedelta(days=3)).isoformat()

    result = declarations_upsert(rows=[payload(official, registered_at=timezone.now().isoformat(), cleared_at=early)])

    assert result.rejected == [(0, {"cleared_at": ["A declaration cannot be cleared before it was registered."]})]
    EnterpriseFactory()  # the enterprise registry is untouched by a refused batch
    assert not Declaration.objects.exists()
