"""Working-day arithmetic: against chinesecalendar for every day it knows, properties, and worked examples."""

from __future__ import annotations

import datetime as dt
import functools
import types

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from efficiency_portal.workdays import calendar as calendar_module
from efficiency_portal.workdays import official
from efficiency_portal.workdays.calendar import (
    WorkCalendar,
    add_working_days,
    deadline_moment,
    due_moment,
    get_calendar,
    is_working_day,
    working_days_between,
)
from efficiency_portal.workdays.models import CalendarYear, SpecialDay
from efficiency_portal.workdays.selectors import explain_span
from tests.factories import ensure_official_calendar

D = dt.date
YEARS = official.package_years()
FIRST, LAST = D(YEARS[0], 1, 1), D(YEARS[-1], 12, 31)


@functools.cache
def package_calendar() -> WorkCalendar:
    """The package's schedule as a calendar built without the database (for fast property tests)."""
    holidays, makeups = [], []
    for year in YEARS:
        for day in official.package_schedule(year):
            (holidays if day.kind == SpecialDay.Kind.HOLIDAY else makeups).append(day.date)
    return WorkCalendar.build(holidays, makeups, YEARS)


@pytest.fixture
def seeded(db) -> None:
    ensure_official_calendar()


def every_day(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


# --- the database against the package ---------------------------------------------------------------------------


def test_migration_seeded_every_package_year(db):
    assert list(CalendarYear.objects.values_list("year", flat=True)) == YEARS
    assert set(CalendarYear.objects.values_list("source", flat=True)) == {CalendarYear.Source.PACKAGE}
    assert SpecialDay.objects.get(date=D(2025, 10, 1)).name == "国庆节"
    assert SpecialDay.objects.get(date=D(2025, 9, 28)).kind == SpecialDay.Kind.WORKDAY


def test_every_known_day_matches_chinesecalendar(seeded):
    mismatches = [day for day in every_day(FIRST, LAST) if is_working_day(day) != chinese_calendar.is_workday(day)]
    assert mismatches == []
    assert (LAST - FIRST).days > 8000  # really every day of 2004–2026


def test_days_are_not_provisional_inside_known_years(seeded):
    assert add_working_days(D(2004, 1, 1), 0).provisional is False
    assert add_working_days(D(2026, 12, 1), 10).provisional is False


# --- properties -------------------------------------------------------------------------------------------------

starts = st.dates(min_value=FIRST - dt.timedelta(days=400), max_value=LAST + dt.timedelta(days=400))
limits = st.integers(min_value=0, max_value=400)


@given(start=starts, n=limits)
@settings(max_examples=600, deadline=None)
def test_due_day_is_a_working_day(start, n):
    calendar = package_calendar()
    due = calendar.add_working_days(start, n)
    assert calendar.is_working_day(due.day)
    assert due.day >= start
    if n == 0:
        assert due.day == start or not calendar.is_working_day(start)
        assert calendar.working_days_between(start - dt.timedelta(days=1), due.day) == 1


@given(start=starts, n=st.integers(min_value=1, max_value=400))
@settings(max_examples=600, deadline=None)
def test_counting_back_gives_n(start, n):
    calendar = package_calendar()
    due = calendar.add_working_days(start, n).day
    assert calendar.working_days_between(start, due) == n
    assert calendar.working_days_between(due, start) == -n
    # No earlier day is already the n-th working day.
    assert calendar.working_days_between(start, due - dt.timedelta(days=1)) == n - 1


@given(start=starts, n=limits, more=st.integers(min_value=0, max_value=30))
@settings(max_examples=400, deadline=None)
def test_monotonic_in_n(start, n, more):
    calendar = package_calendar()
    assert calendar.add_working_days(start, n).day <= calendar.add_working_days(start, n + more).day
    if more and n:
        assert calendar.add_working_days(start, n).day < calendar.add_working_days(start, n + more).day


@given(pairs=st.lists(st.tuples(starts, limits), min_size=1, max_size=60))
@settings(max_examples=200, deadline=None)
def test_bulk_equals_single(pairs):
    calendar = package_calendar()
    days, flags = calendar.bulk_add_working_days([s for s, _ in pairs], [n for _, n in pairs])
    assert list(zip(days, flags, strict=True)) == [tuple(calendar.add_working_days(s, n)) for s, n in pairs]


@given(start=starts, n=limits)
@settings(max_examples=300, deadline=None)
def test_provisional_exactly_when_counting_leaves_the_known_years(start, n):
    calendar = package_calendar()
    due = calendar.add_working_days(start, n)
    counted_from = start if n == 0 else start + dt.timedelta(days=1)
    assert due.provisional == (counted_from < FIRST or due.day > LAST)


def test_a_gap_year_makes_spans_through_it_provisional():
    calendar = WorkCalendar.build([D(2024, 10, 1), D(2026, 10, 1)], [], [2024, 2026])
    assert calendar.add_working_days(D(2024, 3, 1), 5).provisional is False
    assert calendar.add_working_days(D(2024, 12, 20), 10).provisional is True  # counts through 2025
    assert calendar.add_working_days(D(2026, 3, 1), 5).provisional is False
    _days, flags = calendar.bulk_add_working_days([D(2024, 12, 20), D(2026, 3, 1)], 10)
    assert flags == [True, False]


# --- worked examples, by hand -----------------------------------------------------------------------------------


def test_national_day_2025(seeded):
    # Holiday Wed Oct 1 – Wed Oct 8; Sun Sep 28 and Sat Oct 11 are worked.
    assert is_working_day(D(2025, 9, 28)) and is_working_day(D(2025, 10, 11))
    assert not any(is_working_day(D(2025, 10, day)) for day in range(1, 9))
    # Received Fri Sep 26: Sun 28 (1), Mon 29 (2), Tue 30 (3), Thu Oct 9 (4), Fri 10 (5), Sat 11 (6), Mon 13 (7).
    assert add_working_days(D(2025, 9, 26), 1).day == D(2025, 9, 28)
    assert add_working_days(D(2025, 9, 26), 3).day == D(2025, 9, 30)
    assert add_working_days(D(2025, 9, 26), 4).day == D(2025, 10, 9)
    assert add_working_days(D(2025, 9, 26), 6).day == D(2025, 10, 11)
    assert add_working_days(D(2025, 9, 26), 7).day == D(2025, 10, 13)
    assert working_days_between(D(2025, 9, 26), D(2025, 10, 13)) == 7
    explanation = explain_span(D(2025, 9, 26), 7)
    assert [day.date for day in explanation.skipped_holidays] == [D(2025, 10, d) for d in (1, 2, 3, 6, 7, 8)]
    assert {day.name for day in explanation.skipped_holidays} == {"国庆节", "中秋节"}
    assert [day.date for day in explanation.makeup_days_counted] == [D(2025, 9, 28), D(2025, 10, 11)]


def test_spring_festival_2026(seeded):
    # Holiday Sun Feb 15 – Mon Feb 23; Sat Feb 14 and Sat Feb 28 are worked (chinesecalendar 2026).
    assert is_working_day(D(2026, 2, 14)) and is_working_day(D(2026, 2, 28))
    assert not any(is_working_day(D(2026, 2, day)) for day in range(15, 24))
    # Received Thu Feb 12: Fri 13 (1), Sat 14 (2), Tue 24 (3), Wed 25 (4), Thu 26 (5), Fri 27 (6), Sat 28 (7),
    # Mon Mar 2 (8).
    assert add_working_days(D(2026, 2, 12), 2).day == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 12), 3).day == D(2026, 2, 24)
    assert add_working_days(D(2026, 2, 12), 7).day == D(2026, 2, 28)
    assert add_working_days(D(2026, 2, 12), 8).day == D(2026, 3, 2)
    explanation = explain_span(D(2026, 2, 12), 8)
    assert [day.date for day in explanation.skipped_holidays] == [D(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)]
    assert [day.date for day in explanation.makeup_days_counted] == [D(2026, 2, 14), D(2026, 2, 28)]
    assert explanation.due_moment == deadline_moment(D(2026, 3, 2))


