"""The admin header search: one box for tax codes, names, declaration numbers, tracking codes, references.

Each app registers the kinds of record it can find in its `search.py` (discovered at start-up); a kind
searches only `for_user(user, ...)` rows, so a result outside the user's scope is never listed, and links
each result to its admin page. Names match without accents on any database ("cong ty thep" finds
"Công ty Thép") through `Folded`, which folds Vietnamese letters inside the query.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import CharField, Func, Model, Value

from customs_feedback.text import strip_accents

MIN_QUERY_LENGTH = 2
RESULTS_PER_KIND = 20


def _vietnamese_letters() -> str:
    base = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
    marks = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # huyền, sắc, hỏi, ngã, nặng
    letters = {unicodedata.normalize("NFC", letter + mark) for letter in base for mark in marks} | {"đ", "Đ"}
    return "".join(sorted(letters))


ACCENTED = _vietnamese_letters()
PLAIN = "".join(strip_accents(letter).lower() for letter in ACCENTED)


class Folded(Func):
    """Lower-case, accent-free text of a column: TRANSLATE on PostgreSQL, a Python function on SQLite."""

    output_field = CharField()

    def __init__(self, expression, **extra):
        super().__init__(expression, Value(ACCENTED), Value(PLAIN), **extra)

    def as_sql(self, compiler, connection, **extra_context):
        # TRANSLATE maps each accented letter (either case) to its plain lower-case one; LOWER the rest.
        return super().as_sql(compiler, connection, template="LOWER(TRANSLATE(%(expressions)s))", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="LOWER(customs_fold(%(expressions)s))", **extra_context)


def _fold_for_sqlite(text, accented, plain):
    if text is None:
        return None
    return text.translate(str.maketrans(accented, plain))


def register_sqlite_fold(sender, connection, **kwargs) -> None:
    """connection_created receiver: teach SQLite the TRANSLATE that PostgreSQL has built in."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("customs_fold", 3, _fold_for_sqlite, deterministic=True)


@dataclass(frozen=True)
class SearchQuery:
    text: str

    @property
    def folded(self) -> str:
        return strip_accents(unicodedata.normalize("NFC", self.text)).lower()

    @property
    def digits(self) -> str:
        """The query as a number when it is one (spaces, dots and dashes typed into numbers dropped)."""
        compact = re.sub(r"[\s.\-]", "", self.text)
        return compact if compact.isdigit() else ""


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    detail: str = ""


@dataclass
class SearchGroup:
    label: str
    results: list[SearchResult] = field(default_factory=list)
    more: bool = False  # more rows matched than are listed


Provider = Callable[[object, SearchQuery], list[SearchResult]]


@dataclass(frozen=True)
class _Kind:
    order: int
    name: str
    label: object
    model: type[Model]
    provider: Provider


_kinds: list[_Kind] = []


def search_kind(*, order: int, label, model: type[Model]) -> Callable[[Provider], Provider]:
    """Register a kind of search result (its provider returns at most RESULTS_PER_KIND + 1 results).

    The kind is searched only for users who may view `model` in the admin, so every link opens.
    """

    def register(provider: Provider) -> Provider:
        name = f"{provider.__module__}.{provider.__qualname__}"
        if all(kind.name != name for kind in _kinds):
            _kinds.append(_Kind(order=order, name=name, label=label, model=model, provider=provider))
        return provider

    return register


def search_everything(*, user, query: str) -> list[SearchGroup]:
    """Every kind's results the user may see, kinds without a match left out."""
    search_query = SearchQuery(query.strip())
    groups = []
    for kind in sorted(_kinds, key=lambda kind: (kind.order, kind.name)):
        opts = kind.model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        label, results = kind.label, kind.provider(user, search_query)
        if results:
            groups.append(
                SearchGroup(label=str(label), results=results[:RESULTS_PER_KIND], more=len(results) > RESULTS_PER_KIND)
            )
    return groups


def admin_url(obj) -> str:
    from django.urls import reverse

    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
