"""The figures of the command centre and the department dashboard, each with the list behind it.

Every clock figure is the ``count()`` of a queryset that its drill-down page lists, so a figure and its list can
never disagree. Case throughput (received, finished, on-time rate ...) is read from the pre-aggregated daily and
monthly rows of approvals; its list is the approvals statistics page for the same period.

Scope: ``department_ids=None`` is the whole city (command centre); a set limits every figure to those departments
(department dashboard). The complaints, credit and assessment counts exist city-wide only (their contracts have no
department filter), so the department dashboard leaves them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import assessment.selectors as assessment_selectors
import complaints.selectors as complaints_selectors
import credit.selectors as credit_selectors
from approvals.selectors import stats
from efficiency_portal.supervised_tasks import selectors as task_selectors
from efficiency_portal.supervised_tasks.models import Task, TaskStatus
from efficiency_portal.supervision.models import Deadline, DeadlineStatus, Light, Warning, WarningRecipient
from efficiency_portal.workdays.calendar import local_date

from .links import link_for
from .scope import scope_departments

CASE_KIND = "case"
RUNNING = (DeadlineStatus.OPEN, DeadlineStatus.PAUSED)
TREND_MONTHS = 12


def today() -> dt.date:
    return local_date(timezone.now())


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def summed_until(on: dt.date) -> dt.date:
    """The last day to sum for "this month until ``on``": the end of the month when ``on`` is today.

    Approvals rebuilds the current month's monthly rows in the same transaction as its daily rows, and no later day
    has figures yet, so the month's monthly rows *are* the month so far. Reading them instead of the daily rows sums
    one row per department and item instead of one per day as well (about 2,400 rows instead of 48,000 at
    10,000,000 cases), and the twelve months of the trend come from a single query.
    """
    return month_end(on) if on >= today() else on


def trend_start(day: dt.date) -> dt.date:
    """The first day of the month eleven months before ``day``'s: twelve months including the current one."""
    year, month = day.year, day.month - (TREND_MONTHS - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 1)


# --- the lists behind the clock figures ---------------------------------------------------------------------------


def _in_scope(queryset: QuerySet, department_ids: set[int] | None, field_name: str = "department_id") -> QuerySet:
    return queryset if department_ids is None else queryset.filter(**{f"{field_name}__in": department_ids})


def running_cases(department_ids: set[int] | None) -> QuerySet[Deadline]:
    return _in_scope(Deadline.objects.filter(kind=CASE_KIND, status__in=RUNNING), department_ids)


def month_span(on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(month_start(on), dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))
    return start, end


def month_warnings(department_ids: set[int] | None, on: dt.date) -> QuerySet[Warning]:
    start, end = month_span(on)
    return _in_scope(
        Warning.objects.filter(raised_at__gte=start, raised_at__lt=end), department_ids, "deadline__department_id"
    )


def unanswered(warnings: QuerySet[Warning]) -> QuerySet[Warning]:
    """Warnings none of whose recipients has opened them yet."""
    opened = WarningRecipient.objects.filter(warning=OuterRef("pk"), acknowledged_at__isnull=False)
    return warnings.filter(~Exists(opened))


@dataclass(frozen=True)
class ListSpec:
    """A drill-down list: what it lists ("deadline", "warning" or "task") and the queryset its figure counts."""

    label: object
    kind: str
    rows: Callable[[set[int] | None, dt.date], QuerySet]