def test_zero_days_on_a_working_day_and_on_a_holiday(seeded):
    assert add_working_days(D(2025, 9, 30), 0).day == D(2025, 9, 30)
    assert add_working_days(D(2025, 9, 28), 0).day == D(2025, 9, 28)  # a make-up Sunday is a working day
    assert add_working_days(D(2025, 10, 1), 0).day == D(2025, 10, 9)
    assert add_working_days(D(2025, 10, 4), 0).day == D(2025, 10, 9)


def test_start_on_a_holiday(seeded):
    # The start is not counted, so starting inside the holiday counts from the first working day after it.
    assert add_working_days(D(2025, 10, 3), 1).day == D(2025, 10, 9)
    assert add_working_days(D(2025, 10, 3), 3).day == D(2025, 10, 11)
    assert add_working_days(D(2026, 2, 16), 1).day == D(2026, 2, 24)


def test_beyond_known_years_is_provisional(seeded):
    due = add_working_days(D(2026, 12, 28), 10)
    assert due.provisional is True
    assert due.day == D(2027, 1, 11)  # Mon–Fri only: the 2027 New Year is not known yet
    moment, provisional = due_moment(D(2026, 12, 28), 10)
    assert provisional is True and moment == deadline_moment(D(2027, 1, 11))
    assert add_working_days(D(2003, 6, 2), 5).provisional is True
    assert add_working_days(D(2026, 12, 1), 5).provisional is False


