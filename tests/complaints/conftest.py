from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _private_media_and_cache(settings, tmp_path):
    """Uploaded files go to a directory of this test; rate-limit counters start from zero."""
    from django.core.files.storage import storages

    private = settings.STORAGES["private"]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**private, "OPTIONS": {**private["OPTIONS"], "location": str(tmp_path)}},
    }
    storages._storages.pop("private", None)
    cache.clear()
    yield
    storages._storages.pop("private", None)
    cache.clear()


@pytest.fixture(autouse=True)
def _english(settings, client):
    """The assertions read the English messages."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
