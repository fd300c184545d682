"""Warm a web worker up before it serves, then freeze what it holds out of the garbage collector's walks.

A worker keeps for its whole life what its first requests load lazily: the URLconf's modules (views, serializers,
the API schema's package) and the resolvers' lookup tables, each language's translation catalog and formats, every
template compiled by the cached loaders. `gc.freeze()` at start-up left all of that (about 40,000 objects after the
admin pages) to the cyclic collector, and every full (generation 2) collection walked it: 13-40 ms during an admin
page at 20 M declarations, 60-100 ms on the eighth pass's slower machine; loaded before the freeze, about 4,000
objects are left and a full collection takes 4-8 ms (bench/RESULTS.md, issue 15, ninth pass). The first requests no
longer pay for the loading either.

Safe anywhere the WSGI application loads: no database query and no connection to the broker (a worker still starts
while PostgreSQL or Redis is down; `manage.py migrate` never imports this), settings-driven (production and DEBUG
alike), and a template that does not compile is logged and left to fail where it is rendered, as before, rather than
stopping the worker (tests/core/test_warmup.py). 0.3-0.4 s a worker, once (bench/RESULTS.md).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.util
import logging
import sys
import sysconfig
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template import Engine, TemplateDoesNotExist, engines
from django.template.backends.django import DjangoTemplates
from django.template.base import Origin
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import formats, translation
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# A route name no URLconf defines: reversing it inside a namespace builds and fills that namespace's resolver (as a
# real reverse would) and then finds nothing.
_NO_ROUTE = "no route is named this (warm-up)"
# Where installed packages live: their apps' templates are compiled only for the admin (below).
_INSTALLED = {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}


def warm_up_and_freeze() -> None:
    """Load what the first requests would load, collect start-up's garbage, freeze the rest (gc.freeze)."""
    warm_up()
    # Garbage made while loading is collected first, so nothing collectable is frozen.
    gc.collect()
    gc.freeze()


def warm_up() -> None:
    """Load now what a worker's first requests would load lazily and keep for the process's life."""
    for language, _name in settings.LANGUAGES:
        with translation.override(language):  # loads the language's catalogs
            for name in formats.FORMAT_SETTINGS:
                formats.get_format(name, language)
    # The URL tables are built per language, and in the default one only: the other languages' took 1.5 MB more a
    # worker than 10,000 mixed requests had loaded, against a goal of 120 MB (they are built when first used, as
    # before). The same measure left the models' `_meta` caches out (1.5 MB for a few hundred objects).
    with translation.override(settings.LANGUAGE_CODE):
        _fill_resolvers()
    _compile_templates()
    _import_lazy_modules()


def _fill_resolvers() -> None:
    """The URLconf imported and every resolver's lookup tables built, in the active language."""
    resolver = get_resolver()
    resolver.reverse_dict  # noqa: B018 - builds the tables of every included resolver, recursively
    for namespace in _namespaces(resolver):
        with contextlib.suppress(NoReverseMatch):
            reverse(f"{namespace}:{_NO_ROUTE}")


def _namespaces(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for namespace, (_pattern, sub_resolver) in resolver.namespace_dict.items():
        yield prefix + namespace
        yield from _namespaces(sub_resolver, f"{prefix}{namespace}:")


def _compile_templates() -> None:
    """Compile, through each engine's cached loader, the site's templates, the admin's and the forms' widgets.

    The templates of other installed packages (the browsable API's, the schema viewer's) are left to load when
    rendered: compiling every one of them took a second and 14 MB a worker.
    """
    for backend in engines.all():
        if isinstance(backend, DjangoTemplates):
            backend.engine.template_context_processors  # noqa: B018 - imported on the first render otherwise
            _compile_under(backend, [*backend.engine.dirs, *_template_dirs_served()])
    renderer_backend = getattr(_form_renderer(), "engine", None)
    if isinstance(renderer_backend, DjangoTemplates):
        _compile_under(renderer_backend, renderer_backend.engine.dirs)  # Django's widget and form templates


def _form_renderer():
    from django.forms.renderers import get_default_renderer

    return get_default_renderer()


def _template_dirs_served() -> Iterator[Path]:
    for app_config in apps.get_app_configs():
        directory = Path(app_config.path) / "templates"
        installed = any(directory.resolve().is_relative_to(root) for root in _INSTALLED)
        if directory.is_dir() and (not installed or app_config.label == "admin"):
            yield directory


def _compile_under(backend: DjangoTemplates, directories: Iterable[str | Path]) -> None:
    engine = backend.engine
    for directory in map(Path, directories):
        for path in sorted(directory.rglob("*.html")):
            name = path.relative_to(directory).as_posix()
            try:
                _compile_chain(engine, name)
            except Exception:
                logger.exception("template %s did not compile at warm-up", name)


def _compile_chain(engine: Engine, name: str) -> None:
    """The template and those it shadows (the site's `admin/index.html` extends the admin's), as extends finds them."""
    history: list[Origin] = []
    while True:
        try:
            _template, origin = engine.find_template(name, skip=history)
        except TemplateDoesNotExist:
            return
        history.append(origin)


def _import_lazy_modules() -> None:
    """What Django, the standard library and the task queue import on their first use in a request."""
    import_string(settings.MESSAGE_STORAGE)  # the message middleware's first request
    import_string(settings.SESSION_SERIALIZER)  # the first session saved (a sign-in)
    importlib.import_module("_strptime")  # the first datetime.strptime (a date filter)
    _load_vietnamese_holidays()
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        # With a broker, a web worker queues notices (tasking.enqueue) and answers the health check's broker
        # test: both load Celery and every app's tasks on first use. Without one, nothing is queued and Celery
        # stays out of the worker until a task runs in-process.
        _register_tasks()


def _load_vietnamese_holidays() -> None:
    """The working days' public holidays (`holidays.VN`, customs_feedback/workdays.py: an inquiry's due date), with
    Vietnam's module alone.

    The package's `holidays.countries` imports all of its 300 countries when any one is first imported: 7 MB a
    worker, of which it uses one country (bench/RESULTS.md, issue 15, tenth pass). Vietnam's module is executed
    under its own name, so `holidays.VN`, which imports it by that name, finds it loaded and the other countries
    stay out. Should a release of `holidays` lay its files out otherwise, nothing is loaded here and the first
    due date loads the package as before."""
    import holidays

    name = "holidays.countries.vietnam"
    path = Path(holidays.__file__).parent / "countries" / "vietnam.py"
    if name in sys.modules or not path.is_file():
        return
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception:
        del sys.modules[name]
        logger.exception("Vietnam's holidays did not load alone at warm-up")


def _register_tasks() -> None:
    """Every app's tasks imported and registered, as `app.loader.import_default_modules()` does, without the
    signal that call sends: on it Celery's Django fix-up runs Django's system checks, which import the migration
    autodetector and the management commands for good (0.37 s and 1.1 MB a worker, bench/RESULTS.md, issue 15,
    tenth pass). Those checks belong to a Celery worker's start-up (and to `manage.py`), not to a web worker's
    first queued notice, which is where they ran before; `tasking.enqueue` now finds every task registered and
    never calls the loader."""
    from customs_feedback.celery import app

    app.autodiscover_tasks(force=True)  # the installed apps' `tasks` modules, found through Celery's Django fix-up
    for module in app.loader.default_modules:  # CELERY_IMPORTS and the app's `include`, if any
        app.loader.import_task_module(module)
