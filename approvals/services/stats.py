"""Pre-aggregated daily figures (DailyCaseStat), recomputed set-based for the given local days.

What each counter means, per (local day, department, item):

- ``received``: cases submitted that day; ``accepted``: cases accepted that day (by a clerk or by law);
  ``refused``: cases not accepted, by the day of the decision; ``supplement_notices``: one-time notices issued.
- ``finished`` and its split ``finished_early`` / ``finished_on_time`` / ``finished_late``: case clocks
  (supervision Deadline of kind ``case``) finished that day, by their outcome.
- ``warned``: case clocks and pre-review clocks that got their first warning (yellow or red) that day — a case
  counts once per clock, on the day its clock first left green.
- ``working_days_total``: for the cases finished that day, the working days their case clock actually ran — the
  working days after its start up to and including the finishing day, by the portal's calendar, minus the working
  days it stood paused for special procedures. ``average working days`` divides it by ``finished``.

Every counter comes from one ``INSERT ... SELECT ... GROUP BY`` over a ``UNION ALL`` of ORM querysets. Working days
need the calendar, which lives in Python: it is asked once per date for a running count of working days (an
ordinal), and the statement joins the finishing and starting days of each clock to those ordinals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router, transaction
from django.db.models import (
    BigIntegerField,
    DateField,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncDate, TruncMonth
from django.utils import timezone

from approvals.models import Case, CaseStatus, DailyCaseStat, SupplementNotice
from approvals.models.stats import MonthlyCaseStat
from approvals.services.common import CASE_CLOCK, PRE_REVIEW_CLOCK
from efficiency_portal.common.bulk import insert_from_select
from efficiency_portal.supervision.models import Deadline, DeadlineStatus, Outcome, Warning
from efficiency_portal.workdays.calendar import get_calendar

COUNTERS = [
    "received",
    "accepted",
    "refused",
    "supplement_notices",
    "finished",
    "finished_on_time",
    "finished_early",
    "finished_late",
    "warned",
]


def _local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _bounds(days: list[dt.date]) -> tuple[dt.datetime, dt.datetime]:
    tz = _local_tz()
    first = dt.datetime.combine(min(days), dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(max(days) + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return first, after


def _is_contiguous(days: list[dt.date]) -> bool:
    return (max(days) - min(days)).days + 1 == len(days)


def _zero() -> Value:
    return Value(0, output_field=IntegerField())


def _one() -> Value:
    return Value(1, output_field=IntegerField())


def _part(queryset: QuerySet, moment: str, dept, item, days: list[dt.date], **counts) -> QuerySet:
    """Rows (day, dept, itm, <every counter>) of one source: one row per counted event, 0 or 1 per counter."""
    first, after = _bounds(days)
    rows = queryset.filter(**{f"{moment}__gte": first, f"{moment}__lt": after}).annotate(
        day=TruncDate(moment, tzinfo=_local_tz())
    )
    if not _is_contiguous(days):
        rows = rows.filter(day__in=days)
    values = {name: counts.get(name, _zero()) for name in COUNTERS}
    # Only finished clocks fill these two: the day the clock started and the working days it stood paused.
    values["start_day"] = counts.get("start_day", Cast(Value(None), DateField()))
    values["paused"] = counts.get("paused", _zero())
    # Sources that reach the case only through a deadline's object id name it here; the statement joins the case.
    values["case_ref"] = counts.get("case_ref", Cast(Value(None), BigIntegerField()))
    return rows.order_by().values(day=F("day"), dept=dept, itm=item, **values)


def _unknown() -> Cast:
    return Cast(Value(None), BigIntegerField())


def _outcome(outcome: str) -> models.Case:
    return models.Case(When(outcome=outcome, then=_one()), default=_zero(), output_field=IntegerField())


def _finished_clocks() -> QuerySet[Deadline]:
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Case),
        kind=CASE_CLOCK,
        status=DeadlineStatus.FINISHED,
    )


def _parts(days: list[dt.date]) -> list[QuerySet]:
    case_type = ContentType.objects.get_for_model(Case)
    earlier = Warning.objects.filter(deadline=OuterRef("deadline"), raised_at__lt=OuterRef("raised_at"))
    first_warnings = Warning.objects.filter(
        deadline__content_type=case_type, deadline__kind__in=[CASE_CLOCK, PRE_REVIEW_CLOCK]
    ).filter(~Exists(earlier))
    return [
        _part(Case.objects.all(), "submitted_at", F("department_id"), F("item_id"), days, received=_one()),
        _part(Case.objects.all(), "accepted_at", F("department_id"), F("item_id"), days, accepted=_one()),
        _part(
            Case.objects.filter(status=CaseStatus.REFUSED),
            "decided_at",
            F("department_id"),
            F("item_id"),
            days,
            refused=_one(),
        ),
        _part(
            SupplementNotice.objects.all(),
            "issued_at",
            F("case__department_id"),
            F("case__item_id"),
            days,
            supplement_notices=_one(),
        ),
        _part(
            _finished_clocks(),
            "finished_at",
            _unknown(),
            _unknown(),
            days,
            case_ref=F("object_id"),
            finished=_one(),
            finished_on_time=_outcome(Outcome.ON_TIME),
            finished_early=_outcome(Outcome.EARLY),
            finished_late=_outcome(Outcome.LATE),
            start_day=TruncDate("started_at", tzinfo=_local_tz()),
            paused=F("paused_days"),
        ),
        _part(
            first_warnings,
            "raised_at",
            _unknown(),
            _unknown(),
            days,
            case_ref=F("deadline__object_id"),
            warned=_one(),
        ),
    ]


def _working_day_ordinals(days: list[dt.date]) -> list[tuple[dt.date, int]]:
    """(date, working days counted from the earliest start) for every date a finished clock of ``days`` touches.

    The working days a clock ran are then the difference of two ordinals, joined in SQL: the calendar is asked
    once per date, never once per case.
    """
    first, after = _bounds(days)
    earliest = (_finished_clocks().filter(finished_at__gte=first, finished_at__lt=after).aggregate(Min("started_at")))[
        "started_at__min"
    ]
    if earliest is None:
        return []
    origin = timezone.localtime(earliest, _local_tz()).date()
    calendar = get_calendar()
    span = (max(days) - origin).days + 1
    return [
        (origin + dt.timedelta(days=n), calendar.working_days_between(origin, origin + dt.timedelta(days=n)))
        for n in range(span)
    ]


def _insert_sums(parts: list[QuerySet], ordinals: list[tuple[dt.date, int]]) -> int:
    """``INSERT INTO dailycasestat SELECT day, dept, itm, SUM(...) FROM (part UNION ALL part ...) GROUP BY ...``.

    Like ``common.bulk.insert_from_select``, but over a union of querysets with a GROUP BY on top and a join to the
    working-day ordinals, which the ORM cannot express as one queryset.
    """
    alias = router.db_for_write(DailyCaseStat)
    connection = connections[alias]
    quote = connection.ops.quote_name
    selects, params = [], []
    for part in parts:
        sql, part_params = part.query.get_compiler(connection=connection).as_sql()
        selects.append(sql)
        params.extend(part_params)
    # A row that matches nothing keeps VALUES non-empty when no clock finished.
    ordinals = ordinals or [(dt.date(1900, 1, 1), 0)]
    values = ", ".join(["(%s, %s)"] * len(ordinals))
    ordinal_params = [value for pair in ordinals for value in pair]
    meta = DailyCaseStat._meta
    target = ["day", "department", "item", *COUNTERS, "working_days_total"]
    columns = ", ".join(quote(meta.get_field(name).column) for name in target)
    sums = ", ".join(f"SUM(parts.{quote(name)})" for name in COUNTERS)
    ran = f"(finish.column2 - start.column2 - parts.{quote('paused')})"
    working = f"SUM(CASE WHEN parts.{quote('start_day')} IS NULL OR {ran} < 0 THEN 0 ELSE {ran} END)"
    case_table = quote(Case._meta.db_table)
    dept = f"COALESCE(parts.{quote('dept')}, cases.{quote('department_id')})"
    item = f"COALESCE(parts.{quote('itm')}, cases.{quote('item_id')})"
    keys = f"parts.{quote('day')}, {dept}, {item}"
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "
        f"SELECT {keys}, {sums}, {working} FROM ({' UNION ALL '.join(selects)}) AS parts "
        f"LEFT JOIN {case_table} AS cases ON cases.{quote('id')} = parts.{quote('case_ref')} "
        f"LEFT JOIN (VALUES {values}) AS finish ON finish.column1 = parts.{quote('day')} "
        f"LEFT JOIN (VALUES {values}) AS start ON start.column1 = parts.{quote('start_day')} "
        f"WHERE {dept} IS NOT NULL AND {item} IS NOT NULL "
        f"GROUP BY {keys}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ordinal_params, *ordinal_params])
        return max(cursor.rowcount, 0)


def _months_of(days: list[dt.date]) -> list[dt.date]:
    return sorted({day.replace(day=1) for day in days})


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def rebuild_monthly_stats(months: Iterable[dt.date]) -> int:
    """Rebuild the MonthlyCaseStat rows of ``months`` (any day of each) from the daily rows; returns rows written."""
    months = sorted({month.replace(day=1) for month in months})
    if not months:
        return 0
    with transaction.atomic():
        MonthlyCaseStat.objects.filter(month__in=months).delete()
        written = 0
        # One statement per run of consecutive months (usually one), each a range scan of the daily rows.
        runs: list[list[dt.date]] = []
        for month in months:
            if runs and _next_month(runs[-1][-1]) == month:
                runs[-1].append(month)
            else:
                runs.append([month])
        for run in runs:
            source = (
                DailyCaseStat.objects.filter(day__gte=run[0], day__lt=_next_month(run[-1]))
                .annotate(month=TruncMonth("day"))
                .values("department", "item", "month")
                .annotate(**{name: Sum(name) for name in [*COUNTERS, "working_days_total"]})
                .order_by()
            )
            fields = ["department", "item", "month", *COUNTERS, "working_days_total"]
            written += insert_from_select(MonthlyCaseStat, fields, source)
    return written


def default_days(now: dt.datetime | None = None) -> list[dt.date]:
    today = timezone.localdate(now or timezone.now())
    return [today - dt.timedelta(days=1), today]


def refresh_daily_stats(days: Iterable[dt.date] | None = None) -> int:
    """Recompute the daily figures of ``days`` (local dates; default yesterday and today) and the monthly sums of
    their months; returns the daily rows written.

    Idempotent: the rows of those days are deleted and rebuilt in one transaction, so readers see the old or the
    new figures, never a half.
    """
    days = sorted(set(days)) if days is not None else default_days()
    if not days:
        return 0
    with transaction.atomic():
        if _is_contiguous(days):
            DailyCaseStat.objects.filter(day__gte=days[0], day__lte=days[-1]).delete()
        else:
            DailyCaseStat.objects.filter(day__in=days).delete()
        written = _insert_sums(_parts(days), _working_day_ordinals(days))
        rebuild_monthly_stats(_months_of(days))
    return written
