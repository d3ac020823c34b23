from __future__ import annotations

import pytest

from efficiency_portal.supervised_tasks import services
from efficiency_portal.supervised_tasks.models import Task, TaskKind
from tests.supervision.conftest import MATRIX, SHANGHAI, World, at, calendar, world  # noqa: F401


@pytest.fixture
def task(world) -> Task:  # noqa: F811 - the fixture imported above
    """A task led by x (clerk_x responsible), with y as co-department; assigned Fri Sep 26 2025, 5 working days."""
    return services.assign_task(
        title="企业开办一日办结",
        description="全流程1个工作日内办结。",
        kind=TaskKind.COMMITMENT,
        lead_department=world.x,
        responsible=world.clerk_x.user,
        co_departments=[world.y],
        limit_days=5,
        is_public=True,
        actor=world.supervisor.user,
        at=at(2025, 9, 26, 10),
    )


@pytest.fixture(autouse=True)
def _english(settings, client):
    """The assertions read the English messages, whichever language the catalogue is in."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def login(client, settings):
    """Signs ``user`` in (None: nobody) on the test client, reading English (a logout forgets every cookie)."""

    def _login(user):
        client.logout()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            client.force_login(user)
        return client

    return _login
