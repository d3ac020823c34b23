"""Working-day arithmetic.

The calendar is loaded once from the database into arrays (a prefix count of working days per date) and kept in
memory, so adding working days is two list look-ups and a million due dates take no database query at all.
Dates outside the known years fall back to Mon–Fri and are reported as provisional, never silently trusted.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

# How long a process trusts its loaded calendar before checking the database for changes.
RELOAD_CHECK_SECONDS = 30


class DueDate(NamedTuple):
    day: dt.date
    provisional: bool  # True when counting ran outside the calendar's known years


@dataclass(frozen=True)
class WorkCalendar:
    """An immutable snapshot of the calendar; build with :func:`WorkCalendar.build`.

    The arrays cover every known year and every year that has a special day, from ``first`` to ``last``. Outside
    them (and in unknown years inside them) the Mon–Fri rule applies and the result is flagged provisional.
    """

    holidays: frozenset[dt.date]
    makeup_days: frozenset[dt.date]
    known_years: frozenset[int]
    first: dt.date  # 1 January of the first covered year
    last: dt.date  # 31 December of the last covered year
    # cumulative[i]: working days in [first, first + i], inclusive.
    cumulative: tuple[int, ...]
    # working_ordinals[k]: the ordinal of the (k+1)-th working day on or after `first`.
    working_ordinals: tuple[int, ...]
    # Years between first and last that are not known: counting through them is provisional.
    gap_years: frozenset[int] = frozenset()
    stamp: object = None
    # The names of special days (春节, 国庆节 ...), for explanations; not part of the arithmetic.
    names: Mapping[dt.date, str] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def build(
        cls,
        holidays: Iterable[dt.date],
        makeup_days: Iterable[dt.date],
        known_years: Iterable[int],
        stamp: object = None,
        names: Mapping[dt.date, str] | None = None,
    ) -> WorkCalendar:
        holidays = frozenset(holidays)
        makeup_days = frozenset(makeup_days)
        years = frozenset(known_years)
        # Special days in a year not (yet) marked known still count, so that adding and counting agree everywhere.
        covered = years | {day.year for day in holidays | makeup_days}
        if not covered:
            covered = frozenset({timezone.localdate().year})
        first, last = dt.date(min(covered), 1, 1), dt.date(max(covered), 12, 31)
        cumulative: list[int] = []
        working: list[int] = []
        count = 0
        for ordinal in range(first.toordinal(), last.toordinal() + 1):
            day = dt.date.fromordinal(ordinal)
            if _is_working(day, holidays, makeup_days):
                count += 1
                working.append(ordinal)
            cumulative.append(count)
        gaps = frozenset(range(first.year, last.year + 1)) - years
        return cls(
            holidays, makeup_days, years, first, last, tuple(cumulative), tuple(working), gaps, stamp, names or {}
        )

    # --- single-day questions
    def is_known(self, day: dt.date) -> bool:
        return day.year in self.known_years

    def is_working_day(self, day: dt.date) -> bool:
        return _is_working(day, self.holidays, self.makeup_days)

    def next_working_day(self, day: dt.date, *, inclusive: bool = True) -> dt.date:
        """The first working day on or after (inclusive) or strictly after ``day``."""
        return self.add_working_days(day if not inclusive else day - dt.timedelta(days=1), 1).day

    def is_provisional(self, start: dt.date, due: dt.date) -> bool:
        """Whether counting the days in (start, due] relied on a year whose schedule is not known."""
        counted_from = start + dt.timedelta(days=1)
        if counted_from < self.first or due > self.last:
            return True
        if not self.gap_years:
            return False
        return any(year in self.gap_years for year in range(counted_from.year, due.year + 1))

    @cached_property
    def _sorted_holidays(self) -> tuple[dt.date, ...]:
        return tuple(sorted(self.holidays))

    @cached_property
    def _sorted_makeups(self) -> tuple[dt.date, ...]:
        return tuple(sorted(self.makeup_days))

    def special_days_between(self, start: dt.date, end: dt.date) -> tuple[list[dt.date], list[dt.date]]:
        """Days in (start, end] that the weekday rule gets wrong: weekday holidays (skipped) and weekend make-up
        days (counted). Weekend days inside a holiday period change nothing and are left out."""
        holidays = self._sorted_holidays
        makeups = self._sorted_makeups
        skipped = [
            day
            for day in holidays[bisect_right(holidays, start) : bisect_right(holidays, end)]
            if day.weekday() < 5 and day not in self.makeup_days
        ]
        counted = [
            day for day in makeups[bisect_right(makeups, start) : bisect_right(makeups, end)] if day.weekday() >= 5
        ]
        return skipped, counted

    def name_of(self, day: dt.date) -> str:
        return self.names.get(day, "")

    # --- arithmetic
    def add_working_days(self, start: dt.date, days: int) -> DueDate:
        """The ``days``-th working day after ``start``; the starting day itself is not counted.

        ``days == 0`` means the same day when it is a working day, otherwise the next working day (即办件).
        """
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            start, days = start - dt.timedelta(days=1), 1
        if start > self.last:
            return DueDate(_add_weekdays(start, days), True)
        if start < self.first:
            # Count by the weekday rule up to the calendar, then continue inside it. The start is not counted.
            before = _weekday_count(start + dt.timedelta(days=1), self.first - dt.timedelta(days=1))
            if before >= days:
                return DueDate(_add_weekdays(start, days), True)
            target = days - before
        else:
            target = self.cumulative[start.toordinal() - self.first.toordinal()] + days
        if target <= len(self.working_ordinals):
            day = dt.date.fromordinal(self.working_ordinals[target - 1])
            return DueDate(day, self.is_provisional(start, day))
        # Runs off the end of the calendar: count the remainder with the weekday rule.
        return DueDate(_add_weekdays(self.last, target - len(self.working_ordinals)), True)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        return self._count_through(end) - self._count_through(start)

    def bulk_add_working_days(
        self, starts: Sequence[dt.date], days: int | Sequence[int]
    ) -> tuple[list[dt.date], list[bool]]:
        """Vectorised :meth:`add_working_days`: returns the due days and their provisional flags."""
        first_ordinal = self.first.toordinal()
        span = len(self.cumulative)
        total = len(self.working_ordinals)
        cumulative = self.cumulative
        working = self.working_ordinals
        fromordinal = dt.date.fromordinal
        gaps = bool(self.gap_years)
        same_for_all = isinstance(days, int)
        result: list[dt.date] = []
        flags: list[bool] = []
        append_day, append_flag = result.append, flags.append
        for i, start in enumerate(starts):
            n = days if same_for_all else days[i]  # type: ignore[index]
            offset = start.toordinal() - first_ordinal
            if n == 0:
                offset -= 1
                n = 1
            if n > 0 and 0 <= offset < span and cumulative[offset] + n <= total:
                day = fromordinal(working[cumulative[offset] + n - 1])
                append_day(day)
                append_flag(gaps and self.is_provisional(fromordinal(offset + first_ordinal), day))
            else:
                due = self.add_working_days(start, days if same_for_all else days[i])  # type: ignore[index]
                append_day(due.day)
                append_flag(due.provisional)
        return result, flags

    # --- helpers
    def _count_through(self, day: dt.date) -> int:
        """Working days from ``first`` through ``day`` (weekday rule outside the calendar)."""
        if day < self.first:
            return -_weekday_count(day + dt.timedelta(days=1), self.first - dt.timedelta(days=1))
        if day > self.last:
            return self.cumulative[-1] + _weekday_count(self.last + dt.timedelta(days=1), day)
        return self.cumulative[day.toordinal() - self.first.toordinal()]


def _is_working(day: dt.date, holidays: frozenset[dt.date], makeup_days: frozenset[dt.date]) -> bool:
    if day in makeup_days:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def _weekday_count(start: dt.date, end: dt.date) -> int:
    """Mon–Fri days in [start, end] (only used outside the calendar, where no special day lies)."""
    if end < start:
        return 0
    weeks, rest = divmod((end - start).days + 1, 7)
    count = weeks * 5
    for i in range(rest):
        if (start + dt.timedelta(days=weeks * 7 + i)).weekday() < 5:
            count += 1
    return count


def _add_weekdays(start: dt.date, days: int) -> dt.date:
    """The ``days``-th Mon–Fri day after ``start`` (only used outside the calendar)."""
    if days <= 0:
        return start
    weeks, rest = divmod(days, 5)
    day = start + dt.timedelta(weeks=weeks)
    if rest == 0:
        # Whole weeks land on the same weekday; step back to a weekday if that is a weekend day.
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        return day
    while rest:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            rest -= 1
    return day


# --- the process-wide calendar

_lock = threading.Lock()
_cached: WorkCalendar | None = None
_checked_at = 0.0


def _database_stamp() -> tuple:
    """A cheap fingerprint of the calendar tables (two queries); it changes whenever a row is added, changed or
    deleted through the ORM's save/delete or the services, so other processes notice within the check interval."""
    from django.db.models import Count, Max, Q

    from .models import CalendarYear, SpecialDay

    years = CalendarYear.objects.aggregate(n=Count("id"), top=Max("id"), at=Max("changed_at"))
    days = SpecialDay.objects.aggregate(
        n=Count("id"),
        top=Max("id"),
        at=Max("changed_at"),
        holidays=Count("id", filter=Q(kind=SpecialDay.Kind.HOLIDAY)),
    )
    return tuple(years.values()) + tuple(days.values())


