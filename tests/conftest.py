from __future__ import annotations

import pytest

from efficiency_portal.workdays.calendar import invalidate_calendar


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Each test sees the calendar of its own database, not one cached by an earlier test."""
    invalidate_calendar()
    yield
    invalidate_calendar()


@pytest.fixture(autouse=True)
def _celery_eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from efficiency_portal.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
