"""The sweep: lights, exactly one warning per (deadline, level), recipients, idempotency (sequential and concurrent)."""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.db import connection, connections

from efficiency_portal.notifications.models import Notification
from efficiency_portal.supervision.models import (
    Deadline,
    DeadlineEvent,
    EventAction,
    Light,
    RecipientRole,
    Warning,
    WarningLevel,
    WarningRecipient,
)
from efficiency_portal.supervision.services import pause_deadline, sweep_deadlines
from efficiency_portal.supervision.tasks import sweep_deadlines_task
from tests.factories import make_deadline

from .conftest import at


def light_events(deadline: Deadline) -> list[tuple[str, str]]:
    return list(
        DeadlineEvent.objects.filter(deadline=deadline, action=EventAction.LIGHT).values_list("from_light", "to_light")
    )


@pytest.fixture
def deadline(world) -> Deadline:
    # Due Fri Oct 10 2025 17:30, yellow from Thu Oct 9 00:00.
    return make_deadline(
        responsible=world.clerk_x.user, title="食品经营许可证核发", started_at=at(2025, 9, 26, 10), limit_days=5
    )


@pytest.mark.django_db
def test_lights_warnings_and_recipients_through_the_life_of_a_deadline(world, deadline):
    with time_machine.travel(at(2025, 10, 8, 23, 59), tick=False):
        result = sweep_deadlines()
    assert result.changed == 0
    deadline.refresh_from_db()
    assert deadline.light == Light.GREEN

    with time_machine.travel(at(2025, 10, 9, 8), tick=False):
        result = sweep_deadlines()
    assert (result.yellow, result.red, result.warnings, result.notifications) == (1, 0, 1, 1)
    deadline.refresh_from_db()
    assert deadline.light == Light.YELLOW
    yellow = Warning.objects.get(deadline=deadline, level=WarningLevel.YELLOW)
    assert list(yellow.recipients.values_list("user", "role")) == [(world.clerk_x.user.pk, RecipientRole.RESPONSIBLE)]
    note = Notification.objects.get(recipient=world.clerk_x.user)
    assert note.link == yellow.get_absolute_url()
    assert "食品经营许可证核发" in note.title and "2025-10-10 17:30" in note.title
    assert note.urgent is False
    assert light_events(deadline) == [(Light.GREEN, Light.YELLOW)]

    with time_machine.travel(at(2025, 10, 10, 17, 30), tick=False):
        result = sweep_deadlines()
    assert (result.yellow, result.red, result.warnings, result.notifications) == (0, 1, 1, 3)
    deadline.refresh_from_db()
    assert deadline.light == Light.RED
    red = Warning.objects.get(deadline=deadline, level=WarningLevel.RED)
    told = dict(red.recipients.values_list("user", "role"))
    assert told == {
        world.clerk_x.user.pk: RecipientRole.RESPONSIBLE,
        world.head_x.user.pk: RecipientRole.HEAD,
        world.leader.user.pk: RecipientRole.LEADER,
    }
    reds = Notification.objects.filter(kind="deadline_red")
    assert sorted(reds.values_list("recipient", flat=True)) == sorted(told)
    assert all(n.urgent and n.link == red.get_absolute_url() for n in reds)
    assert light_events(deadline) == [(Light.GREEN, Light.YELLOW), (Light.YELLOW, Light.RED)]


@pytest.mark.django_db
def test_running_twice_changes_nothing_twice(world, deadline):
    with time_machine.travel(at(2025, 10, 13, 9), tick=False):
        first = sweep_deadlines()
        second = sweep_deadlines()
        sweep_deadlines_task.delay()
    # Straight from green to red: one red warning, no yellow one.
    assert (first.red, first.warnings, first.notifications) == (1, 1, 3)
    assert second.counts == {"yellow": 0, "red": 0, "warnings": 0, "recipients": 0, "notifications": 0}
    assert Warning.objects.filter(deadline=deadline).count() == 1
    assert WarningRecipient.objects.count() == 3
    assert Notification.objects.count() == 3
    assert light_events(deadline) == [(Light.GREEN, Light.RED)]


@pytest.mark.django_db
def test_sweep_skips_paused_and_finished_deadlines(world, deadline):
    pause_deadline(deadline, "听证", None, at=at(2025, 9, 29, 9))
    other = make_deadline(responsible=world.clerk_y.user, started_at=at(2025, 9, 26, 10), limit_days=5)
    with time_machine.travel(at(2025, 10, 20, 9), tick=False):
        result = sweep_deadlines()
    assert result.red == 1
    deadline.refresh_from_db()
    assert deadline.light == Light.GREEN
    other.refresh_from_db()
    assert other.light == Light.RED
    # No head or leader of Y's department is missing from the model; Y has a head but no leader in charge.
    assert set(WarningRecipient.objects.values_list("user", flat=True)) == {world.clerk_y.user.pk, world.head_y.user.pk}


@pytest.mark.django_db
def test_a_person_who_is_handler_and_head_is_told_once(world):
    own = make_deadline(responsible=world.head_x.user, department=world.x, started_at=at(2025, 9, 26, 10))
    with time_machine.travel(at(2025, 10, 20, 9), tick=False):
        sweep_deadlines()
    red = Warning.objects.get(deadline=own)
    assert sorted(red.recipients.values_list("role", flat=True)) == [RecipientRole.LEADER, RecipientRole.RESPONSIBLE]
    assert Notification.objects.filter(recipient=world.head_x.user).count() == 1


@pytest.mark.django_db
def test_many_deadlines_in_one_statement_each(world, django_assert_max_num_queries):
    for _ in range(30):
        make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10))
    for _ in range(20):
        make_deadline(responsible=world.clerk_y.user, started_at=at(2025, 9, 30, 10))
    with time_machine.travel(at(2025, 10, 10, 18), tick=False), django_assert_max_num_queries(40):
        result = sweep_deadlines()
    # The first 30 are overdue; the 20 started Sep 30 are due Tue Oct 14 (Sat Oct 11 is worked), yellow from Oct 13.
    assert result.red == 30 and result.yellow == 0
    with time_machine.travel(at(2025, 10, 13, 1), tick=False), django_assert_max_num_queries(40):
        result = sweep_deadlines()
    assert result.yellow == 20
    assert Warning.objects.count() == 50


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_change_everything_exactly_once(world):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's row locks")
    deadlines = [make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10)) for _ in range(40)]
    deadlines += [
        make_deadline(responsible=world.clerk_y.user, started_at=at(2025, 10, 9, 10), limit_days=4) for _ in range(40)
    ]
    now = at(2025, 10, 13, 10)  # the first 40 are overdue, the other 40 due Oct 14 and yellow from Oct 13
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(sweep_deadlines(now=now))
        except Exception as error:  # reported below, so the test fails with the cause
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(r.red for r in results) == 40
    assert sum(r.yellow for r in results) == 40
    assert Warning.objects.filter(level=WarningLevel.RED).count() == 40
    assert Warning.objects.filter(level=WarningLevel.YELLOW).count() == 40
    assert DeadlineEvent.objects.filter(action=EventAction.LIGHT).count() == 80
    # Red: clerk, head and leader of X; yellow: the clerk of Y only.
    assert WarningRecipient.objects.count() == 40 * 3 + 40
    assert Notification.objects.count() == 40 * 3 + 40
    assert sum(r.notifications for r in results) == 160
    assert Notification.objects.values("dedupe_key").distinct().count() == 160