def load_calendar() -> WorkCalendar:
    from .models import CalendarYear, SpecialDay

    stamp = _database_stamp()
    holidays, makeups, names = [], [], {}
    for day, kind, name in SpecialDay.objects.values_list("date", "kind", "name"):
        (holidays if kind == SpecialDay.Kind.HOLIDAY else makeups).append(day)
        if name:
            names[day] = name
    years = CalendarYear.objects.values_list("year", flat=True)
    return WorkCalendar.build(holidays, makeups, years, stamp=stamp, names=names)


def get_calendar() -> WorkCalendar:
    """The loaded calendar, reloaded when the database says it changed (checked every few seconds)."""
    global _cached, _checked_at
    now = time.monotonic()
    cached = _cached
    if cached is not None and now - _checked_at < RELOAD_CHECK_SECONDS:
        return cached
    with _lock:
        if _cached is None or _database_stamp() != _cached.stamp:
            _cached = load_calendar()
        _checked_at = time.monotonic()
        return _cached


def invalidate_calendar() -> None:
    """Forget the loaded calendar; call after changing it (and in tests)."""
    global _cached, _checked_at
    with _lock:
        _cached = None
        _checked_at = 0.0


# --- convenience functions on the process-wide calendar


def local_date(moment: dt.datetime | dt.date) -> dt.date:
    if isinstance(moment, dt.datetime):
        return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
    return moment


