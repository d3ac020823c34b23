"""The arithmetic of one deadline: due moment and yellow moment from start, working days and warning days.

Rules (also shown to citizens by :func:`efficiency_portal.supervision.explain.explain_deadline`):

- The day something is received is not counted; the deadline is the end of the ``total``-th working day after it,
  where ``total = limit_days + paused_days + extension_days``.
- The light turns yellow at the start (local midnight) of the working day that lies ``N`` working days before the
  due day, ``N`` being the deadline's own ``yellow_days`` or ``settings.DEADLINE_YELLOW_WORKING_DAYS``. When the
  limit is shorter than ``N`` the deadline is yellow from the start of the day it was received; ``N = 0`` means it
  never turns yellow and goes straight to red.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings

from efficiency_portal.workdays.calendar import deadline_moment, get_calendar, local_date


class Schedule(NamedTuple):
    due_at: dt.datetime
    provisional: bool
    yellow_from: dt.datetime


def warning_days(yellow_days: int | None) -> int:
    return settings.DEADLINE_YELLOW_WORKING_DAYS if yellow_days is None else yellow_days


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def schedule(started_at: dt.datetime, total_days: int, yellow_days: int | None = None) -> Schedule:
    return bulk_schedule([local_date(started_at)], [total_days], [yellow_days])[0]


def bulk_schedule(
    start_days: Sequence[dt.date], totals: Sequence[int], yellow_days: Sequence[int | None]
) -> list[Schedule]:
    """Schedules for many deadlines at once, on the in-memory calendar (no database query per row)."""
    calendar = get_calendar()
    due_days, flags = calendar.bulk_add_working_days(start_days, list(totals))
    warn = [warning_days(y) for y in yellow_days]
    before = [max(total - n, 1) for total, n in zip(totals, warn, strict=True)]
    yellow_days_list, _flags = calendar.bulk_add_working_days(start_days, before)
    result = []
    for start, total, n, due_day, provisional, yellow_day in zip(
        start_days, totals, warn, due_days, flags, yellow_days_list, strict=True
    ):
        due_at = deadline_moment(due_day)
        if n == 0:
            yellow_from = due_at
        elif total - n < 1:
            yellow_from = start_of_day(start)
        else:
            yellow_from = start_of_day(yellow_day)
        result.append(Schedule(due_at, provisional, min(yellow_from, due_at)))
    return result


def light_at(now: dt.datetime, due_at: dt.datetime, yellow_from: dt.datetime) -> str:
    """The light a running deadline should show at ``now``."""
    from .models import Light

    if now >= due_at:
        return Light.RED
    if now >= yellow_from:
        return Light.YELLOW
    return Light.GREEN
