"""Complaint statistics (issue item 8): received, accepted, concluded (on time), 办结率, upheld rate and
satisfaction — the complainants' feedback on the handling and the service ratings (好差评) — by category,
department and month, for the statistics page, its charts and Excel export, and the API.

Complaint figures count the complaints *received* in the period (so a row's rates compare like with like):
- accepted: accepted at some point (declined and transferred ones are not);
- concluded: a finding was recorded; on time: a conclusion clock finished early or on time;
- completion rate (办结率) = concluded / accepted; upheld rate = upheld or partly upheld / concluded;
- feedback: the complainant rated the handling; satisfied: rated 基本满意 or better (3–5 of 5);
  satisfaction rate = satisfied / rated.
Service ratings count the ratings *given* in the period that were not set aside on appeal; their score is the mean
of ``RATINGS_SCORES`` (0–100). They belong to a department and a month but to no complaint category.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth

from complaints.models import Complaint
from complaints.models.complaints import UPHELD_FINDINGS
from complaints.services.common import CONCLUDE_CLOCK, REOPEN_CLOCK
from efficiency_portal.supervision.models import Deadline

from .figures import _score_expression, _span, ratings_between

SATISFIED_FROM = 3  # 基本满意 and better, as the complainant's rating closes the complaint from this level on

COMPLAINT_KEYS = ("received", "accepted", "concluded", "on_time", "upheld", "rated", "satisfied")
RATING_KEYS = ("rating_count", "rating_bad", "rating_points")


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    for key in (*COMPLAINT_KEYS, *RATING_KEYS):
        row[key] = row.get(key) or 0
    row["completion_rate"] = _percent(row["concluded"], row["accepted"])
    row["upheld_rate"] = _percent(row["upheld"], row["concluded"])
    row["on_time_rate"] = _percent(row["on_time"], row["concluded"])
    row["satisfaction_rate"] = _percent(row["satisfied"], row["rated"])
    row["rating_score"] = round(row["rating_points"] / row["rating_count"], 1) if row["rating_count"] else None
    del row["rating_points"]
    return row


def complaint_stats(start: dt.date, end: dt.date) -> dict[str, Any]:
    """Totals and rows by category, department and month; a fixed number of queries whatever the data."""
    low, high = _span(start, end)
    on_time = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint),
        object_id=OuterRef("pk"),
        kind__in=(CONCLUDE_CLOCK, REOPEN_CLOCK),
        outcome__in=("early", "on_time"),
    )
    complaint_figures = {
        "received": Count("pk"),
        "accepted": Count("pk", filter=Q(accepted_at__isnull=False)),
        "concluded": Count("pk", filter=Q(concluded_at__isnull=False)),
        "on_time": Count("pk", filter=Q(Exists(on_time), concluded_at__isnull=False)),
        "upheld": Count("pk", filter=Q(finding__in=UPHELD_FINDINGS)),
        "rated": Count("pk", filter=Q(feedback_level__isnull=False)),
        "satisfied": Count("pk", filter=Q(feedback_level__gte=SATISFIED_FROM)),
    }
    rating_figures = {
        "rating_count": Count("pk"),
        "rating_bad": Count("pk", filter=Q(level__lte=2)),
        "rating_points": Sum(_score_expression()),
    }
    complaints = Complaint.objects.filter(received_at__gte=low, received_at__lt=high).order_by()
    ratings = ratings_between(start, end).order_by()

    total = {**complaints.aggregate(**complaint_figures), **ratings.aggregate(**rating_figures)}

    by_category = [
        _rates(row) for row in complaints.values("category").annotate(**complaint_figures).order_by("category")
    ]

    departments: dict[int, dict[str, Any]] = {}
    for row in complaints.values("department_id", name=F("department__name")).annotate(**complaint_figures):
        departments[row["department_id"]] = row
    for row in ratings.values("department_id", name=F("department__name")).annotate(**rating_figures):
        departments.setdefault(row["department_id"], {"department_id": row["department_id"]}).update(row)
    by_department = sorted(
        (_rates(row) for row in departments.values()), key=lambda row: (row["name"], row["department_id"])
    )

    months: dict[Any, dict[str, Any]] = {}
    for row in complaints.annotate(month=TruncMonth("received_at")).values("month").annotate(**complaint_figures):
        months[row["month"]] = row
    for row in ratings.annotate(month=TruncMonth("rated_at")).values("month").annotate(**rating_figures):
        months.setdefault(row["month"], {"month": row["month"]}).update(row)
    by_month = [_rates(months[month]) for month in sorted(months)]

    return {"total": _rates(total), "by_category": by_category, "by_department": by_department, "by_month": by_month}
