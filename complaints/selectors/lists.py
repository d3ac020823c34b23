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
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from complaints.models import (
    Complaint,
    ComplaintSanction,
    ComplaintStatus,
    ExtensionState,
    RectificationOrder,
    Sanction,
    ServiceRating,
)
from complaints.models.complaints import OPEN_STATES
from complaints.services.common import ACCEPT_CLOCK, CONCLUDE_CLOCK, CONTACT_CLOCK, RECTIFY_CLOCK, REOPEN_CLOCK
from efficiency_portal.org.models import Staff
from efficiency_portal.org.roles import is_staff_member
from efficiency_portal.supervision.models import Deadline, DeadlineStatus
from efficiency_portal.workdays.calendar import local_date

from .access import department_scope, headed_scope
from .figures import OPEN_ORDER_STATES, _score_expression, _span, overdue_clocks
from .stats import complaint_stats  # noqa: F401 - the pages and the API read the statistics from here

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


# ``?state=`` of the work list: the command centre's figures (``dashboard_counts``) opened as lists.
WORK_STATES = ("awaiting", "open", "overdue")
# ``?state=`` of the rectification list.
ORDER_STATES = ("open", "overdue")


def work_list(filters: Mapping[str, Any] | None = None, *, on: dt.date | None = None) -> QuerySet[Complaint]:
    """Every complaint for supervisors, newest first, with the running clock; filters from the query string.

    ``state`` lists exactly what ``dashboard_counts(on)`` counts: ``awaiting`` (awaiting_acceptance), ``open``,
    ``overdue`` (a running clock red or due before ``on``, today by default). ``extension=requested`` is the
    queue of extension requests waiting for a supervisor's decision. Unknown values filter nothing."""
    filters = filters or {}
    rows = Complaint.objects.select_related("department", "staff", "handler", "investigating_department")
    state = filters.get("state")
    if state == "awaiting":
        rows = rows.filter(status=ComplaintStatus.SUBMITTED)
    elif state == "open":
        rows = rows.filter(status__in=OPEN_STATES)
    elif state == "overdue":
        on = on or local_date(timezone.now())
        rows = rows.filter(pk__in=overdue_clocks(Complaint, on).values("object_id"))
    if filters.get("extension") in ExtensionState.values and filters.get("extension"):
        rows = rows.filter(extension_state=filters["extension"])
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
    """Complaints handed to the departments ``user`` heads: what they are about, never who complained; never
    a complaint about ``user`` themselves."""
    scope = headed_scope(user)
    rows = Complaint.objects.filter(investigating_department_id__in=scope)
    if is_staff_member(user):
        rows = rows.exclude(staff_id=user.staff.pk)
    return (
        with_clock(rows)
        .select_related("department", "staff", "investigating_department")
        .only(
            "pk",
            "tracking_code",
            "category",
            "status",
            "received_at",
            "description",
            "happened_on",
            "place",
            "department__name",
            "staff__name",
            "investigating_department__name",
        )
        .order_by("-received_at", "-pk")
    )


@dataclass(frozen=True)
class Handover:
    """One hand-over to a department as the department reads it: when, to whom, the office's instructions."""

    at: dt.datetime
    department: str
    instructions: str


def handovers_for_department(complaint: Complaint, department_ids: Iterable[int]) -> list[Handover]:
    """The hand-overs of ``complaint`` to the departments in ``department_ids`` (the reader's scope), oldest first,
    with the instructions given. Read from the instruction notes only (one is written at every hand-over): the
    office's own investigation notes and anything about the complainant stay out. One query."""
    from complaints.models import ComplaintNote, NoteKind

    notes = (
        ComplaintNote.objects.filter(
            complaint=complaint, kind=NoteKind.INSTRUCTIONS, department_id__in=set(department_ids)
        )
        .select_related("department")
        .order_by("created_at", "pk")
    )
    return [Handover(at=note.created_at, department=note.department.name, instructions=note.text) for note in notes]


def complainant_complaints(user) -> QuerySet[Complaint]:
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    return Complaint.objects.filter(complainant=user).select_related("department").order_by("-received_at", "-pk")


def has_complaints(user) -> bool:
    return complainant_complaints(user).exists()


def sanction_history(staff_ids, *, on: dt.date | None = None) -> dict[int, dict[str, int]]:
    """Per staff id: sanctions in the last 12 months by kind (a constant number of queries)."""
    on = on or timezone.localdate()
    low, high = _span(on - dt.timedelta(days=365), on)
    rows = (
        ComplaintSanction.objects.active()
        .filter(staff_id__in=list(staff_ids), decided_at__gte=low, decided_at__lt=high)
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


def my_ratings(user) -> QuerySet[ServiceRating]:
    """The ratings in which ``user`` is the handler rated, with their rectification order (if any), newest first.
    Nothing here names the citizen who rated."""
    if not is_staff_member(user):
        return ServiceRating.objects.none()
    return (
        ServiceRating.objects.filter(handler=user.staff)
        .select_related("department", "case", "rectification")
        .defer("rater")
        .order_by("-rated_at", "-pk")
    )


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


def rectification_list(user, state: str = "", *, on: dt.date | None = None) -> QuerySet[RectificationOrder]:
    """Orders ``user`` may work (supervisors: all; staff: their departments'), the most urgent first.
    ``state`` lists exactly what ``dashboard_counts(on)`` counts: ``open`` (rectifications_open) and
    ``overdue`` (rectifications_overdue)."""
    from efficiency_portal.org.roles import is_supervisor

    rows = RectificationOrder.objects.select_related("department", "rating", "rating__handler")
    if not is_supervisor(user):
        rows = rows.filter(department_id__in=department_scope(user))
    if state == "open":
        rows = rows.filter(status__in=OPEN_ORDER_STATES)
    elif state == "overdue":
        on = on or local_date(timezone.now())
        rows = rows.filter(pk__in=overdue_clocks(RectificationOrder, on).values("object_id"))
    kinds = (CONTACT_CLOCK, RECTIFY_CLOCK)
    return rows.annotate(
        clock_light=_clock(RectificationOrder, kinds, "light"), clock_due=_clock(RectificationOrder, kinds, "due_at")
    ).order_by(F("clock_due").asc(nulls_last=True), "-opened_at", "-pk")


def open_statuses() -> tuple[str, ...]:
    return tuple(ComplaintStatus)
