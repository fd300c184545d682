"""The window-count throttle: a budget per period counted in O(1), sliding across two windows."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIRequestFactory

from customs_feedback import throttling
from customs_feedback.throttling import ResilientThrottleMixin, WindowCountThrottle

START = 1_000_000 * 60.0  # the start of a one-minute window


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


class TenAMinute(WindowCountThrottle):
    rate = "10/minute"
    cache_format = "throttle_test_%(scope)s_%(ident)s"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": "test", "ident": "client"}


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(TenAMinute, "timer", clock)
    cache.clear()
    yield clock
    cache.clear()
    throttling._cache_down_since = None


def allowed(count: int) -> list[bool]:
    request = APIRequestFactory().post("/")
    return [TenAMinute().allow_request(request, None) for _n in range(count)]


def test_the_budget_holds_and_refusals_are_not_counted(clock):
    assert allowed(12) == [True] * 10 + [False, False]
    # One entry of three numbers however many requests were made (DRF's keeps one time per request).
    assert cache.get("throttle_test_test_client") == (1_000_000, 10, 0)


def test_the_previous_window_counts_for_the_part_of_it_still_inside_the_period(clock):
    clock.now = START + 50
    allowed(10)
    clock.now = START + 60  # a new window: the ten requests of the last 60 s still count
    assert allowed(1) == [False]
    clock.now = START + 90  # half of the previous window is still inside the period: five of its ten
    assert allowed(6) == [True] * 5 + [False]
    clock.now = START + 180  # two windows on: nothing counts
    assert allowed(11) == [True] * 10 + [False]


def test_the_wait_is_until_a_request_would_be_allowed(clock):
    throttle = TenAMinute()
    request = APIRequestFactory().post("/")
    for _n in range(10):
        throttle.allow_request(request, None)
    clock.now = START + 30
    assert throttle.allow_request(request, None) is False
    wait = throttle.wait()
    # The ten requests of this window become the previous window's, whose share must drop to 9 in 10.
    assert wait == pytest.approx(60 - 30 + 6)
    clock.now += wait - 0.5
    assert allowed(1) == [False]
    clock.now += 1
    assert allowed(1) == [True]


def test_with_the_cache_down_the_count_is_kept_in_this_process(clock, monkeypatch):
    class Resilient(ResilientThrottleMixin, TenAMinute):
        pass

    class DeadCache:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

        set = get

    monkeypatch.setattr(Resilient, "cache", DeadCache())
    throttling._local_counts.clear()
    request = APIRequestFactory().post("/")

    answers = [Resilient().allow_request(request, None) for _n in range(11)]

    assert answers == [True] * 10 + [False]
    assert throttling.shared_cache_degraded()
