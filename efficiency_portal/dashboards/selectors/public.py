"""The public disclosure pages (政务公开): per department, figures and lists without any personal data.

What a citizen reads: the items the department handles, its monthly on-time rate and satisfaction over twelve
months, complaints received and concluded by category, the assessment results of the department itself (never a
person's), a link to its away-notice board, and the public commitments it leads or takes part in. Names, phone
numbers and comments of people are never read here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

import assessment.selectors as assessment_selectors
import complaints.selectors as complaints_selectors
from approvals.selectors import catalogue, stats
from efficiency_portal.org.models import Department
from efficiency_portal.supervised_tasks.selectors import public_commitments

from .figures import trend_start
from .links import url_or_none

MAX_ITEMS = 200


def public_departments() -> QuerySet[Department]:
    return (
        Department.objects.filter(is_active=True)
        .exclude(kind=Department.Kind.WINDOW)
        .only("id", "code", "name", "kind", "parent_id", "address", "sort_order")
        .order_by("sort_order", "name")
    )


def public_department(code: str) -> Department | None:
    return public_departments().filter(code=code).first()


@dataclass
class DepartmentLine:
    """One department on the disclosure index: its figures of the last complete month."""

    code: str
    name: str
    finished: int
    on_time_rate: Decimal | None
    ratings: int
    satisfaction: Decimal | None


def _public_figures(figures: stats.Figures, score) -> dict:
    """What the public pages show of a department's period: finished cases, on-time rate, ratings, satisfaction."""
    return {
        "finished": figures.finished,
        "on_time_rate": figures.on_time_rate,
        "ratings": score.count if score else 0,
        "satisfaction": score.score if score else None,
    }


def last_complete_month(on: dt.date) -> tuple[dt.date, dt.date]:
    end = on.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def department_lines(on: dt.date) -> list[DepartmentLine]:
    """Every public department with the last complete month's finished cases, on-time rate and satisfaction: a
    month so far would compare a department's first days with another's whole month. Four queries, whatever the
    number of departments or cases."""
    start, end = last_complete_month(on)
    departments = public_departments()
    figures_of = {row.key: row for row in stats.figures_by_department(start, end, departments)}
    scores = complaints_selectors.satisfaction(start, end, by="department")
    lines = []
    for department in departments:
        figures, score = figures_of[department.code], scores.get(department.pk)
        lines.append(DepartmentLine(code=department.code, name=department.name, **_public_figures(figures, score)))
    return lines


@dataclass
class MonthRow:
    label: str
    received: int
    finished: int
    on_time_rate: Decimal | None
    ratings: int
    satisfaction: Decimal | None


def _month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def monthly_rows(department: Department, on: dt.date) -> list[MonthRow]:
    """Twelve months: on-time rate from the pre-aggregated figures, satisfaction from the ratings (one query a
    month: twelve in all, whatever the data)."""
    rows = []
    for figures in stats.monthly_trend(department, trend_start(on), on):
        month = figures.key
        score = complaints_selectors.satisfaction(month, min(_month_end(month), on), by="department").get(department.pk)
        rows.append(MonthRow(label=figures.label, received=figures.received, **_public_figures(figures, score)))
    return rows


def department_results(department: Department) -> list[dict]:
    """Published assessment results of the department as a unit: period, rank, grade. Never a person's."""
    results = assessment_selectors.published_results(department=department).filter(staff__isnull=True)[:12]
    return [
        {"period": str(result.period), "rank": result.rank, "grade": str(result.grade_display)} for result in results
    ]


def commitments(department: Department) -> list[dict]:
    return [
        {
            "title": task.title,
            "description": task.description,
            "lead_department": task.lead_department.name,
            "status": task.get_status_display(),
            "progress": task.progress,
            "note": task.public_progress_note,
            "due": task.due_at,
            "closed_at": task.closed_at,
        }
        for task in public_commitments(department)
    ]


def months_chart(rows: list[MonthRow]) -> dict:
    """The chart's data (drawn by static/portal/charts.js): finished cases as bars, on-time rate and satisfaction
    (both 0-100) as lines."""

    def rate(value: Decimal | None) -> float | None:
        return float(value) if value is not None else None

    return {
        "labels": [row.label for row in rows],
        "series": [
            {"label": str(_("Finished")), "axis": "count", "data": [row.finished for row in rows]},
            {"label": str(_("On-time rate (%)")), "axis": "rate", "data": [rate(r.on_time_rate) for r in rows]},
            {"label": str(_("Satisfaction (0-100)")), "axis": "rate", "data": [rate(r.satisfaction) for r in rows]},
        ],
    }


def department_page(department: Department, on: dt.date) -> dict:
    year_start = on.replace(month=1, day=1)
    items = list(catalogue.search_items("", department=department)[:MAX_ITEMS])
    months = monthly_rows(department, on)
    return {
        "department": department,
        "on": on,
        "items": [{"code": item.code, "name": item.name} for item in items],
        "months": months,
        "chart": months_chart(months),
        "complaints": complaints_selectors.public_counts(year_start, on, department_id=department.pk),
        "results": department_results(department),
        "commitments": commitments(department),
        "board_url": url_or_none("org:department_board", department.code),
        # The figures and complaints above are the department's own; each unit below has a page of its own.
        "units": list(public_departments().filter(parent=department).values("code", "name")),
        "year_start": year_start,
    }


def city_commitments() -> list[dict]:
    return [
        {
            "title": task.title,
            "description": task.description,
            "lead_department": task.lead_department.name,
            "lead_code": task.lead_department.code,
            "status": task.get_status_display(),
            "progress": task.progress,
            "note": task.public_progress_note,
            "due": task.due_at,
        }
        for task in public_commitments()
    ]