def test_deadline_moment_is_end_of_working_day_local(settings):
    settings.WORKDAY_ENDS_AT = "17:30"
    moment = deadline_moment(D(2025, 10, 9))
    assert moment.utcoffset() == dt.timedelta(hours=8)
    assert (moment.hour, moment.minute, moment.date()) == (17, 30, D(2025, 10, 9))


def test_datetimes_count_by_their_local_date(seeded):
    late_evening_utc = dt.datetime(2025, 9, 30, 17, 0, tzinfo=dt.UTC)  # 01:00 on Oct 1 in Shanghai
    assert is_working_day(late_evening_utc) is False
    assert add_working_days(late_evening_utc, 1).day == D(2025, 10, 9)


def test_negative_days_are_refused(seeded):
    with pytest.raises(ValueError):
        add_working_days(D(2025, 1, 2), -1)


# --- reloading --------------------------------------------------------------------------------------------------


def test_reloads_after_a_change_by_another_process(seeded, monkeypatch):
    clock = types.SimpleNamespace(now=1000.0)
    monkeypatch.setattr(calendar_module, "time", types.SimpleNamespace(monotonic=lambda: clock.now))
    day = D(2025, 11, 3)  # an ordinary Monday
    assert is_working_day(day) is True
    loaded = get_calendar()
    # Another process writes the row (not through this process's services, so nothing here is invalidated).
    SpecialDay.objects.create(date=day, kind=SpecialDay.Kind.HOLIDAY, name="临时调休")
    clock.now += calendar_module.RELOAD_CHECK_SECONDS - 1
    assert is_working_day(day) is True  # still trusted within the check interval
    assert get_calendar() is loaded
    clock.now += 2
    assert is_working_day(day) is False
    # A change of kind in place (counts unchanged) is noticed too.
    special = SpecialDay.objects.get(date=day)
    special.kind = SpecialDay.Kind.WORKDAY
    clock.now += 1
    special.save()
    clock.now += calendar_module.RELOAD_CHECK_SECONDS + 1
    assert is_working_day(D(2025, 11, 3)) is True
    assert get_calendar().makeup_days >= {day}


def test_no_reload_when_nothing_changed(seeded, monkeypatch, django_assert_num_queries):
    clock = types.SimpleNamespace(now=1000.0)
    monkeypatch.setattr(calendar_module, "time", types.SimpleNamespace(monotonic=lambda: clock.now))
    loaded = get_calendar()
    clock.now += calendar_module.RELOAD_CHECK_SECONDS + 1
    with django_assert_num_queries(2):  # the fingerprint only
        assert get_calendar() is loaded


# --- bulk cost --------------------------------------------------------------------------------------------------


def test_bulk_query_count_is_constant(seeded, django_assert_max_num_queries):
    import random

    rng = random.Random(7)
    span = (LAST - FIRST).days
    start_days = [FIRST + dt.timedelta(days=rng.randrange(span)) for _ in range(10_000)]
    limits = [rng.randint(1, 60) for _ in range(10_000)]
    calendar_module.invalidate_calendar()
    with django_assert_max_num_queries(4):
        days, flags = get_calendar().bulk_add_working_days(start_days, limits)
    assert flags == [day > LAST for day in days]
    assert any(flags)  # late-2026 starts run into 2027, which the package does not know
    assert len(days) == 10_000
    sample = rng.sample(range(10_000), 200)
    assert all(days[i] == add_working_days(start_days[i], limits[i]).day for i in sample)
    assert all(chinese_calendar.is_workday(day) for day in days if day <= LAST)
