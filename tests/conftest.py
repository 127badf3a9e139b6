import pytest


@pytest.fixture(autouse=True)
def _english_and_plain_static(settings):
    # Tests read pages in English unless they ask for another language, and the test
    # server serves static files under their plain names.
    settings.LANGUAGE_CODE = "en"
    # Tasks (e-mails) run at once in tests; tests of the queue itself ask for the database.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Pages are computed afresh in tests (each worker has its own database, and Redis would be
    # shared); tests/site/test_page_cache.py turns the cache on, in the process's memory.
    settings.PAGE_CACHE_SECONDS = 0
    settings.DIRECTORY_CACHE_SECONDS = 0
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-pages"},
    }


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
