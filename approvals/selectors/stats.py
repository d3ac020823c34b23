"""Figures read from the pre-aggregated rows only (never from the cases): by department, by item, by month.

A period's whole months come from MonthlyCaseStat and its partial months from DailyCaseStat, so the work is bounded
by months × items and does not grow with the number of cases.

Rates are Decimal percentages with one decimal, ``None`` when their base is 0:

- 按时办结率 on-time rate: (finished on time + finished early) / finished
- 提前办结率 early rate: finished early / finished
- 超期率 late rate: finished late / finished
- 预警率 warning rate: clocks first warned / clocks started (a case starts a pre-review clock when received and a
  case clock when accepted, so the base is received + accepted)
- 补正率 supplement rate: notices of missing materials / received
- 不予受理率 refusal rate: not accepted / received
- average working days: working days used / finished (one decimal)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from approvals.models import DailyCaseStat, Item
from approvals.models.stats import MonthlyCaseStat
from efficiency_portal.org.models import Department, Role
from efficiency_portal.org.roles import has_role, is_supervisor
from efficiency_portal.supervision.selectors import supervised_departments

COUNT_FIELDS = [
    "received",
    "accepted",
    "refused",
    "supplement_notices",
    "finished",
    "finished_on_time",
    "finished_early",
    "finished_late",
    "warned",
    "working_days_total",
]
ONE_DECIMAL = Decimal("0.1")


def percent(part: int, base: int) -> Decimal | None:
    if not base:
        return None
    return (Decimal(part) * 100 / Decimal(base)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """Summed counters of some DailyCaseStat rows and the rates derived from them."""

    label: str = ""
    key: object = None
    received: int = 0
    accepted: int = 0
    refused: int = 0
    supplement_notices: int = 0
    finished: int = 0
    finished_on_time: int = 0
    finished_early: int = 0
    finished_late: int = 0
    warned: int = 0
    working_days_total: int = 0

    @classmethod
    def from_row(cls, row: dict, label: str = "", key: object = None) -> Figures:
        return cls(label=label, key=key, **{name: row.get(name) or 0 for name in COUNT_FIELDS})

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.finished_on_time + self.finished_early, self.finished)

    @property
    def early_rate(self) -> Decimal | None:
        return percent(self.finished_early, self.finished)

    @property
    def late_rate(self) -> Decimal | None:
        return percent(self.finished_late, self.finished)

    @property
    def warning_rate(self) -> Decimal | None:
        return percent(self.warned, self.received + self.accepted)

    @property
    def supplement_rate(self) -> Decimal | None:
        return percent(self.supplement_notices, self.received)

    @property
    def refusal_rate(self) -> Decimal | None:
        return percent(self.refused, self.received)

    @property
    def average_working_days(self) -> Decimal | None:
        if not self.finished:
            return None
        return (Decimal(self.working_days_total) / Decimal(self.finished)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def _sums() -> dict:
    return {name: Sum(name) for name in COUNT_FIELDS}


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _sources(start: dt.date, end: dt.date) -> list[tuple[QuerySet, str]]:
    """Querysets covering [start, end]: whole months from MonthlyCaseStat, the partial edges from DailyCaseStat.

    Each comes with the name of its date column. At most two queries, whatever the period's length.
    """
    first_whole = start if start.day == 1 else _next_month(start)
    after_end = end + dt.timedelta(days=1)
    after_whole = after_end.replace(day=1)
    if first_whole >= after_whole:
        return [(DailyCaseStat.objects.filter(day__gte=start, day__lte=end), "day")]
    sources: list[tuple[QuerySet, str]] = [
        (MonthlyCaseStat.objects.filter(month__gte=first_whole, month__lt=after_whole), "month")
    ]
    edges = Q(pk__in=[])
    if start < first_whole:
        edges |= Q(day__gte=start, day__lt=first_whole)
    if after_whole < after_end:
        edges |= Q(day__gte=after_whole, day__lte=end)
    if start < first_whole or after_whole < after_end:
        sources.append((DailyCaseStat.objects.filter(edges), "day"))
    return sources


def _summed(start: dt.date, end: dt.date, group: str | None = None, **filters) -> dict:
    """Counters summed over the period, per ``group`` (a column, or "month"), or in total under the key None."""
    result: dict = {}
    for queryset, date_column in _sources(start, end):
        rows = queryset.filter(**filters).order_by()
        if group is None:
            grouped = [{"key": None, **rows.aggregate(**_sums())}]
        elif group == "month":
            key = TruncMonth(date_column) if date_column == "day" else F("month")
            grouped = rows.annotate(key=key).values("key").annotate(**_sums())
        else:
            grouped = rows.annotate(key=F(group)).values("key").annotate(**_sums())
        for row in grouped:
            key = _as_month(row["key"]) if group == "month" else row["key"]
            target = result.setdefault(key, dict.fromkeys(COUNT_FIELDS, 0))
            for name in COUNT_FIELDS:
                target[name] += row[name] or 0
    return result


def _as_month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def statistics_departments(user) -> QuerySet[Department]:
    """Departments whose figures ``user`` may read: all for supervisors and leaders, else those they head or lead."""
    if not user.is_authenticated:
        return Department.objects.none()
    if is_supervisor(user) or has_role(user, Role.LEADER):
        return Department.objects.filter(is_active=True)
    return supervised_departments(user).filter(is_active=True)


def may_read_statistics(user) -> bool:
    if not user.is_authenticated:
        return False
    if is_supervisor(user) or has_role(user, Role.LEADER):
        return True
    return has_role(user, Role.DEPARTMENT_HEAD) and supervised_departments(user).exists()


def figures_by_department(start: dt.date, end: dt.date, departments: QuerySet[Department]) -> list[Figures]:
    """One row per department of ``departments`` (those without figures too), in the usual order."""
    sums = _summed(start, end, "department_id", department__in=departments)
    return [
        Figures.from_row(sums.get(department.pk, {}), label=department.name, key=department.code)
        for department in departments.order_by("sort_order", "name").only("id", "code", "name")
    ]


def total(rows: list[Figures], label: str = "") -> Figures:
    result = Figures(label=label)
    for row in rows:
        for name in COUNT_FIELDS:
            setattr(result, name, getattr(result, name) + getattr(row, name))
    return result


def department_figures(department: Department, start: dt.date, end: dt.date) -> Figures:
    row = _summed(start, end, None, department=department).get(None, {})
    return Figures.from_row(row, label=department.name, key=department.code)


def figures_by_item(department: Department, start: dt.date, end: dt.date) -> list[Figures]:
    """One row per item of ``department`` that has figures in the period or is published."""
    sums = _summed(start, end, "item_id", department=department)
    items = Item.objects.filter(department=department).only("id", "code", "name", "is_published").order_by("name")
    return [
        Figures.from_row(sums.get(item.pk, {}), label=item.name, key=item.code)
        for item in items
        if item.pk in sums or item.is_published
    ]


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    months, current = [], month_start(start)
    while current <= end:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


def monthly_trend(
    department: Department | None, start: dt.date, end: dt.date, *, departments: QuerySet[Department] | None = None
) -> list[Figures]:
    """One row per month from ``start`` to ``end`` (empty months included), for one department, the sum of
    ``departments`` (in the same grouped queries, whatever their number) or all."""
    filters: dict = {"department": department} if department is not None else {}
    if departments is not None:
        filters["department__in"] = departments.order_by()
    sums = _summed(start, end, "month", **filters)
    return [
        Figures.from_row(sums.get(month, {}), label=f"{month:%Y-%m}", key=month) for month in months_between(start, end)
    ]