DRILL_LISTS: dict[str, ListSpec] = {
    "cases_open": ListSpec(_("Cases running on the clock"), "deadline", lambda ids, on: running_cases(ids)),
    "cases_yellow": ListSpec(
        _("Cases with a yellow light"), "deadline", lambda ids, on: running_cases(ids).filter(light=Light.YELLOW)
    ),
    "cases_red": ListSpec(
        _("Cases with a red light (overdue)"), "deadline", lambda ids, on: running_cases(ids).filter(light=Light.RED)
    ),
    "warnings_month": ListSpec(_("Warnings this month"), "warning", lambda ids, on: month_warnings(ids, on)),
    "warnings_red_month": ListSpec(
        _("Red warnings this month"), "warning", lambda ids, on: month_warnings(ids, on).filter(level="red")
    ),
    "warnings_unanswered": ListSpec(
        _("Warnings this month nobody has opened"), "warning", lambda ids, on: unanswered(month_warnings(ids, on))
    ),
    "tasks_open": ListSpec(
        _("Supervised tasks not closed out"),
        "task",
        lambda ids, on: _in_scope(Task.objects.exclude(status=TaskStatus.CLOSED), ids, "lead_department_id"),
    ),
    "tasks_awaiting": ListSpec(
        _("Supervised tasks awaiting close-out"),
        "task",
        lambda ids, on: _in_scope(
            Task.objects.filter(status=TaskStatus.AWAITING_ACCEPTANCE), ids, "lead_department_id"
        ),
    ),
    "tasks_red": ListSpec(
        _("Supervised tasks overdue"), "task", lambda ids, on: task_selectors.red_tasks(department_ids=ids)
    ),
}


def drill_rows(key: str, department_ids: set[int] | None, on: dt.date) -> QuerySet:
    return DRILL_LISTS[key].rows(department_ids, on)


# --- figures ------------------------------------------------------------------------------------------------------


@dataclass
class Figure:
    key: str
    label: object
    value: int | Decimal | None
    url: str | None = None
    tone: str = ""  # "danger", "warning" or "" (plain)
    suffix: str = ""

    @property
    def display(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.value}{self.suffix}"


@dataclass
class Section:
    title: object
    figures: list[Figure] = field(default_factory=list)


def _drill_url(key: str, scope: str) -> str:
    return reverse("dashboards:drill", args=[scope, key])


def _tone(value, tone: str) -> str:
    return tone if value else ""


def clock_section(department_ids: set[int] | None, on: dt.date, scope: str) -> Section:
    # Counted over the light column (never empty), not the id: the partial index on running clocks then answers
    # with an index-only scan, without visiting the table.
    counts = running_cases(department_ids).aggregate(
        open=Count("light"),
        yellow=Count("light", filter=Q(light=Light.YELLOW)),
        red=Count("light", filter=Q(light=Light.RED)),
    )
    return Section(
        _("Cases now"),
        [
            Figure("cases_open", _("Running on the clock"), counts["open"], _drill_url("cases_open", scope)),
            Figure(
                "cases_yellow",
                _("Yellow (due soon)"),
                counts["yellow"],
                _drill_url("cases_yellow", scope),
                _tone(counts["yellow"], "warning"),
            ),
            Figure(
                "cases_red",
                _("Red (overdue)"),
                counts["red"],
                _drill_url("cases_red", scope),
                _tone(counts["red"], "danger"),
            ),
        ],
    )


def _stats_url(department_ids: set[int] | None, start: dt.date, end: dt.date, user) -> str | None:
    """The approvals statistics of the same period and departments: one department's page by item, else the page
    by department limited to the scope's departments (``department=<code>`` repeated; the city: all)."""
    query: dict = {"start": start.isoformat(), "end": end.isoformat()}
    if department_ids is None:
        return link_for(user, "approvals:statistics", query=query)
    codes = list(scope_departments(department_ids).values_list("code", flat=True))
    if len(codes) == 1:
        return link_for(user, "approvals:department_statistics", codes[0], query=query)
    return link_for(user, "approvals:statistics", query=[*query.items(), *(("department", code) for code in codes)])


def throughput(department_ids: set[int] | None, start: dt.date, end: dt.date) -> stats.Figures:
    """Summed pre-aggregated case figures of the scope over [start, end] (a query or two, whatever the cases)."""
    rows = stats.figures_by_department(start, end, scope_departments(department_ids))
    return stats.total(rows)


