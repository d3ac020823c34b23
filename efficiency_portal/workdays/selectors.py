"""Reads of the working-day calendar: year grids, lists, and the explanation of a span of working days."""

from __future__ import annotations

import calendar as monthcalendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from .calendar import WorkCalendar, deadline_moment, get_calendar
from .models import CalendarChange, CalendarYear, SpecialDay


@dataclass(frozen=True)
class NamedDay:
    date: dt.date
    name: str


@dataclass(frozen=True)
class SpanExplanation:
    """What happened between ``start`` and the due day: the facts behind a due date, for people and programs."""

    start: dt.date
    days: int
    due_date: dt.date
    due_moment: dt.datetime
    provisional: bool
    start_is_working_day: bool
    # Weekday holidays inside (start, due]: each cost one day.
    skipped_holidays: list[NamedDay] = field(default_factory=list)
    # Weekend make-up working days inside (start, due]: each counted as a working day.
    makeup_days_counted: list[NamedDay] = field(default_factory=list)
    # Years inside the span whose official schedule is not known.
    unknown_years: list[int] = field(default_factory=list)


def special_days_in_span(
    start: dt.date, end: dt.date, calendar: WorkCalendar | None = None
) -> tuple[list[NamedDay], list[NamedDay]]:
    """Weekday holidays skipped and weekend make-up days counted in (start, end], with their names. No query
    when the in-process calendar is fresh."""
    calendar = calendar or get_calendar()
    skipped, counted = calendar.special_days_between(start, end)
    return (
        [NamedDay(day, calendar.name_of(day)) for day in skipped],
        [NamedDay(day, calendar.name_of(day)) for day in counted],
    )


def explain_span(start: dt.date, days: int) -> SpanExplanation:
    """The due day of ``days`` working days after ``start`` and why: holidays skipped, make-up days counted.

    ``days == 0`` (即办件) counts from the day before, so a working start day is its own due day.
    """
    calendar = get_calendar()
    due = calendar.add_working_days(start, days)
    counted_after = start - dt.timedelta(days=1) if days == 0 else start
    skipped, counted = special_days_in_span(counted_after, due.day, calendar)
    first = counted_after + dt.timedelta(days=1)
    unknown = [year for year in range(first.year, due.day.year + 1) if year not in calendar.known_years]
    return SpanExplanation(
        start=start,
        days=days,
        due_date=due.day,
        due_moment=deadline_moment(due.day),
        provisional=due.provisional,
        start_is_working_day=calendar.is_working_day(start),
        skipped_holidays=skipped,
        makeup_days_counted=counted,
        unknown_years=unknown,
    )


# --- year grids -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    date: dt.date | None
    kind: str = ""  # "holiday", "workday" (make-up), "weekend", "" (ordinary working day) or "blank"
    name: str = ""


@dataclass(frozen=True)
class Month:
    number: int
    first: dt.date
    weeks: list[list[Cell]]


def year_months(year: int, calendar: WorkCalendar | None = None) -> list[Month]:
    """Twelve month grids (weeks from Monday), each day marked holiday / make-up day / weekend."""
    calendar = calendar or get_calendar()
    grid = monthcalendar.Calendar(firstweekday=0)
    months = []
    for number in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(year, number):
            cells = []
            for day in week:
                if day.month != number:
                    cells.append(Cell(None, "blank"))
                elif day in calendar.makeup_days:
                    cells.append(Cell(day, SpecialDay.Kind.WORKDAY, calendar.name_of(day)))
                elif day in calendar.holidays:
                    cells.append(Cell(day, SpecialDay.Kind.HOLIDAY, calendar.name_of(day)))
                elif day.weekday() >= 5:
                    cells.append(Cell(day, "weekend"))
                else:
                    cells.append(Cell(day))
            weeks.append(cells)
        months.append(Month(number, dt.date(year, number, 1), weeks))
    return months


