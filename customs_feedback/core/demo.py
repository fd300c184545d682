"""Demo data: every app contributes a seeder in its own `demo.py`, run in order by `seed_demo`."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO


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

    def decorate(function: Seeder) -> Seeder:
        name = f"{function.__module__}.{function.__qualname__}"
        if all(existing != name for _order, existing, _fn in _seeders):
            _seeders.append((order, name, function))
        return function

    return decorate


def seeders() -> list[Seeder]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    return [function for _order, _name, function in sorted(_seeders, key=lambda entry: entry[:2])]
