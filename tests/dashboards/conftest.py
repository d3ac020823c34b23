"""A small city with hand-counted figures, frozen on Thu 20 Nov 2025 at noon (Asia/Shanghai).

Running case clocks (kind "case"):   x: green, yellow, red (+ one finished, not counted)   y: red, paused yellow
Daily figures:   x 2025-11-20: received 4, finished 2 (1 on time, 1 late)
                 x 2025-11-03: received 6, finished 8 (5 on time, 1 early, 2 late)
                 y 2025-11-20: received 1, finished 1 (on time)
Monthly figures: x 2025-10: received 20, finished 20 (19 on time, 1 late)
Warnings:        x red raised 11-10 (clerk opened it, head did not)   y red raised 11-19 (nobody opened)
                 x yellow raised 10-30 (last month: not counted)
Tasks:           one led by x, in progress.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from approvals.models import DailyCaseStat
from approvals.models.stats import MonthlyCaseStat
from efficiency_portal.supervised_tasks import services as task_services
from efficiency_portal.supervision.models import (
    Deadline,
    DeadlineStatus,
    Light,
    RecipientRole,
    Warning,
    WarningRecipient,
)
from tests.factories import ItemFactory, StaffFactory, make_deadline
from tests.supervision.conftest import MATRIX, World, at, calendar, login, world  # noqa: F401

NOW = at(2025, 11, 20, 12)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def case_clock(people, department, light: str, *, status: str = DeadlineStatus.OPEN, title: str = "") -> Deadline:
    responsible = people.clerk_x.user if department == people.x else people.clerk_y.user
    deadline = make_deadline(
        responsible=responsible,
        department=department,
        kind="case",
        subject=StaffFactory(department=department),
        started_at=at(2025, 11, 3, 9),
        limit_days=20,
        title=title or f"{department.name}案件{light}",
    )
    Deadline.objects.filter(pk=deadline.pk).update(light=light, status=status)
    deadline.refresh_from_db()
    return deadline


def stat(department, item, day: dt.date, **counts) -> None:
    DailyCaseStat.objects.create(day=day, department=department, item=item, **counts)


@pytest.fixture
def city(world, frozen):  # noqa: F811 - the fixture imported above
    x, y = world.x, world.y
    clocks = {
        "x_green": case_clock(world, x, Light.GREEN),
        "x_yellow": case_clock(world, x, Light.YELLOW),
        "x_red": case_clock(world, x, Light.RED, title="逾期案件甲"),
        "x_done": case_clock(world, x, Light.RED, status=DeadlineStatus.FINISHED),
        "y_red": case_clock(world, y, Light.RED, title="逾期案件乙"),
        "y_paused": case_clock(world, y, Light.YELLOW, status=DeadlineStatus.PAUSED),
    }
    item_x, item_y = ItemFactory(department=x), ItemFactory(department=y)
    stat(x, item_x, dt.date(2025, 11, 20), received=4, finished=2, finished_on_time=1, finished_late=1)
    stat(x, item_x, dt.date(2025, 11, 3), received=6, finished=8, finished_on_time=5, finished_early=1, finished_late=2)
    stat(y, item_y, dt.date(2025, 11, 20), received=1, finished=1, finished_on_time=1)
    MonthlyCaseStat.objects.create(
        month=dt.date(2025, 10, 1),
        department=x,
        item=item_x,
        received=20,
        finished=20,
        finished_on_time=19,
        finished_late=1,
    )
    red_x = Warning.objects.create(deadline=clocks["x_red"], level="red", raised_at=at(2025, 11, 10, 9))
    WarningRecipient.objects.create(
        warning=red_x,
        user=world.clerk_x.user,
        role=RecipientRole.RESPONSIBLE,
        told_at=at(2025, 11, 10, 9),
        acknowledged_at=at(2025, 11, 10, 10),
    )
    WarningRecipient.objects.create(
        warning=red_x, user=world.head_x.user, role=RecipientRole.HEAD, told_at=at(2025, 11, 10, 9)
    )
    red_y = Warning.objects.create(deadline=clocks["y_red"], level="red", raised_at=at(2025, 11, 19, 9))
    WarningRecipient.objects.create(
        warning=red_y, user=world.clerk_y.user, role=RecipientRole.RESPONSIBLE, told_at=at(2025, 11, 19, 9)
    )
    Warning.objects.create(deadline=clocks["x_yellow"], level="yellow", raised_at=at(2025, 10, 30, 9))
    task = task_services.assign_task(
        title="一件事一次办",
        description="整合流程",
        lead_department=x,
        responsible=world.clerk_x.user,
        limit_days=30,
        actor=world.supervisor.user,
        at=at(2025, 11, 5, 9),
    )
    return {"clocks": clocks, "task": task}


@pytest.fixture(autouse=True)
def _case_figures_read_every_time(settings):
    """Each test sees the figures of its own rows, never ones kept from an earlier test."""
    settings.DASHBOARD_CASE_FIGURES_SECONDS = 0
