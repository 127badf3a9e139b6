import pytest


@pytest.fixture(autouse=True)
def _english_and_plain_static(settings):
    # Tests read pages in English unless they ask for another language, and the test
    # server serves static files under their plain names.
    settings.LANGUAGE_CODE = "en"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
