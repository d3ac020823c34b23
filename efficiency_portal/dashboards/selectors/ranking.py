"""The ranking of departments and the trend chart's data, from the figures of ``figures``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

import complaints.selectors as complaints_selectors
from approvals.selectors import stats

from .scope import scope_departments


@dataclass
class RankRow:
    rank: int
    department_id: int
    code: str
    name: str
    finished: int
    on_time_rate: Decimal | None
    late_rate: Decimal | None
    ratings: int
    satisfaction: Decimal | None


def ranking(
    department_ids: set[int] | None, start: dt.date, end: dt.date, rows: list[stats.Figures] | None = None
) -> list[RankRow]:
    """Departments by on-time rate (highest first), then satisfaction; departments without finished cases last."""
    departments = list(scope_departments(department_ids).values("pk", "code", "name"))
    if rows is None:
        rows = stats.figures_by_department(start, end, scope_departments(department_ids))
    by_code = {row.key: row for row in rows}
    scores = complaints_selectors.satisfaction(start, end, by="department")
    result = []
    for department in departments:
        figures = by_code.get(department["code"]) or stats.Figures()
        score = scores.get(department["pk"])
        result.append(
            RankRow(
                rank=0,
                department_id=department["pk"],
                code=department["code"],
                name=department["name"],
                finished=figures.finished,
                on_time_rate=figures.on_time_rate,
                late_rate=figures.late_rate,
                ratings=score.count if score else 0,
                satisfaction=score.score if score else None,
            )
        )
    result.sort(
        key=lambda r: (
            r.on_time_rate is None,
            -(r.on_time_rate or 0),
            r.satisfaction is None,
            -(r.satisfaction or 0),
            r.name,
        )
    )
    for position, row in enumerate(result, start=1):
        row.rank = position
    return result


def trend_chart(rows: list[stats.Figures]) -> dict:
    return {
        "labels": [row.label for row in rows],
        "series": [
            {"label": str(_("Received")), "axis": "count", "data": [row.received for row in rows]},
            {"label": str(_("Finished")), "axis": "count", "data": [row.finished for row in rows]},
            {
                "label": str(_("On-time rate (%)")),
                "axis": "rate",
                "data": [float(row.on_time_rate) if row.on_time_rate is not None else None for row in rows],
            },
        ],
    }
