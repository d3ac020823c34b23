"""Lists for the pages and the API: the supervisors' work list (keyset pages, one query a page), the department's
queue (no identity), ratings and rectification orders, and the statistics."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from complaints.models import (
    Complaint,
    ComplaintSanction,
    ComplaintStatus,
    RectificationOrder,
    RectificationStatus,
    Sanction,
    ServiceRating,
)
from complaints.models.complaints import UPHELD_FINDINGS
from complaints.services.common import ACCEPT_CLOCK, CONCLUDE_CLOCK, CONTACT_CLOCK, RECTIFY_CLOCK, REOPEN_CLOCK
from efficiency_portal.org.models import Staff
from efficiency_portal.supervision.models import Deadline, DeadlineStatus

from .access import department_scope, headed_scope
from .figures import _score_expression, _span

PAGE_SIZE = 50


def _clock(model, kinds, field: str) -> Subquery:
    rows = (
        Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=OuterRef("pk"), kind__in=kinds
        )
        .exclude(status=DeadlineStatus.FINISHED)
        .order_by("due_at")
        .values(field)[:1]
    )
    return Subquery(rows)


def with_clock(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    kinds = (ACCEPT_CLOCK, CONCLUDE_CLOCK, REOPEN_CLOCK)
    return queryset.annotate(
        clock_light=_clock(Complaint, kinds, "light"),
        clock_due=_clock(Complaint, kinds, "due_at"),
    )


def work_list(filters: Mapping[str, Any] | None = None) -> QuerySet[Complaint]:
    """Every complaint for supervisors, newest first, with the running clock; filters from the query string."""
    filters = filters or {}
    rows = Complaint.objects.select_related("department", "staff", "handler", "investigating_department")
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("category"):
        rows = rows.filter(category=filters["category"])
    if filters.get("department"):
        rows = rows.filter(department_id=filters["department"])
    if filters.get("channel"):
        rows = rows.filter(channel=filters["channel"])
    if filters.get("q"):
        rows = rows.filter(tracking_code__iexact=str(filters["q"]).strip())
    rows = with_clock(rows)
    if filters.get("light"):
        rows = rows.filter(clock_light=filters["light"])
    return rows.order_by("-received_at", "-pk")


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str | None


def encode_cursor(row: Complaint) -> str:
    return base64.urlsafe_b64encode(f"{row.received_at.isoformat()}|{row.pk}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[dt.datetime, int] | None:
    if not cursor:
        return None
    try:
        moment, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        parsed = parse_datetime(moment)
        if parsed is None:
            return None
        return parsed, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def page(queryset: QuerySet[Complaint], cursor: str | None, size: int = PAGE_SIZE) -> Page:
    """Keyset page on (received_at, id) descending: the cost of a page does not grow with its depth."""
    position = decode_cursor(cursor)
    if position is not None:
        moment, pk = position
        queryset = queryset.filter(Q(received_at__lt=moment) | Q(received_at=moment, pk__lt=pk))
    rows = list(queryset[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, encode_cursor(rows[-1]) if more and rows else None)


def department_queue(user) -> QuerySet[Complaint]:
    """Complaints handed to the departments ``user`` heads: what they are about, never who complained."""
    scope = headed_scope(user)
    return (
        with_clock(Complaint.objects.filter(investigating_department_id__in=scope))
        .select_related("department", "staff", "investigating_department")
        .only(
            "pk",
            "tracking_code",
            "category",
            "status",
            "received_at",
            "description",
            "department__name",
            "staff__name",
            "investigating_department__name",
        )
        .order_by("-received_at", "-pk")
    )


def complainant_complaints(user) -> QuerySet[Complaint]:
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    return Complaint.objects.filter(complainant=user).select_related("department").order_by("-received_at", "-pk")


def sanction_history(staff_ids, *, on: dt.date | None = None) -> dict[int, dict[str, int]]:
    """Per staff id: sanctions in the last 12 months by kind (a constant number of queries)."""
    on = on or timezone.localdate()
    low, high = _span(on - dt.timedelta(days=365), on)
    rows = (
        ComplaintSanction.objects.filter(staff_id__in=list(staff_ids), decided_at__gte=low, decided_at__lt=high)
        .values("staff_id", "sanction")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        result.setdefault(row["staff_id"], {})[row["sanction"]] = row["n"]
    return result


def caution_flagged(history: Mapping[str, int]) -> bool:
    """Two 效能告诫 within 12 months are flagged (the number is a setting)."""
    return history.get(Sanction.EFFICIENCY_CAUTION, 0) >= settings.COMPLAINTS_CAUTION_FLAG_COUNT


@dataclass(frozen=True)
class PersonHistory:
    """One civil servant's sanctions of the last 12 months, by label, for the office's complaint page."""

    staff: Staff
    counts: list[tuple[str, int]]
    cautions: int
    flagged: bool


def person_histories(people: Iterable[Staff], *, on: dt.date | None = None) -> list[PersonHistory]:
    """For each person (once, in the order given): the 12-month counts under their sanctions' labels, in the
    order of :class:`Sanction`, and whether the 效能告诫 flag is raised. One query whatever the number."""
    unique = list({person.pk: person for person in people if person is not None}.values())
    history = sanction_history([person.pk for person in unique], on=on)
    result = []
    for person in unique:
        counts = history.get(person.pk, {})
        result.append(
            PersonHistory(
                staff=person,
                counts=[(str(label), counts[code]) for code, label in Sanction.choices if counts.get(code)],
                cautions=counts.get(Sanction.EFFICIENCY_CAUTION, 0),
                flagged=caution_flagged(counts),
            )
        )
    return result


# --- ratings and rectification ------------------------------------------------------------------------------------


def rating_list(filters: Mapping[str, Any] | None = None, *, user=None) -> QuerySet[ServiceRating]:
    filters = filters or {}
    rows = ServiceRating.objects.select_related("department", "handler", "case")
    if user is not None and not _sees_all(user):
        rows = rows.filter(department_id__in=department_scope(user))
    if filters.get("department"):
        rows = rows.filter(department_id=filters["department"])
    if filters.get("level"):
        rows = rows.filter(level=filters["level"])
    if filters.get("subject"):
        rows = rows.filter(subject=filters["subject"])
    if filters.get("appeal"):
        rows = rows.filter(appeal_status=filters["appeal"])
    return rows.order_by("-rated_at", "-pk")


def _sees_all(user) -> bool:
    from efficiency_portal.org.models import Role
    from efficiency_portal.org.roles import has_role

    return has_role(user, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.LEADER)


def rating_stats(queryset: QuerySet[ServiceRating]) -> list[dict]:
    """Per department: count, bad ones, and the satisfaction score (0–100), one query."""
    rows = (
        queryset.order_by()
        .values("department_id", name=F("department__name"))
        .annotate(
            n=Count("pk"),
            bad=Count("pk", filter=Q(level__lte=2)),
            points=Sum(_score_expression()),
        )
        .order_by("name")
    )
    return [{**row, "score": round((row["points"] or 0) / row["n"], 1) if row["n"] else None} for row in rows]


def rectification_list(user) -> QuerySet[RectificationOrder]:
    from efficiency_portal.org.roles import is_supervisor

    rows = RectificationOrder.objects.select_related("department", "rating", "rating__handler")
    if not is_supervisor(user):
        rows = rows.filter(department_id__in=department_scope(user))
    kinds = (CONTACT_CLOCK, RECTIFY_CLOCK)
    return rows.annotate(
        clock_light=_clock(RectificationOrder, kinds, "light"), clock_due=_clock(RectificationOrder, kinds, "due_at")
    ).order_by(F("clock_due").asc(nulls_last=True), "-opened_at", "-pk")


OPEN_ORDER_STATES = (RectificationStatus.OPEN, RectificationStatus.CONTACTED, RectificationStatus.RECTIFIED)


# --- statistics ---------------------------------------------------------------------------------------------------


def complaint_stats(start: dt.date, end: dt.date) -> dict[str, Any]:
    """Received, accepted, concluded (on time), 办结率, upheld rate: by category, department and month."""
    low, high = _span(start, end)
    received = Complaint.objects.filter(received_at__gte=low, received_at__lt=high)
    complaint_type = ContentType.objects.get_for_model(Complaint)
    on_time = Deadline.objects.filter(
        content_type=complaint_type,
        object_id=OuterRef("pk"),
        kind__in=(CONCLUDE_CLOCK, REOPEN_CLOCK),
        outcome__in=("early", "on_time"),
    )
    from django.db.models import Exists

    aggregates = {
        "received": Count("pk"),
        "accepted": Count("pk", filter=Q(accepted_at__isnull=False)),
        "concluded": Count("pk", filter=Q(concluded_at__isnull=False)),
        "on_time": Count("pk", filter=Q(Exists(on_time), concluded_at__isnull=False)),
        "upheld": Count("pk", filter=Q(finding__in=UPHELD_FINDINGS)),
    }
    base = received.order_by()

    def rates(row: dict) -> dict:
        accepted = row["accepted"] or 0
        row["completion_rate"] = round(100 * row["concluded"] / accepted, 1) if accepted else None
        row["upheld_rate"] = round(100 * row["upheld"] / row["concluded"], 1) if row["concluded"] else None
        row["on_time_rate"] = round(100 * row["on_time"] / row["concluded"], 1) if row["concluded"] else None
        return row

    total = rates(base.aggregate(**aggregates))
    by_category = [rates(row) for row in base.values("category").annotate(**aggregates).order_by("category")]
    by_department = [
        rates(row)
        for row in base.values("department_id", name=F("department__name")).annotate(**aggregates).order_by("name")
    ]
    by_month = [
        rates(row)
        for row in base.annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(**aggregates)
        .order_by("month")
    ]
    return {"total": total, "by_category": by_category, "by_department": by_department, "by_month": by_month}


def open_statuses() -> tuple[str, ...]:
    return tuple(ComplaintStatus)
