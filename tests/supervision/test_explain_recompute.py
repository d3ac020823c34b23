"""The plain-words explanation, and recomputation after the calendar changes."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import translation

from efficiency_portal.supervision.models import Deadline, DeadlineEvent, EventAction, Light
from efficiency_portal.supervision.services import (
    explain_deadline,
    extend_deadline,
    finish_deadline,
    pause_deadline,
    recompute_due_dates,
    resume_deadline,
    sweep_deadlines,
)
from efficiency_portal.workdays.calendar import invalidate_calendar
from efficiency_portal.workdays.models import SpecialDay
from efficiency_portal.workdays.signals import calendar_changed
from tests.factories import make_deadline

from .conftest import at

pytestmark = pytest.mark.django_db


def english(deadline: Deadline) -> list[str]:
    with translation.override("en"):
        return explain_deadline(Deadline.objects.get(pk=deadline.pk))


def test_explanation_across_spring_festival(world):
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2026, 2, 12, 9), limit_days=3)
    lines = english(deadline)
    assert lines[0] == "Received on Feb. 12, 2026 (Thursday). The day of receipt is not counted."
    assert lines[1].startswith("The time limit is 3 working days.")
    assert lines[2] == (
        "Public holidays skipped: February 16, February 17, February 18, February 19, February 20, February 23."
    )
    assert lines[3] == "Make-up working days counted: February 14."
    assert lines[-1] == "Due at 17:30 on Feb. 24, 2026 (Tuesday)."


def test_explanation_with_pause_extension_and_finish(world):
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10), limit_days=5)
    pause_deadline(deadline, "专家评审", None, at=at(2025, 9, 29, 15))
    assert "Paused since 15:00 on Sept. 29, 2025 (Monday) for: 专家评审." in english(deadline)[-3]
    resume_deadline(deadline, None, at=at(2025, 10, 9, 9))
    extend_deadline(deadline, 1, "材料需补充鉴定", None, at=at(2025, 10, 10, 9))
    finish_deadline(deadline, None, at=at(2025, 10, 14, 10))
    lines = english(deadline)
    assert (
        "Paused from 15:00 on Sept. 29, 2025 (Monday) to 09:00 on Oct. 9, 2025 (Thursday) for: 专家评审 "
        "(2 working days added)." in lines
    )
    assert "Extended by 1 working day on Oct. 10, 2025 (Friday) because: 材料需补充鉴定." in lines
    # 5 + 2 paused + 1 extension = 8 working days after Sep 26: Tue Oct 14.
    assert "It was due at 17:30 on Oct. 14, 2025 (Tuesday)." in lines
    assert lines[-1] == "Finished at 10:00 on Oct. 14, 2025 (Tuesday): Finished on time."
    assert any(line.startswith("Public holidays skipped: October 1, October 2, October 3, October 6") for line in lines)
    assert "Make-up working days counted: September 28, October 11." in lines


def test_provisional_note(world):
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2026, 12, 28, 9), limit_days=10)
    assert english(deadline)[-1].startswith("This due date lies beyond the published holiday calendar")


def add_holiday(day) -> None:
    SpecialDay.objects.create(date=day, kind=SpecialDay.Kind.HOLIDAY, name="临时调整")
    invalidate_calendar()


def test_calendar_change_recomputes_touched_deadlines_and_lowers_lights(world):
    touched = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10), limit_days=5)
    later = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 10, 20, 10), limit_days=5)
    finished = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10), limit_days=5)
    finish_deadline(finished, None, at=at(2025, 9, 29))
    with time_machine.travel(at(2025, 10, 10, 18), tick=False):
        sweep_deadlines()
        touched.refresh_from_db()
        assert touched.light == Light.RED
        add_holiday(at(2025, 10, 10).date())
        responses = calendar_changed.send(sender=SpecialDay, dates=[at(2025, 10, 10).date()], change=None)
    assert [count for _receiver, count in responses if count] == [1]
    touched.refresh_from_db()
    # Oct 10 is now off: the 5th working day is Sat Oct 11 (make-up), yellow from Thu Oct 9.
    assert touched.due_at == at(2025, 10, 11, 17, 30)
    assert touched.yellow_from == at(2025, 10, 9)
    assert touched.light == Light.YELLOW
    events = list(touched.events.values_list("action", "from_light", "to_light"))
    assert events[-2:] == [(EventAction.RECOMPUTED, Light.RED, Light.RED), (EventAction.LIGHT, Light.RED, Light.YELLOW)]
    for untouched in (later, finished):
        before = untouched.due_at
        untouched.refresh_from_db()
        assert untouched.due_at == before
    assert DeadlineEvent.objects.filter(deadline=later, action=EventAction.RECOMPUTED).count() == 0


def test_recompute_a_queryset_is_idempotent(world):
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10), limit_days=5)
    assert recompute_due_dates(Deadline.objects.all()) == 0
    add_holiday(at(2025, 9, 30).date())
    assert recompute_due_dates(Deadline.objects.all()) == 1
    assert recompute_due_dates(Deadline.objects.all()) == 0
    deadline.refresh_from_db()
    assert deadline.due_at == at(2025, 10, 11, 17, 30)
