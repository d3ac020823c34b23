"""Working-day arithmetic.

The calendar is loaded once from the database into arrays (a prefix count of working days per date) and kept in
memory, so adding working days is two list look-ups and a million due dates take no database query at all.
Dates outside the known years fall back to Mon–Fri and are reported as provisional, never silently trusted.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
    """An immutable snapshot of the calendar; build with :func:`WorkCalendar.build`."""

    holidays: frozenset[dt.date]
    makeup_days: frozenset[dt.date]
    known_years: frozenset[int]
    first: dt.date  # first day of the first known year (or today's year when none is known)
    last: dt.date  # last day of the last known year
    # cumulative[i]: working days in [first, first + i], inclusive.
    cumulative: tuple[int, ...]
    # working_ordinals[k]: the ordinal of the (k+1)-th working day on or after `first`.
    working_ordinals: tuple[int, ...]
    stamp: object = None

    @classmethod
    def build(
        cls,
        holidays: Iterable[dt.date],
        makeup_days: Iterable[dt.date],
        known_years: Iterable[int],
        stamp: object = None,
    ) -> WorkCalendar:
        holidays = frozenset(holidays)
        makeup_days = frozenset(makeup_days)
        years = frozenset(known_years)
        if years:
            first, last = dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)
        else:
            today = dt.date.today()
            first, last = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
        cumulative: list[int] = []
        working: list[int] = []
        count = 0
        for ordinal in range(first.toordinal(), last.toordinal() + 1):
            day = dt.date.fromordinal(ordinal)
            if _is_working(day, holidays, makeup_days):
                count += 1
                working.append(ordinal)
            cumulative.append(count)
        return cls(holidays, makeup_days, years, first, last, tuple(cumulative), tuple(working), stamp)

    # --- single-day questions
    def is_known(self, day: dt.date) -> bool:
        return day.year in self.known_years

    def is_working_day(self, day: dt.date) -> bool:
        return _is_working(day, self.holidays, self.makeup_days)

    def next_working_day(self, day: dt.date, *, inclusive: bool = True) -> dt.date:
        """The first working day on or after (inclusive) or strictly after ``day``."""
        return self.add_working_days(day if not inclusive else day - dt.timedelta(days=1), 1).day

    # --- arithmetic
    def add_working_days(self, start: dt.date, days: int) -> DueDate:
        """The ``days``-th working day after ``start``; the starting day itself is not counted.

        ``days == 0`` means the same day when it is a working day, otherwise the next working day (即办件).
        """
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            start, days = start - dt.timedelta(days=1), 1
        if self.first <= start <= self.last:
            target = self.cumulative[start.toordinal() - self.first.toordinal()] + days
            if target <= len(self.working_ordinals):
                day = dt.date.fromordinal(self.working_ordinals[target - 1])
                return DueDate(day, not self.is_known(day))
            # Runs off the end of the calendar: count the remainder with the weekday rule.
            remaining = target - len(self.working_ordinals)
            return DueDate(self._step(self.last, remaining), True)
        if start < self.first:
            # Count provisionally up to the calendar, then continue inside it.
            before = self._weekday_count(start, self.first - dt.timedelta(days=1))
            if before >= days:
                return DueDate(self._step(start, days), True)
            inner = self.add_working_days(self.first - dt.timedelta(days=1), days - before)
            return DueDate(inner.day, True)
        return DueDate(self._step(start, days), True)

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
        known = self.known_years
        per_start = isinstance(days, int)
        result: list[dt.date] = []
        flags: list[bool] = []
        for i, start in enumerate(starts):
            n = days if per_start else days[i]  # type: ignore[index]
            offset = start.toordinal() - first_ordinal
            if n > 0 and 0 <= offset < span and cumulative[offset] + n <= total:
                day = fromordinal(working[cumulative[offset] + n - 1])
                result.append(day)
                flags.append(day.year not in known)
            else:
                due = self.add_working_days(start, n)
                result.append(due.day)
                flags.append(due.provisional)
        return result, flags

    # --- helpers
    def _count_through(self, day: dt.date) -> int:
        """Working days from ``first`` through ``day`` (weekday rule outside the calendar)."""
        if day < self.first:
            return -self._weekday_count(day + dt.timedelta(days=1), self.first - dt.timedelta(days=1))
        if day > self.last:
            return self.cumulative[-1] + self._weekday_count(self.last + dt.timedelta(days=1), day)
        return self.cumulative[day.toordinal() - self.first.toordinal()]

    def _step(self, start: dt.date, days: int) -> dt.date:
        """Count ``days`` working days after ``start`` one day at a time (only outside the calendar)."""
        day = start
        while days > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day

    def _weekday_count(self, start: dt.date, end: dt.date) -> int:
        """Working days in [start, end] by the weekday rule and any special days we know."""
        if end < start:
            return 0
        days = (end - start).days + 1
        weeks, rest = divmod(days, 7)
        count = weeks * 5
        for i in range(rest):
            if (start + dt.timedelta(days=weeks * 7 + i)).weekday() < 5:
                count += 1
        return count


def _is_working(day: dt.date, holidays: frozenset[dt.date], makeup_days: frozenset[dt.date]) -> bool:
    if day in makeup_days:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


# --- the process-wide calendar

_lock = threading.Lock()
_cached: WorkCalendar | None = None
_checked_at = 0.0


def _database_stamp() -> tuple:
    from .models import CalendarYear, SpecialDay

    years = CalendarYear.objects.order_by("-changed_at").values_list("changed_at", flat=True).first()
    return (CalendarYear.objects.count(), SpecialDay.objects.count(), years)


def load_calendar() -> WorkCalendar:
    from .models import CalendarYear, SpecialDay

    stamp = _database_stamp()
    holidays, makeups = [], []
    for day, kind in SpecialDay.objects.values_list("date", "kind"):
        (holidays if kind == SpecialDay.Kind.HOLIDAY else makeups).append(day)
    years = CalendarYear.objects.values_list("year", flat=True)
    return WorkCalendar.build(holidays, makeups, years, stamp=stamp)


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
