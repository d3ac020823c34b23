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
