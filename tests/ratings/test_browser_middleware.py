"""The browser middlewares (session, user, two-factor device, messages) are left out on the API-key paths only, and an
API-key request is answered as with Django's own middlewares, a staff session cookie sent along or not, but for
what the answer said about that cookie: nothing in it depends on the cookie any more (no `Vary: Cookie`), and
a staff session's cookie sent along with an API key is neither read nor refreshed (the key's call is not the
staff member's activity)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import resolve

from customs_feedback.core import browser_middleware
from customs_feedback.core.browser_middleware import api_key_paths
from customs_feedback.organization.roles import Role
from ratings.apis import ApiKeyAuthentication
from tests.factories import staff_user
from tests.ratings.test_ratings import URL, body

DJANGOS_OWN = [
    {
        "customs_feedback.core.browser_middleware.SessionMiddleware": (
            "django.contrib.sessions.middleware.SessionMiddleware"
        ),
        "customs_feedback.core.browser_middleware.AuthenticationMiddleware": (
            "django.contrib.auth.middleware.AuthenticationMiddleware"
        ),
        "customs_feedback.core.browser_middleware.OTPMiddleware": "django_otp.middleware.OTPMiddleware",
        "customs_feedback.core.browser_middleware.MessageMiddleware": (
            "django.contrib.messages.middleware.MessageMiddleware"
        ),
    }.get(path, path)
    for path in settings.MIDDLEWARE
]


def test_the_api_key_paths_are_the_views_that_accept_an_api_key_alone():
    assert api_key_paths() == {"/api/v1/ratings/", "/api/v1/declarations/"}
    for path in api_key_paths():
        view = resolve(path).func.view_class
        assert view.authentication_classes == [ApiKeyAuthentication], path  # no session, no token


def test_the_four_middlewares_run_everywhere_else():
    factory = RequestFactory()

    def passed(middleware_class, path):
        request = factory.get(path)
        request.session = {}
        middleware_class(lambda request: HttpResponse())(request)
        return request

    for path in ["/", "/admin/", "/api/v1/ratings/stats/", "/api/v1/ratings/1/verify/", "/api/v1/ratings"]:
        assert hasattr(passed(browser_middleware.SessionMiddleware, path).session, "session_key"), path
        assert isinstance(passed(browser_middleware.AuthenticationMiddleware, path).user, AnonymousUser), path
        assert hasattr(passed(browser_middleware.MessageMiddleware, path), "_messages"), path
    assert passed(browser_middleware.SessionMiddleware, URL).session == {}  # the test's own, not replaced
    api = passed(browser_middleware.AuthenticationMiddleware, URL)
    assert not hasattr(api, "user")
    assert not hasattr(passed(browser_middleware.MessageMiddleware, URL), "_messages")


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["no cookie", "a staff session cookie"])
@pytest.mark.parametrize("low", [False, True], ids=["high score", "low score"])
def test_an_api_key_request_is_answered_as_with_djangos_own_middlewares(api_key, declaration, signed_in, low, leader):
    key = api_key("ratings")
    user = staff_user(Role.BRANCH_LEADER)
    scores = {"official_score": 2, "reason": "delay"} if low else {}

    def answer(number_suffix: str, middleware: list[str]):
        declaration.number = declaration.number[:-1] + number_suffix
        declaration.pk = None
        declaration.save()
        with override_settings(MIDDLEWARE=middleware):
            client = Client()  # a client builds its middleware chain on its first request
            if signed_in:
                client.force_login(user)
            response = client.post(URL, body(declaration, **scores), content_type="application/json",
                                   HTTP_AUTHORIZATION=f"Api-Key {key}", HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
        headers = {name: value for name, value in response.headers.items() if name != "X-Request-ID"}
        return response.status_code, response.json()["status"], headers, set(response.cookies.keys())

    status, rating_status, headers, cookies = answer("8", settings.MIDDLEWARE)
    djangos_status, djangos_rating_status, djangos_headers, djangos_cookies = answer("9", DJANGOS_OWN)

    assert (status, rating_status) == (djangos_status, djangos_rating_status) == (201, "received")
    assert djangos_headers.pop("Vary") == "Accept, Accept-Language, Cookie"  # the staff middleware read the user
    assert headers.pop("Vary") == "Accept, Accept-Language"
    assert headers == djangos_headers  # security headers, CSP, language, length: all the same
    assert cookies == set()
    assert djangos_cookies == ({"sessionid"} if signed_in else set())  # the staff session, refreshed by the key
