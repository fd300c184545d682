"""The one gate for text entering the system, whatever the door (API, portal form, admin, CSV import).

Text the database cannot store or a person cannot see is refused with a translated message before any
view runs: control characters (NUL breaks PostgreSQL), lone surrogates (not encodable as UTF-8), and
values made only of invisible characters (a zero-width space passes every "required" check). JSON bodies
are limited in size and nesting depth; the middleware checks the path, the query string, the
Authorization header and form fields; the JSON parser checks every string of the body.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser

logger = logging.getLogger(__name__)

# C0 controls except tab, newline and carriage return (typed text has those), DEL and the C1 block.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Characters that render as nothing although Unicode does not call them spaces (Hangul fillers, braille blank).
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _invisible(char: str) -> bool:
    return char.isspace() or char in _BLANK_LOOKING or unicodedata.category(char) in {"Cf", "Zs", "Zl", "Zp", "Mn"}


def text_problem(value: str) -> str | None:
    """Why this text cannot be accepted (a translated sentence), or None when it can."""
    if _CONTROL.search(value):
        return _("This text contains a control character (such as NUL); remove it and try again.")
    if _SURROGATE.search(value):
        return _("This text contains an invalid Unicode character (a lone surrogate).")
    if value and not value.isspace() and all(_invisible(char) for char in value):
        return _("This text contains only invisible characters; type visible text.")
    return None


def field_problems(items: Iterable[tuple[str, Any]]) -> dict[str, list[str]]:
    """{name: [message]} for every (name, value) whose name or value is refused."""
    problems: dict[str, list[str]] = {}
    for name, value in items:
        name_problem = text_problem(name)
        if name_problem:
            problems.setdefault("non_field_errors", [name_problem])
            continue
        value_problem = text_problem(value) if isinstance(value, str) else None
        if value_problem:
            problems.setdefault(name, [value_problem])
    return problems


# --- JSON bodies -----------------------------------------------------------------------------------


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def _walk_problems(value: Any, depth: int) -> tuple[int, str | None]:
    """The nesting depth of a parsed JSON value and the first problem in its strings (iterative)."""
    deepest, stack = 0, [(value, depth)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return deepest, problem
        elif isinstance(item, dict):
            for key, child in item.items():
                problem = text_problem(key)
                if problem:
                    return deepest, problem
                stack.append((child, level + 1))
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
    return deepest, None


def _object_problems(data: dict, depth: int) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    limit = settings.API_JSON_MAX_DEPTH
    for key, value in data.items():
        key_problem = text_problem(key)
        deepest, problem = _walk_problems(value, depth + 1)
        if key_problem:
            problems.setdefault("non_field_errors", [key_problem])
        elif problem:
            problems[key] = [problem]
        if deepest > limit:
            raise ParseError(_("The JSON body is nested too deeply (at most %(depth)d levels).") % {"depth": limit})
    return problems


def json_problems(data: Any, *, per_item: bool = False) -> dict | list | None:
    """The errors of a parsed body in the API's own shape, or None: {field: [msg]}, or for a list body
    of a view that takes lists (per_item) one such object per item."""
    if isinstance(data, dict):
        return _object_problems(data, 1) or None
    if isinstance(data, list):
        errors = [_object_problems(item, 2) if isinstance(item, dict) else {} for item in data]
        for index, item in enumerate(data):
            if not isinstance(item, dict):
                deepest, problem = _walk_problems(item, 2)
                if deepest > settings.API_JSON_MAX_DEPTH:
                    raise ParseError(_("The JSON body is nested too deeply."))
                if problem:
                    errors[index] = {"non_field_errors": [problem]}
        if not any(errors):
            return None
        if per_item:
            return errors
        return {"non_field_errors": [next(msg for item in errors for msgs in item.values() for msg in msgs)]}
    if isinstance(data, str):
        problem = text_problem(data)
        return {"non_field_errors": [problem]} if problem else None
    return None


class SafeJSONParser(JSONParser):
    """DRF's JSON parser within a size and depth limit, refusing text the gate refuses (400/413)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_JSON_MAX_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(_("The request body is too large (at most %(size)d kB).") % {"size": limit // 1024})
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
            data = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        except (ValueError, UnicodeDecodeError) as error:
            raise ParseError(_("The body is not valid JSON: %(error)s") % {"error": error}) from None
        view = (parser_context or {}).get("view")
        problems = json_problems(data, per_item=getattr(view, "body_may_be_a_list", False))
        if problems:
            raise ValidationError(problems)
        return data


class SafeMultiPartParser(MultiPartParser):
    """DRF's multipart parser, refusing form fields the gate refuses (file contents are checked by type)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        problems = field_problems(_flat(parsed.data))
        if problems:
            raise ValidationError(problems)
        return parsed


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


# --- Middleware --------------------------------------------------------------------------------------

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def request_problems(request: HttpRequest) -> dict[str, list[str]]:
    """What the gate refuses in a request's path, query string, Authorization header and form fields."""
    problem = text_problem(request.path)
    if problem:
        return {"detail": [problem]}
    problems = field_problems(_flat(request.GET))
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header and _CONTROL.search(header):
        problems.setdefault("detail", [_("The Authorization header contains a control character.")])
    # API bodies are checked by their parsers (reading request.POST here would bypass DRF's choice of parser).
    is_api = request.path_info.startswith("/api/")
    if request.method in {"POST", "PUT", "PATCH"} and request.content_type in _FORM_TYPES and not is_api:
        problems.update(field_problems(_flat(request.POST)))
    return problems


def _flat(query_dict) -> list[tuple[str, str]]:
    return [(key, value) for key, values in query_dict.lists() for value in values]


class InputGateMiddleware:
    """Refuse, before any view, a request carrying text the system cannot store (translated 400)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problems = request_problems(request)
        if problems:
            logger.info("refused input on %s: %s", request.path_info.encode("unicode_escape"), sorted(problems))
            return refused_response(request, problems)
        response = self.get_response(request)
        if response.status_code == 404 and request.path_info.startswith("/api/") and _is_html(response):
            # An address no API route matches: answer in the API's own shape, as its schema documents.
            return JsonResponse({"detail": _("Not found.")}, status=404)
        return response


def _is_html(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def refused_response(request: HttpRequest, problems: dict[str, list[str]]) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        body: dict[str, Any] = problems
        if list(problems) == ["detail"]:
            body = {"detail": problems["detail"][0]}
        return JsonResponse(body, status=400)
    messages = [message for field_messages in problems.values() for message in field_messages]
    return render(request, "portal/input_refused.html", {"refused": messages}, status=400)