def known_years() -> QuerySet[CalendarYear]:
    """The known years with their count of holidays and make-up days (one query)."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce, ExtractYear

    def count(kind: str) -> Coalesce:
        rows = (
            SpecialDay.objects.annotate(y=ExtractYear("date"))
            .filter(y=OuterRef("year"), kind=kind)
            .values("y")
            .annotate(n=Count("id"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    return CalendarYear.objects.annotate(
        holiday_count=count(SpecialDay.Kind.HOLIDAY), makeup_count=count(SpecialDay.Kind.WORKDAY)
    ).order_by("year")


def special_days(year: int) -> QuerySet[SpecialDay]:
    return SpecialDay.objects.filter(date__year=year).order_by("date")


def change_log(limit: int = 50) -> QuerySet[CalendarChange]:
    return CalendarChange.objects.select_related("changed_by").order_by("-changed_at", "-id")[:limit]


def default_year(today: dt.date) -> int:
    """This year when its schedule is known, else the nearest known year, else this year anyway."""
    years = list(CalendarYear.objects.values_list("year", flat=True))
    if not years or today.year in years:
        return today.year
    return min(years, key=lambda year: (abs(year - today.year), -year))


def year_counts(year: int) -> dict[str, int]:
    return SpecialDay.objects.filter(date__year=year).aggregate(
        holidays=Count("id", filter=Q(kind=SpecialDay.Kind.HOLIDAY)),
        makeups=Count("id", filter=Q(kind=SpecialDay.Kind.WORKDAY)),
    )


def _named_list(days: list[NamedDay]) -> str:
    from django.utils import formats
    from django.utils.translation import pgettext

    separator = pgettext("list separator", ", ")
    return separator.join(
        f"{formats.date_format(day.date, 'MONTH_DAY_FORMAT')}{f' ({day.name})' if day.name else ''}" for day in days
    )


def span_sentences(explanation: SpanExplanation) -> list[str]:
    """The explanation in plain words, in the active language."""
    from django.utils import formats
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    def day(value: dt.date) -> str:
        return _("%(date)s (%(weekday)s)") % {
            "date": formats.date_format(value, "DATE_FORMAT"),
            "weekday": formats.date_format(value, "l"),
        }

    lines = []
    if explanation.days == 0:
        if explanation.start_is_working_day:
            lines.append(
                _("A same-day matter (即办件): %(start)s is a working day, so it is due that day.")
                % {"start": day(explanation.start)}
            )
        else:
            lines.append(
                _("A same-day matter (即办件): %(start)s is not a working day, so it is due on the next working day.")
                % {"start": day(explanation.start)}
            )
    else:
        lines.append(_("Received on %(start)s. The day of receipt is not counted.") % {"start": day(explanation.start)})
        lines.append(
            ngettext(
                "Counting %(count)d working day: Saturdays, Sundays and public holidays are skipped, make-up working "
                "days (调休) count.",
                "Counting %(count)d working days: Saturdays, Sundays and public holidays are skipped, make-up working "
                "days (调休) count.",
                explanation.days,
            )
            % {"count": explanation.days}
        )
    if explanation.skipped_holidays:
        lines.append(_("Public holidays skipped: %(days)s.") % {"days": _named_list(explanation.skipped_holidays)})
    elif explanation.days:
        lines.append(_("No public holiday falls in this period."))
    if explanation.makeup_days_counted:
        lines.append(
            _("Make-up working days counted: %(days)s.") % {"days": _named_list(explanation.makeup_days_counted)}
        )
    lines.append(
        _("Due on %(due)s, at the end of that working day (%(time)s).")
        % {"due": day(explanation.due_date), "time": formats.time_format(explanation.due_moment.timetz(), "H:i")}
    )
    if explanation.provisional:
        years = ", ".join(str(year) for year in explanation.unknown_years) or str(explanation.due_date.year)
        lines.append(
            _(
                "Provisional: the official holiday schedule for %(years)s is not published yet, so this date was "
                "counted with Monday to Friday and may move."
            )
            % {"years": years}
        )
    return lines
