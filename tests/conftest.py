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


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