@dataclass
class CaseFigures:
    """The case figures read from the pre-aggregated rows: today, this month per department, twelve months."""

    day: stats.Figures
    month_rows: list[stats.Figures]
    trend: list[stats.Figures]

    @property
    def month(self) -> stats.Figures:
        return stats.total(self.month_rows)


def case_figures_key(department_ids: set[int] | None, on: dt.date) -> str:
    """The cache key of a scope's case figures on a day (the benchmark and tests forget them through it)."""
    scope = "city" if department_ids is None else ",".join(str(pk) for pk in sorted(department_ids))
    return f"dashboards:cases:{on.isoformat()}:{scope}"


def case_figures(department_ids: set[int] | None, on: dt.date) -> CaseFigures:
    """Read once per scope and day, then kept for ``DASHBOARD_CASE_FIGURES_SECONDS`` (default 300).

    The rows behind them change only when approvals rebuilds its daily figures (every ten minutes), so a
    command centre refreshing every minute need not sum them again each time; 0 turns the keeping off.
    """
    seconds = settings.DASHBOARD_CASE_FIGURES_SECONDS
    key = case_figures_key(department_ids, on)
    if seconds:
        kept = cache.get(key)
        if kept is not None:
            return kept
    result = CaseFigures(
        day=throughput(department_ids, on, on),
        month_rows=stats.figures_by_department(month_start(on), summed_until(on), scope_departments(department_ids)),
        trend=trend(department_ids, on),
    )
    if seconds:
        cache.set(key, result, seconds)
    return result


def throughput_section(department_ids: set[int] | None, on: dt.date, cases: CaseFigures, user) -> Section:
    first = month_start(on)
    day, month = cases.day, cases.month
    day_url = _stats_url(department_ids, on, on, user)
    month_url = _stats_url(department_ids, first, on, user)
    return Section(
        _("Cases today and this month"),
        [
            Figure("received_today", _("Received today"), day.received, day_url),
            Figure("finished_today", _("Finished today"), day.finished, day_url),
            Figure("received_month", _("Received this month"), month.received, month_url),
            Figure("finished_month", _("Finished this month"), month.finished, month_url),
            Figure("on_time_rate_month", _("On-time rate this month"), month.on_time_rate, month_url, suffix=" %"),
            Figure(
                "late_rate_month",
                _("Overdue rate this month"),
                month.late_rate,
                month_url,
                _tone(month.late_rate, "danger"),
                " %",
            ),
        ],
    )


def warnings_section(department_ids: set[int] | None, on: dt.date, scope: str) -> Section:
    month = month_warnings(department_ids, on)
    values = {
        "warnings_month": month.count(),
        "warnings_red_month": month.filter(level="red").count(),
        "warnings_unanswered": unanswered(month).count(),
    }
    return Section(
        _("Warnings this month"),
        [
            Figure(
                "warnings_month", _("Warnings raised"), values["warnings_month"], _drill_url("warnings_month", scope)
            ),
            Figure(
                "warnings_red_month",
                _("Red warnings"),
                values["warnings_red_month"],
                _drill_url("warnings_red_month", scope),
                _tone(values["warnings_red_month"], "danger"),
            ),
            Figure(
                "warnings_unanswered",
                _("Not opened by anyone told"),
                values["warnings_unanswered"],
                _drill_url("warnings_unanswered", scope),
                _tone(values["warnings_unanswered"], "warning"),
            ),
        ],
    )


def tasks_section(department_ids: set[int] | None, on: dt.date, scope: str) -> Section:
    counts = task_selectors.dashboard_counts(on, department_ids=department_ids)
    return Section(
        _("Supervised tasks"),
        [
            Figure("tasks_open", _("Not closed out"), counts["open"], _drill_url("tasks_open", scope)),
            Figure(
                "tasks_awaiting",
                _("Awaiting close-out"),
                counts["awaiting"],
                _drill_url("tasks_awaiting", scope),
                _tone(counts["awaiting"], "warning"),
            ),
            Figure(
                "tasks_red", _("Overdue"), counts["red"], _drill_url("tasks_red", scope), _tone(counts["red"], "danger")
            ),
        ],
    )