def is_working_day(day: dt.date | dt.datetime) -> bool:
    return get_calendar().is_working_day(local_date(day))


def add_working_days(start: dt.date | dt.datetime, days: int) -> DueDate:
    return get_calendar().add_working_days(local_date(start), days)


def working_days_between(start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> int:
    return get_calendar().working_days_between(local_date(start), local_date(end))


def workday_end_time() -> dt.time:
    hours, minutes = (int(part) for part in settings.WORKDAY_ENDS_AT.split(":"))
    return dt.time(hours, minutes)


def deadline_moment(day: dt.date) -> dt.datetime:
    """The moment a deadline on ``day`` expires: the end of that working day, local time."""
    tz = ZoneInfo(settings.TIME_ZONE)
    return dt.datetime.combine(day, workday_end_time(), tzinfo=tz)


def due_moment(start: dt.date | dt.datetime, days: int) -> tuple[dt.datetime, bool]:
    """Deadline moment and provisional flag for ``days`` working days after ``start``."""
    due = add_working_days(start, days)
    return deadline_moment(due.day), due.provisional


__all__ = [
    "DueDate",
    "WorkCalendar",
    "add_working_days",
    "deadline_moment",
    "due_moment",
    "get_calendar",
    "invalidate_calendar",
    "is_working_day",
    "load_calendar",
    "local_date",
    "working_days_between",
]
