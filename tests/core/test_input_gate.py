"""The input gate: every former 500 from bad input is a translated 400 and nothing is stored."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from complaints.models import Inquiry
from partnerships.models import Agreement

pytestmark = pytest.mark.django_db

CONTROL = "This text contains a control character (such as NUL); remove it and try again."
SURROGATE = "This text contains an invalid Unicode character (a lone surrogate)."
INVISIBLE = "This text contains only invisible characters; type visible text."

INQUIRY = {
    "name": "Nguyễn Thị Hoa",
    "email": "hoa@example.vn",
    "category": "procedures",
    "subject": "Thủ tục tạm nhập tái xuất",
    "body": "Xin hỏi thủ tục tạm nhập tái xuất máy móc thi công?",
}


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def post_json(api, path: str, raw: str):
    return api.generic("POST", path, raw.encode("utf-8", "surrogatepass"), content_type="application/json")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/faq/?q=a%00b", "q"),
        ("/api/v1/inquiries/VM-2345-6789/?email=a%00b@example.vn", "email"),
        ("/api/v1/ratings/stats/?branch=03%00CC", "branch"),
        ("/api/v1/faq/?q=%1B%5B31m", "q"),
    ],
)
def test_a_control_character_in_a_query_parameter_is_a_400_naming_the_parameter(api, path, field):
    response = api.get(path)

    assert response.status_code == 400
    assert response.json() == {field: [CONTROL]}


def test_a_nul_in_the_path_is_a_400(api):
    response = api.get("/api/v1/inquiries/VM-%00/?email=a@example.vn")

    assert response.status_code == 400
    assert response.json() == {"detail": CONTROL}


def test_the_refusal_is_translated(api):
    response = api.get("/api/v1/faq/?q=a%00b", HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 400
    assert response.json()["q"][0].startswith("Văn bản này chứa ký tự điều khiển")


@pytest.mark.parametrize(
    ("raw_value", "message"),
    [
        ('"Thủ tục\\u0000 tạm nhập"', CONTROL),
        ('"Thủ tục \\ud800"', SURROGATE),
        ('"\\u200b\\u200b"', INVISIBLE),
        ('"\\u3164"', INVISIBLE),
    ],
)
def test_bad_text_in_a_json_string_is_a_400_on_that_field_and_nothing_is_stored(api, raw_value, message):
    body = json.dumps(INQUIRY)[:-1] + f', "subject2": "x", "body": {raw_value}}}'

    response = post_json(api, "/api/v1/inquiries/", body)

    assert response.status_code == 400
    assert response.json() == {"body": [message]}
    assert not Inquiry.objects.exists()


def test_a_bad_key_in_a_json_object_is_a_400(api):
    response = post_json(api, "/api/v1/inquiries/", '{"na\\u0000me": "x"}')

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [CONTROL]}


@pytest.mark.parametrize("path", ["/api/v1/inquiries/", "/api/v1/partnerships/agreements/"])
def test_json_nested_five_thousand_deep_is_a_400_not_a_recursion_error(api, path):
    response = post_json(api, path, "[" * 5000 + "]" * 5000)

    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON body is nested too deeply."}


def test_json_deeper_than_the_limit_is_a_400(api):
    nested = {"body": json.loads("[" * 30 + "]" * 30)}

    response = api.post("/api/v1/inquiries/", {**INQUIRY, **nested}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON body is nested too deeply (at most 20 levels)."}


def test_a_body_larger_than_the_limit_is_a_413(api, settings):
    settings.API_JSON_MAX_BYTES = 1000

    response = api.post("/api/v1/inquiries/", {**INQUIRY, "body": "x" * 2000}, format="json")

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large (at most 0 kB)."}
    assert not Inquiry.objects.exists()


def test_nan_is_not_json(api):
    response = post_json(api, "/api/v1/inquiries/", '{"name": NaN}')

    assert response.status_code == 400
    assert response.json()["detail"].startswith("The body is not valid JSON")


def test_json_only_endpoints_refuse_a_form_body(api):
    response = api.post("/api/v1/partnerships/agreements/", {"tax_code": "0100233488"}, format="multipart")

    assert response.status_code == 415
    assert not Agreement.objects.exists()


def test_a_nul_in_a_multipart_field_is_a_400(api):
    response = api.post("/api/v1/inquiries/", {**INQUIRY, "subject": "a\x00b"}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"subject": [CONTROL]}
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize(("query", "field"), [("date_from=2020-13-45", "date_from"), ("date_to=2020-02-30", "date_to")])
def test_impossible_dates_in_the_stats_are_a_400(api, query, field):
    response = api.get(f"/api/v1/ratings/stats/?{query}")

    assert response.status_code == 400
    assert response.json() == {field: ["Use a date such as 2020-05-31."]}


@pytest.mark.parametrize("number", ["１０５１２３４５６７８９", "١٠٥١٢٣٤٥٦٧٨٩"])
def test_a_declaration_number_in_other_digits_is_a_400_on_inquiries(api, number):
    response = api.post("/api/v1/inquiries/", {**INQUIRY, "declaration_number": number}, format="json")

    assert response.status_code == 400
    assert response.json() == {"declaration_number": ["A customs declaration number has exactly 12 digits."]}
    assert not Inquiry.objects.exists()


def test_a_tax_code_in_full_width_digits_is_a_400(api):
    response = api.post("/api/v1/inquiries/", {**INQUIRY, "tax_code": "０１００２３３４８８"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"tax_code": ["Use the digits 0–9 (not full-width or other scripts' digits)."]}


def test_a_portal_form_with_a_nul_answers_a_translated_400_page(client):
    response = client.post("/inquiries/", {**INQUIRY, "subject": "a\x00b"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert CONTROL in response.content.decode()
    assert not Inquiry.objects.exists()


def test_an_admin_form_with_invisible_only_text_answers_400(admin_client):
    response = admin_client.post(
        "/admin/organization/branch/add/", {"code": "03XX", "name_vi": "\u200b", "name_en": "x"}
    )

    assert response.status_code == 400
    assert "Văn bản này chỉ gồm các ký tự vô hình" in response.content.decode()  # Vietnamese by default


def test_a_list_where_a_string_belongs_is_a_400_not_a_500(api):
    response = api.post("/api/v1/inquiries/", {**INQUIRY, "website": [None, None]}, format="json")

    assert response.status_code == 400
    assert response.json() == {"website": ["Send this field as text."]}  # translated (vi: see test_api)


def test_a_list_body_for_an_object_endpoint_is_refused_in_the_object_shape(api):
    response = post_json(api, "/api/v1/partnerships/agreements/confirm/", '[{"token": "a\\u0000"}]')

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [CONTROL]}


def test_an_api_address_no_route_matches_answers_json(api):
    response = api.get("/api/v1/ratings/not-a-number/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
