"""Work a server process would otherwise do on its first requests, done once before it serves.

Compiling templates, building the URL resolver of each language and reading the translation
catalogues cost a new process over a second on its first pages (a sign-in page took 1.6 s
instead of 20 ms). gunicorn loads the application once and calls `warm_up` before it starts
its workers (deploy/gunicorn.conf.py), so that every worker, including those that replace a
retired one, starts warm. Nothing here touches the database: connections must not cross a fork.
"""

from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.template import TemplateSyntaxError, engines
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver
from django.utils import translation

from habitat import places


def warm_up():
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            build_reverse_tables(get_resolver())
    # The towns of the location step's search: two seconds to read, which each worker would
    # otherwise spend on a group's first search.
    places.gazetteer()
    for alias in settings.CACHES:
        # Imports the backend and its client library; a connection opens only when used.
        caches[alias]
    for engine in engines.all():
        engine.engine.template_context_processors  # noqa: B018 (imported on first use)
        for directory in [*engine.dirs, *get_app_template_dirs("templates")]:
            for path in Path(directory).rglob("*"):
                if path.suffix in (".html", ".txt", ".xml") and path.is_file():
                    try:
                        # The cached loader keeps what it compiled for the process's life.
                        engine.get_template(str(path.relative_to(directory)))
                    except TemplateSyntaxError:
                        # A template of an installed app's optional part, whose tag library
                        # is not installed here: never rendered, so nothing to warm.
                        continue


def build_reverse_tables(resolver):
    """Each resolver, namespaced ones included, keeps a table of reversible names per language,
    built when the first link of that language is made."""
    resolver.reverse_dict  # noqa: B018 (built on first use)
    for _prefix, namespaced in resolver.namespace_dict.values():
        build_reverse_tables(namespaced)
