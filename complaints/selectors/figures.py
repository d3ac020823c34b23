"""Figures other apps read (assessment, credit pages, dashboards, disclosure): the contracted selectors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from complaints.models import (
    AppealStatus,
    Category,
    Complaint,
    ComplaintFinding,
    ComplaintSanction,
    ComplaintStatus,
    RectificationOrder,
    RectificationStatus,
    ServiceRating,
)
from complaints.models.complaints import OPEN_STATES, UPHELD_FINDINGS
from efficiency_portal.supervision.models import Deadline, DeadlineStatus, Light
from efficiency_portal.workdays.calendar import local_date


def _span(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in local time: both days count."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _check_by(by: str) -> None:
    if by not in ("staff", "department"):
        raise ValueError("by must be 'staff' or 'department'")


def upheld_between(start: dt.date, end: dt.date, *, staff=None, department=None) -> QuerySet[ComplaintFinding]:
    """Complaints found 属实/部分属实 in [start, end], about ``staff`` or ``department``. Each links to its
    finding page, which the civil servant or department concerned may open (the complainant stays hidden)."""
    low, high = _span(start, end)
    rows = ComplaintFinding.objects.filter(finding__in=UPHELD_FINDINGS, concluded_at__gte=low, concluded_at__lt=high)
    if staff is not None:
        rows = rows.filter(staff=staff)
    if department is not None:
        rows = rows.filter(department=department)
    return rows.order_by("concluded_at", "pk")


def upheld_counts(start: dt.date, end: dt.date, *, by: str) -> dict[int, int]:
    _check_by(by)
    rows = upheld_between(start, end).order_by()
    field = "staff_id" if by == "staff" else "department_id"
    rows = rows.exclude(**{f"{field}__isnull": True}).values(field).annotate(n=Count("pk"))
    return {row[field]: row["n"] for row in rows}


def upheld_findings(start: dt.date, end: dt.date, *, by: str) -> dict[int, list[ComplaintFinding]]:
    """Staff or department id → its upheld findings in [start, end] (as :func:`upheld_between`), in one query."""
    _check_by(by)
    field = "staff_id" if by == "staff" else "department_id"
    grouped: dict[int, list[ComplaintFinding]] = {}
    for row in upheld_between(start, end).exclude(**{f"{field}__isnull": True}):
        grouped.setdefault(getattr(row, field), []).append(row)
    return grouped


def sanction_counts(start: dt.date, end: dt.date, *, sanction: str) -> dict[int, int]:
    """Staff id → how many times the sanction was decided on them in [start, end]."""
    low, high = _span(start, end)
    rows = (
        ComplaintSanction.objects.active()
        .filter(sanction=sanction, staff__isnull=False, decided_at__gte=low, decided_at__lt=high)
        .values("staff_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["staff_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class Satisfaction:
    count: int
    score: Decimal


def ratings_between(start: dt.date, end: dt.date, *, staff=None, department=None) -> QuerySet[ServiceRating]:
    """Ratings given in [start, end] that count (not set aside on appeal)."""
    low, high = _span(start, end)
    rows = ServiceRating.objects.filter(rated_at__gte=low, rated_at__lt=high).exclude(appeal_status=AppealStatus.UPHELD)
    if staff is not None:
        rows = rows.filter(handler=staff)
    if department is not None:
        rows = rows.filter(department=department)
    return rows.order_by("rated_at", "pk")


def _score_expression():
    scores = settings.RATINGS_SCORES
    return SqlCase(
        *[When(level=level, then=Value(points)) for level, points in scores.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def satisfaction(start: dt.date, end: dt.date, *, by: str) -> dict[int, Satisfaction]:
    """Per staff (handler) or department: how many ratings and the mean score on 0–100 (two decimals)."""
    _check_by(by)
    field = "handler_id" if by == "staff" else "department_id"
    rows = (
        ratings_between(start, end)
        .order_by()
        .exclude(**{f"{field}__isnull": True})
        .values(field)
        .annotate(n=Count("pk"), points=Sum(_score_expression()))
    )
    result = {}
    for row in rows:
        score = (Decimal(row["points"] or 0) / row["n"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        result[row[field]] = Satisfaction(count=row["n"], score=score)
    return result


# Rectification orders still being worked on (not closed, not set aside).
OPEN_ORDER_STATES = (RectificationStatus.OPEN, RectificationStatus.CONTACTED, RectificationStatus.RECTIFIED)


def overdue_clocks(model, on: dt.date) -> QuerySet[Deadline]:
    """The running clocks of ``model`` (Complaint or RectificationOrder) that count as overdue on ``on``: red, or
    due before that day began. The dashboard's figures and the drill-down lists both read this one definition."""
    low, _high = _span(on, on)
    return (
        Deadline.objects.filter(content_type=ContentType.objects.get_for_model(model))
        .exclude(status=DeadlineStatus.FINISHED)
        .filter(Q(light=Light.RED) | Q(due_at__lt=low))
    )


def dashboard_counts(on: dt.date) -> dict[str, int]:
    """City-wide figures of the command centre; ``complaints:work_list?state=awaiting|open|overdue`` and
    ``complaints:rectification_list?state=open|overdue`` list exactly the rows counted here."""
    complaints = Complaint.objects.aggregate(
        awaiting_acceptance=Count("pk", filter=Q(status=ComplaintStatus.SUBMITTED)),
        open=Count("pk", filter=Q(status__in=OPEN_STATES)),
    )
    overdue_complaints = overdue_clocks(Complaint, on).values("object_id").distinct().count()
    orders = RectificationOrder.objects.aggregate(open=Count("pk", filter=Q(status__in=OPEN_ORDER_STATES)))
    overdue_orders = overdue_clocks(RectificationOrder, on).values("object_id").distinct().count()
    return {
        "awaiting_acceptance": complaints["awaiting_acceptance"],
        "open": complaints["open"],
        "overdue": overdue_complaints,
        "rectifications_open": orders["open"],
        "rectifications_overdue": overdue_orders,
    }


def public_counts(start: dt.date, end: dt.date, *, department_id: int | None = None) -> list[dict]:
    """Per category: complaints received and concluded in [start, end]; no personal data."""
    low, high = _span(start, end)
    base = Complaint.objects.all()
    if department_id is not None:
        base = base.filter(department_id=department_id)
    received = dict(
        base.filter(received_at__gte=low, received_at__lt=high)
        .values_list("category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    concluded = dict(
        base.filter(concluded_at__gte=low, concluded_at__lt=high)
        .values_list("category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        {
            "category": value,
            "label": str(label),
            "received": received.get(value, 0),
            "concluded": concluded.get(value, 0),
        }
        for value, label in Category.choices
    ]


def today() -> dt.date:
    return local_date(timezone.now())
