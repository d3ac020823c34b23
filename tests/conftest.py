from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from efficiency_portal.workdays.calendar import invalidate_calendar


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Each test sees the calendar of its own database, not one cached by an earlier test."""
    invalidate_calendar()
    yield
    invalidate_calendar()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language: a page request leaves its language active in the thread,
    which would otherwise make a test's messages depend on the test that ran before it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _celery_eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from efficiency_portal.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def redis_cache(settings):
    """The default cache on the real Redis of ``REDIS_URL`` (as in production) instead of the suite's local-memory
    one, in a Redis database of this pytest-xdist worker's own, so that emptying it before and after the test
    touches no other worker's keys."""
    import os
    from urllib.parse import urlsplit, urlunsplit

    from django.core.cache import cache

    if not settings.REDIS_URL:
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail("REDIS_URL is not set: scripts/test.sh starts a Redis for the suite", pytrace=False)
        pytest.skip("REDIS_URL is not set")
    worker = settings.TEST_WORKER
    database = 1 + int(worker.removeprefix("gw")) if worker.startswith("gw") else 0
    location = urlunsplit(urlsplit(settings.REDIS_URL)._replace(path=f"/{database}"))
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
    cache.clear()
    yield cache
    cache.clear()
