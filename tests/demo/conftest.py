"""The demo city, seeded once for the whole package instead of once per test.

``seed_demo`` takes tens of seconds; the tests here only read what it made (or run a part of it again to see that it
adds nothing). So the package seeds the city once inside a transaction of its own, every test runs in a savepoint
within it (pytest-django's ``db``, as Django's ``TestCase`` does with ``setUpTestData``), and the transaction is
rolled back when the package is done: the tests after it find the database as the migrations left it.

The city is seeded, and every test here runs, at one frozen moment, so that the clocks' lights, the away notices
"now" and the months of figures are the same on every run. The package is one pytest-xdist group: its tests run
one after another on one worker and share the one seeding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import ExitStack
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

HERE = Path(__file__).parent

# A Wednesday morning, an ordinary working day.
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# A few cases per state prove the demo as well as the full two thousand would (at least two of each state).
CASES_SCALE = 0.03


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.xdist_group("demo_city"))


@pytest.fixture(scope="package")
def demo_city(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """What ``seed_demo`` printed, while the city it seeded is in the database."""
    from approvals import demo_cases
    from efficiency_portal.celery import app

    with ExitStack() as stack:
        stack.enter_context(time_machine.travel(NOW, tick=False))
        private = {**settings.STORAGES["private"], "OPTIONS": {"location": str(tmp_path_factory.mktemp("private"))}}
        stack.enter_context(override_settings(STORAGES={**settings.STORAGES, "private": private}))
        stack.enter_context(override_settings(CELERY_TASK_ALWAYS_EAGER=True))
        monkeypatch = stack.enter_context(pytest.MonkeyPatch.context())
        monkeypatch.setattr(demo_cases, "SCALE", CASES_SCALE)
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True
        stack.callback(setattr, app.conf, "task_always_eager", eager)
        city = transaction.atomic()
        with django_db_blocker.unblock():
            city.__enter__()
            try:
                out = StringIO()
                call_command("seed_demo", stdout=out)
            except BaseException:
                transaction.set_rollback(True)
                city.__exit__(None, None, None)
                raise
        try:
            yield out.getvalue()
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                city.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _in_the_demo_city(demo_city, db) -> Iterator[None]:
    """Each test sees the seeded city at the moment it was seeded; what the test writes is rolled back after it."""
    with time_machine.travel(NOW, tick=False):
        yield