def city_sections(on: dt.date, user) -> list[Section]:
    """Complaints, ratings, credit and assessment: city-wide counts from those apps' contracted selectors; each
    figure opens that app's list filtered to exactly what it counts (``state=...``)."""
    complaints = complaints_selectors.dashboard_counts(on)
    credit = credit_selectors.dashboard_counts(on)
    appeals = assessment_selectors.dashboard_counts(on)

    def figure(key: str, label, value: int, target: str, state: str | None = None, tone: str = "") -> Figure:
        url = link_for(user, target, query={"state": state} if state else None)
        return Figure(key, label, value, url, _tone(value, tone))

    return [
        Section(
            _("Complaints and ratings"),
            [
                figure(
                    "complaints_awaiting",
                    _("Complaints awaiting acceptance"),
                    complaints["awaiting_acceptance"],
                    "complaints:work_list",
                    "awaiting",
                    "warning",
                ),
                figure("complaints_open", _("Complaints open"), complaints["open"], "complaints:work_list", "open"),
                figure(
                    "complaints_overdue",
                    _("Complaints overdue"),
                    complaints["overdue"],
                    "complaints:work_list",
                    "overdue",
                    "danger",
                ),
                figure(
                    "rectifications_open",
                    _("Bad ratings under rectification"),
                    complaints["rectifications_open"],
                    "complaints:rectification_list",
                    "open",
                ),
                figure(
                    "rectifications_overdue",
                    _("Rectifications overdue"),
                    complaints["rectifications_overdue"],
                    "complaints:rectification_list",
                    "overdue",
                    "danger",
                ),
            ],
        ),
        Section(
            _("Credit and assessment"),
            [
                figure(
                    "credit_pending",
                    _("Credit entries awaiting confirmation"),
                    credit["pending"],
                    "credit:pending_list",
                    tone="warning",
                ),
                figure(
                    "objections_open",
                    _("Credit objections open"),
                    credit["objections_open"],
                    "credit:objection_list",
                    "open",
                ),
                figure(
                    "objections_overdue",
                    _("Credit objections overdue"),
                    credit["objections_overdue"],
                    "credit:objection_list",
                    "overdue",
                    "danger",
                ),
                figure(
                    "appeals_open",
                    _("Assessment appeals open"),
                    appeals["appeals_open"],
                    "assessment:appeal_list",
                    "open",
                ),
                figure(
                    "appeals_due",
                    _("Assessment appeals due today"),
                    appeals["appeals_due"],
                    "assessment:appeal_list",
                    "due",
                    "danger",
                ),
            ],
        ),
    ]


def sections(
    department_ids: set[int] | None, on: dt.date, scope: str, cases: CaseFigures | None = None, *, user
) -> list[Section]:
    """The figures of a scope as ``user`` sees them: links only to the pages ``user`` may open."""
    if cases is None:
        cases = case_figures(department_ids, on)
    result = [
        clock_section(department_ids, on, scope),
        throughput_section(department_ids, on, cases, user),
        warnings_section(department_ids, on, scope),
        tasks_section(department_ids, on, scope),
    ]
    if department_ids is None:
        result.extend(city_sections(on, user))
    return result


def flat(sections_: list[Section]) -> dict[str, Figure]:
    return {figure.key: figure for section in sections_ for figure in section.figures}


# --- trend -----------------------------------------------------------------------------------------------------


def trend(department_ids: set[int] | None, on: dt.date) -> list[stats.Figures]:
    """Twelve months up to ``on``'s month from the monthly rows; a scope of several departments is summed in the
    same grouped query (the count of queries does not grow with the departments)."""
    departments = None if department_ids is None else scope_departments(department_ids)
    return stats.monthly_trend(None, trend_start(on), summed_until(on), departments=departments)
