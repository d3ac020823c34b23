"""Work queues (待办): a clerk's open cases and a department's, most urgent first, with keyset pagination.

Urgency order: red, then yellow, then green, then cases without a running clock; within a light by due moment,
then id. The light and due moment come from the case clock (CASE_CLOCK) once the case is accepted and from the
pre-review clock before that, annotated through subqueries on supervision.Deadline — one query per page.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import (
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from approvals.filters import QueueFilter
from approvals.models import Case, Item
from approvals.models.cases import OPEN_STATUSES
from approvals.services.common import CASE_CLOCK, PRE_REVIEW_CLOCK
from efficiency_portal.org.models import Department
from efficiency_portal.org.roles import is_staff_member, is_supervisor
from efficiency_portal.supervision.models import Deadline, DeadlineStatus, Light
from efficiency_portal.supervision.selectors import supervised_departments

QUEUE_PAGE_SIZE = 50
# Cases without a running clock sort after every dated one; a fixed far moment keeps the keyset free of NULLs.
NO_DUE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
LIGHT_RANK = {Light.RED: 0, Light.YELLOW: 1, Light.GREEN: 2}
NO_LIGHT_RANK = 3


def _clock(field: str) -> Subquery:
    """``field`` of the case's clock: the case clock when there is one, else the pre-review clock."""
    clocks = (
        Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(Case),
            object_id=OuterRef("pk"),
            kind__in=[CASE_CLOCK, PRE_REVIEW_CLOCK],
        )
        .exclude(status=DeadlineStatus.FINISHED)
        .annotate(preference=models.Case(When(kind=CASE_CLOCK, then=Value(0)), default=Value(1)))
        .order_by("preference")
        .values(field)[:1]
    )
    return Subquery(clocks)


def with_clock(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate ``light``, ``due_at`` (never NULL) and ``light_rank`` for the urgency order."""
    return queryset.annotate(
        light=_clock("light"),
        due_at=Coalesce(_clock("due_at"), Value(NO_DUE), output_field=DateTimeField()),
    ).annotate(
        light_rank=models.Case(
            *(When(light=str(light), then=Value(rank)) for light, rank in LIGHT_RANK.items()),
            default=Value(NO_LIGHT_RANK),
            output_field=IntegerField(),
        )
    )


def _rows(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return (
        with_clock(queryset.filter(status__in=OPEN_STATUSES))
        .select_related("item", "department", "handler")
        .order_by("light_rank", "due_at", "id")
    )


def _filtered(queryset: QuerySet[Case], filters: QueueFilter | Mapping[str, Any] | None, items) -> QuerySet[Case]:
    if filters is None:
        return queryset
    if not isinstance(filters, QueueFilter):
        filters = QueueFilter(filters, queryset=queryset, items=items)
    else:
        filters.queryset = queryset
    return filters.qs


def clerk_queue(user, filters: QueueFilter | Mapping[str, Any] | None = None) -> QuerySet[Case]:
    """Open cases ``user`` handles or whose pre-review clock they answer for, most urgent first."""
    if not is_staff_member(user):
        return Case.objects.none()
    prereview = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Case),
        object_id=OuterRef("pk"),
        kind=PRE_REVIEW_CLOCK,
        responsible=user,
    ).exclude(status=DeadlineStatus.FINISHED)
    base = _rows(Case.objects.filter(Q(handler=user) | Exists(prereview)))
    return _filtered(base, filters, clerk_items(user))


def clerk_items(user) -> QuerySet[Item]:
    if not is_staff_member(user):
        return Item.objects.none()
    return Item.objects.filter(department_id=user.staff.department_id).order_by("name")


def queue_departments(user) -> QuerySet[Department]:
    """Departments whose queue ``user`` may read: all for supervisors, else those they head or lead."""
    if not user.is_authenticated:
        return Department.objects.none()
    if is_supervisor(user):
        return Department.objects.filter(is_active=True).order_by("sort_order", "name")
    return supervised_departments(user).filter(is_active=True).order_by("sort_order", "name")


def may_open_queues(user) -> bool:
    """Whether the department queue opens for ``user`` at all (it refuses those who may read no department's)."""
    return queue_departments(user).exists()


def may_read_department_queue(user, department: Department) -> bool:
    return queue_departments(user).filter(pk=department.pk).exists()


def department_queue(
    user, department: Department, filters: QueueFilter | Mapping[str, Any] | None = None
) -> QuerySet[Case]:
    """Open cases of ``department`` for its head, its leader in charge and supervisors."""
    if not may_read_department_queue(user, department):
        raise PermissionDenied
    items = Item.objects.filter(department=department).order_by("name")
    return _filtered(_rows(Case.objects.filter(department=department)), filters, items)


# --- keyset pagination on (light rank, due moment, id) ------------------------------------------------------------


@dataclass
class QueuePage:
    items: list[Case]
    next_cursor: str | None


def encode_cursor(case: Case) -> str:
    raw = f"{case.light_rank}|{case.due_at.isoformat()}|{case.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        rank, moment, pk = raw.split("|")
        due_at = dt.datetime.fromisoformat(moment)
        if due_at.tzinfo is None:
            raise ValueError
        return int(rank), due_at, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise ValidationError({"cursor": _("This page link is not valid; start again from the first page.")}) from error


def queue_page(queryset: QuerySet[Case], cursor: str | None, size: int = QUEUE_PAGE_SIZE) -> QueuePage:
    """The rows after ``cursor`` in urgency order; never an OFFSET, so deep pages cost what the first does."""
    if cursor:
        rank, due_at, pk = decode_cursor(cursor)
        queryset = queryset.filter(
            Q(light_rank__gt=rank)
            | Q(light_rank=rank, due_at__gt=due_at)
            | Q(light_rank=rank, due_at=due_at, pk__gt=pk)
        )
    rows = list(queryset[: size + 1])
    next_cursor = encode_cursor(rows[size - 1]) if len(rows) > size else None
    return QueuePage(rows[:size], next_cursor)
