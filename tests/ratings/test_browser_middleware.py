"""The browser's middlewares (settings.BROWSER_ONLY_MIDDLEWARE) are left out on the API-key paths only, and an
API-key request is answered as through every middleware, a staff session cookie sent along or not, but for
what the answer said about that cookie: nothing in it depends on the cookie any more (no `Vary: Cookie`), and
a staff session's cookie sent along with an API key is neither read nor refreshed (the key's call is not the
staff member's activity)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path, resolve
from django.views import View

from customs_feedback.core.browser_middleware import api_key_paths
from customs_feedback.organization.roles import Role
from ratings.apis import ApiKeyAuthentication
from tests.factories import staff_user
from tests.ratings.test_ratings import URL, body

FORK = "customs_feedback.core.browser_middleware.ApiKeyPathsMiddleware"
EVERY_MIDDLEWARE_ON_EVERY_PATH = [path for path in settings.MIDDLEWARE if path != FORK]


def test_the_api_key_paths_are_the_views_that_accept_an_api_key_alone():
    assert api_key_paths() == {"/api/v1/ratings/", "/api/v1/declarations/"}
    for api_key_path in api_key_paths():
        view = resolve(api_key_path).func.view_class
        assert view.authentication_classes == [ApiKeyAuthentication], api_key_path  # no session, no token


# A URLconf and middlewares of the tests' own (ROOT_URLCONF and MIDDLEWARE below): which layers a request passes.
PASSED: list[str] = []


class _Layer:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        PASSED.append(type(self).__name__)
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs) -> None:
        PASSED.append(f"{type(self).__name__}.process_view")

    def process_exception(self, request, exception) -> None:
        PASSED.append(f"{type(self).__name__}.process_exception")


class Outer(_Layer):
    pass


class BrowserOnly(_Layer):
    pass


class NotUsed:
    def __init__(self, get_response) -> None:
        raise MiddlewareNotUsed


class Inner(_Layer):
    pass


class _ApiKeyView(View):
    reads_no_browser_state = True

    def get(self, request, **kwargs):
        return HttpResponse("api key")


class _BrokenApiKeyView(_ApiKeyView):
    def get(self, request, **kwargs):
        raise RuntimeError("broken")


urlpatterns = [
    path("key/", _ApiKeyView.as_view()),
    path("key-broken/", _BrokenApiKeyView.as_view()),
    path("key/<int:number>/", _ApiKeyView.as_view()),  # a route with a parameter is not an API-key path
    path("page/", lambda request: HttpResponse("page")),
]
OWN = {
    "ROOT_URLCONF": __name__,
    "MIDDLEWARE": [FORK, *(f"{__name__}.{name}" for name in ("Outer", "BrowserOnly", "NotUsed", "Inner"))],
    "BROWSER_ONLY_MIDDLEWARE": [f"{__name__}.BrowserOnly"],
}


def layers(path: str) -> tuple[int, list[str]]:
    PASSED.clear()
    response = Client(raise_request_exception=False).get(path)
    return response.status_code, list(PASSED)


@override_settings(**OWN)
def test_an_api_key_path_leaves_the_browser_middlewares_out():
    assert layers("/key/") == (200, ["Outer", "Inner", "Outer.process_view", "Inner.process_view"])
    assert layers("/key-broken/") == (
        500,
        ["Outer", "Inner", "Outer.process_view", "Inner.process_view", "Inner.process_exception",
         "Outer.process_exception"],
    )  # fmt: skip


@override_settings(**OWN)
def test_every_other_path_goes_through_every_middleware():
    every = ["Outer", "BrowserOnly", "Inner", "Outer.process_view", "BrowserOnly.process_view", "Inner.process_view"]
    assert layers("/page/") == (200, every)
    assert layers("/key/7/") == (200, every)
    assert layers("/no-such-page/") == (404, ["Outer", "BrowserOnly", "Inner"])


@override_settings(**{**OWN, "BROWSER_ONLY_MIDDLEWARE": [f"{__name__}.BrowserOnly", f"{__name__}.Missing"]})
def test_a_browser_middleware_that_is_not_in_the_list_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="Missing"):
        Client().get("/page/")


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["no cookie", "a staff session cookie"])
@pytest.mark.parametrize("low", [False, True], ids=["high score", "low score"])
def test_an_api_key_request_is_answered_as_through_every_middleware(api_key, declaration, signed_in, low, leader):
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
    every_status, every_rating_status, every_headers, every_cookies = answer("9", EVERY_MIDDLEWARE_ON_EVERY_PATH)

    assert (status, rating_status) == (every_status, every_rating_status) == (201, "received")
    assert every_headers.pop("Vary") == "Accept, Accept-Language, Cookie"  # the staff middleware read the user
    assert headers.pop("Vary") == "Accept, Accept-Language"
    assert headers == every_headers  # security headers, CSP, language, length: all the same
    assert cookies == set()
    assert every_cookies == ({"sessionid"} if signed_in else set())  # the staff session, refreshed by the key
