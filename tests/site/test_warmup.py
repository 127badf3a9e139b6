"""The application warmed once in gunicorn's master process, before its workers are forked."""

import importlib.util

from django.conf import settings
from django.template import engines
from django.urls import clear_url_caches, get_resolver


def gunicorn_settings():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", settings.BASE_DIR / "deploy" / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    return conf


def test_the_server_warms_the_templates_and_each_languages_links_before_forking_without_the_database():
    # No django_db mark: a query here would fail the test (a connection opened before the
    # fork would be shared by every worker).
    conf = gunicorn_settings()
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    clear_url_caches()

    assert conf.preload_app is True
    conf.when_ready(server=None)

    compiled = loader.get_template_cache
    for name in ("base.html", "home.html", "account/login.html", "projects/project_list.html", "admin/base.html"):
        assert name in compiled
        assert not isinstance(compiled[name], type), f"{name} did not compile: {compiled[name]}"
    # The resolver keeps a table of reversible names per language.
    assert {code for code, _name in settings.LANGUAGES} <= set(get_resolver()._reverse_dict)
