"""Demo data: every app contributes a seeder in its own `demo.py`, run in order by `seed_demo`."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from customs_feedback.core.registry import providers_in_order, register_provider


@dataclass
class DemoContext:
    rng: random.Random
    out: TextIO
    password: str
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role label, scope)


Seeder = Callable[[DemoContext], None]
_seeders: list[tuple[int, str, Seeder]] = []


def seeder(order: int) -> Callable[[Seeder], Seeder]:
    """Register a seeder; lower orders run first (organization 10, partnerships 20, ratings 30, ...)."""
    return register_provider(_seeders, order)


def seeders() -> list[Seeder]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    return providers_in_order(_seeders)
