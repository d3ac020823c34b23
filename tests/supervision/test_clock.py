"""Due-date arithmetic through open, pause, resume, extend and finish, with hand-computed expectations.

National Day 2025: Oct 1–8 off (Oct 1–3, 6–8 are weekdays), Sun Sep 28 and Sat Oct 11 are make-up working days.
Spring Festival 2026: Feb 15–23 off (Feb 16–20 and 23 are weekdays), Sat Feb 14 and Sat Feb 28 are worked.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from efficiency_portal.supervision.models import DeadlineEvent, DeadlineStatus, EventAction, Outcome
from efficiency_portal.supervision.services import (
    extend_deadline,
    finish_deadline,
    open_deadline,
    pause_deadline,
    resume_deadline,
)
from tests.factories import make_deadline

from .conftest import at

pytestmark = pytest.mark.django_db


def test_open_across_national_day_counts_make_up_days_and_skips_holidays(world):
    # Fri Sep 26 received; 1 Sun Sep 28 (make-up), 2 Mon Sep 29, 3 Tue Sep 30, 4 Thu Oct 9, 5 Fri Oct 10.
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10), limit_days=5)
    assert deadline.due_at == at(2025, 10, 10, 17, 30)
    assert deadline.due_provisional is False
    # One working day before the due day: Thu Oct 9, from its start.
    assert deadline.yellow_from == at(2025, 10, 9)
    assert deadline.status == DeadlineStatus.OPEN
    assert deadline.events.get().action == EventAction.OPENED


def test_open_is_idempotent_per_subject_and_kind(world):
    args = dict(
        kind="case",
        title="食品经营许可",
        department=world.x,
        responsible=world.clerk_x.user,
        started_at=at(2025, 9, 26, 10),
        limit_days=5,
    )
    first = open_deadline(world.x, **args)
    again = open_deadline(world.x, **{**args, "limit_days": 9})
    assert again.pk == first.pk and again.limit_days == 5
    assert DeadlineEvent.objects.filter(deadline=first).count() == 1
    other_kind = open_deadline(world.x, **{**args, "kind": "complaint"})
    assert other_kind.pk != first.pk


def test_yellow_from_follows_the_setting_and_the_per_deadline_override(world, settings):
    settings.DEADLINE_YELLOW_WORKING_DAYS = 2
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10), limit_days=5)
    # Two working days before Fri Oct 10: Thu Oct 9 is one, Tue Sep 30 is two (Oct 1–8 are holidays).
    assert deadline.yellow_from == at(2025, 9, 30)
    own = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10), limit_days=5, yellow_days=3)
    assert own.yellow_from == at(2025, 9, 29)
    never = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10), limit_days=5, yellow_days=0)
    assert never.yellow_from == never.due_at
    short = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10), limit_days=1, yellow_days=2)
    assert short.yellow_from == at(2025, 9, 26)


def test_spring_festival_2026(world):
    # Thu Feb 12 received; 1 Fri Feb 13, 2 Sat Feb 14 (make-up), 3 Tue Feb 24 (Feb 16–20, 23 off).
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2026, 2, 12, 9), limit_days=3)
    assert deadline.due_at == at(2026, 2, 24, 17, 30)
    assert deadline.yellow_from == at(2026, 2, 14)
    longer = make_deadline(responsible=world.clerk_x.user, started_at=at(2026, 2, 12, 9), limit_days=12)
    # 4 Feb 25, 5 Feb 26, 6 Feb 27, 7 Sat Feb 28 (make-up), 8 Mar 2, ... 12 Mar 6.
    assert longer.due_at == at(2026, 3, 6, 17, 30)


def test_pause_and_resume_move_due_date_by_working_days_paused(world):
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10), limit_days=5)
    paused = pause_deadline(deadline, "专家评审", world.clerk_x.user, at=at(2025, 9, 29, 15))
    assert paused.status == DeadlineStatus.PAUSED
    assert paused.paused_since == at(2025, 9, 29, 15)
    with pytest.raises(ValidationError) as error:
        pause_deadline(deadline, "again", world.clerk_x.user, at=at(2025, 9, 30))
    assert "status" in error.value.message_dict
    # Working days after Mon Sep 29 up to and including Thu Oct 9: Tue Sep 30 and Thu Oct 9 = 2.
    resumed = resume_deadline(deadline, world.clerk_x.user, at=at(2025, 10, 9, 9))
    assert resumed.status == DeadlineStatus.OPEN
    assert resumed.paused_days == 2
    # 7 working days after Sep 26: ... 5 Fri Oct 10, 6 Sat Oct 11 (make-up), 7 Mon Oct 13.
    assert resumed.due_at == at(2025, 10, 13, 17, 30)
    assert resumed.yellow_from == at(2025, 10, 11)
    pause = resumed.pauses.get()
    assert (pause.working_days, pause.ended_at, pause.reason) == (2, at(2025, 10, 9, 9), "专家评审")
    actions = list(resumed.events.values_list("action", "from_status", "to_status"))
    assert actions == [
        (EventAction.OPENED, "", DeadlineStatus.OPEN),
        (EventAction.PAUSED, DeadlineStatus.OPEN, DeadlineStatus.PAUSED),
        (EventAction.RESUMED, DeadlineStatus.PAUSED, DeadlineStatus.OPEN),
    ]


def test_pause_within_one_day_adds_nothing(world):
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10), limit_days=5)
    pause_deadline(deadline, "现场勘查", None, at=at(2025, 9, 29, 9))
    resumed = resume_deadline(deadline, None, at=at(2025, 9, 29, 16))
    assert resumed.paused_days == 0
    assert resumed.due_at == at(2025, 10, 10, 17, 30)


def test_pause_needs_a_reason_and_resume_a_paused_deadline(world):
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10))
    with pytest.raises(ValidationError) as error:
        pause_deadline(deadline, "  ", None, at=at(2025, 9, 29))
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        resume_deadline(deadline, None, at=at(2025, 9, 29))
    assert "status" in error.value.message_dict
    with pytest.raises(ValidationError):
        pause_deadline(deadline, "听证", None, at=at(2025, 9, 25))
    assert deadline.events.count() == 1


def test_extension_once_and_only_before_expiry(world):
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10), limit_days=5)
    extended = extend_deadline(deadline, 3, "案情复杂，经批准延期", world.head_x.user, at=at(2025, 10, 10, 9))
    # 8 working days: 6 Sat Oct 11, 7 Mon Oct 13, 8 Tue Oct 14.
    assert extended.due_at == at(2025, 10, 14, 17, 30)
    assert (extended.extension_days, extended.extended_at) == (3, at(2025, 10, 10, 9))
    with pytest.raises(ValidationError) as error:
        extend_deadline(extended, 2, "再次延期", world.head_x.user, at=at(2025, 10, 11, 9))
    assert "days" in error.value.message_dict
    assert extended.events.filter(action=EventAction.EXTENDED).count() == 1


def test_extension_after_expiry_is_refused(world):
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10), limit_days=5)
    for moment in (at(2025, 10, 10, 17, 30), at(2025, 10, 13, 9)):
        with pytest.raises(ValidationError) as error:
            extend_deadline(deadline, 3, "逾期后申请", world.head_x.user, at=moment)
        assert "at" in error.value.message_dict
    deadline.refresh_from_db()
    assert deadline.extended_at is None and deadline.due_at == at(2025, 10, 10, 17, 30)


@pytest.mark.parametrize(("days", "reason", "field"), [(0, "理由", "days"), (-2, "理由", "days"), (2, "", "reason")])
def test_extension_bad_input(world, days, reason, field):
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10))
    with pytest.raises(ValidationError) as error:
        extend_deadline(deadline, days, reason, None, at=at(2025, 9, 29))
    assert field in error.value.message_dict


@pytest.mark.parametrize(
    ("finished", "outcome"),
    [
        (at(2026, 2, 13, 11), Outcome.EARLY),
        (at(2026, 2, 23, 23, 59), Outcome.EARLY),
        (at(2026, 2, 24, 9), Outcome.ON_TIME),
        (at(2026, 2, 24, 17, 30), Outcome.ON_TIME),
        (at(2026, 2, 24, 17, 30, 1), Outcome.LATE),
        (at(2026, 3, 2, 10), Outcome.LATE),
    ],
)
def test_finish_outcomes(world, finished, outcome):
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2026, 2, 12, 9), limit_days=3)
    done = finish_deadline(deadline, world.clerk_x.user, at=finished)
    assert (done.status, done.outcome, done.finished_at) == (DeadlineStatus.FINISHED, outcome, finished)
    with pytest.raises(ValidationError):
        finish_deadline(done, world.clerk_x.user, at=finished)
    assert done.events.filter(action=EventAction.FINISHED).count() == 1


def test_finish_while_paused_counts_the_pause(world):
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2026, 2, 12, 9), limit_days=3)
    pause_deadline(deadline, "检验检测", None, at=at(2026, 2, 13, 10))
    # Paused Fri Feb 13; working days after it through Wed Feb 25: Sat Feb 14, Tue Feb 24, Wed Feb 25 = 3.
    done = finish_deadline(deadline, None, at=at(2026, 2, 25, 10))
    assert done.paused_days == 3
    # 6 working days after Feb 12: 3 Feb 24, 4 Feb 25, 5 Feb 26, 6 Feb 27.
    assert done.due_at == at(2026, 2, 27, 17, 30)
    assert done.outcome == Outcome.EARLY
    assert done.pauses.get().ended_at == at(2026, 2, 25, 10)


def test_finished_deadline_cannot_be_paused_or_extended(world):
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2026, 2, 12, 9), limit_days=3)
    finish_deadline(deadline, None, at=at(2026, 2, 13))
    with pytest.raises(ValidationError):
        pause_deadline(deadline, "听证", None, at=at(2026, 2, 13, 12))
    with pytest.raises(ValidationError):
        extend_deadline(deadline, 2, "延期", None, at=at(2026, 2, 13, 12))


def test_beyond_the_calendar_is_provisional(world):
    deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2026, 12, 24, 9), limit_days=10)
    assert deadline.due_provisional is True
