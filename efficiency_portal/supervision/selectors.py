"""Reads of the deadline clock: who may see which deadline and warning, lists with keyset pagination."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from efficiency_portal.org.models import Department, Role
from efficiency_portal.org.roles import has_role, is_supervisor

from .models import Deadline, Warning, WarningRecipient

LIST_PAGE_SIZE = 50


def supervised_departments(user) -> QuerySet[Department]:
    """Departments ``user`` heads or leads, and the units directly below them."""
    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.filter(
        Q(head__user=user)
        | Q(leader_in_charge__user=user)
        | Q(parent__head__user=user)
        | Q(parent__leader_in_charge__user=user)
    )


def visible_deadlines(user) -> QuerySet[Deadline]:
    """Supervisors and administrators see all; others their own and those of the departments they head or lead."""
    if not user or not user.is_authenticated:
        return Deadline.objects.none()
    if is_supervisor(user):
        return Deadline.objects.all()
    return Deadline.objects.filter(Q(responsible=user) | Q(department__in=supervised_departments(user).values("pk")))


def can_view_deadline(user, deadline: Deadline) -> bool:
    return visible_deadlines(user).filter(pk=deadline.pk).exists()


def may_list_deadlines(user) -> bool:
    """The deadline list is for supervisors, administrators, department heads and leaders in charge."""
    if not user.is_authenticated:
        return False
    if is_supervisor(user) or has_role(user, Role.DEPARTMENT_HEAD, Role.LEADER):
        return True
    return supervised_departments(user).exists()


def deadline_rows(queryset: QuerySet[Deadline]) -> QuerySet[Deadline]:
    """What every list shows, fetched in a constant number of queries."""
    return queryset.select_related("department", "responsible").prefetch_related("pauses")


def deadline_with_history(pk: int) -> Deadline:
    return (
        Deadline.objects.select_related("department", "responsible", "content_type")
        .prefetch_related("pauses", "events__actor", "warnings__recipients__user")
        .get(pk=pk)
    )


def visible_warnings(user) -> QuerySet[Warning]:
    """Warnings ``user`` was told of, or whose deadline they may see."""
    if not user or not user.is_authenticated:
        return Warning.objects.none()
    told = WarningRecipient.objects.filter(warning=OuterRef("pk"), user=user)
    return Warning.objects.filter(Exists(told) | Q(deadline__in=visible_deadlines(user).values("pk")))


def my_warnings(user) -> QuerySet[WarningRecipient]:
    return (
        WarningRecipient.objects.filter(user=user)
        .select_related("warning__deadline__department", "warning__deadline__responsible")
        .order_by("-told_at", "-id")
    )


# --- keyset pagination by (due_at, id) --------------------------------------------------------------------------


@dataclass
class KeysetPage:
    items: list
    next_cursor: str | None


def encode_cursor(deadline: Deadline) -> str:
    raw = f"{deadline.due_at.isoformat()}|{deadline.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = raw.split("|")
        due_at = dt.datetime.fromisoformat(moment)
        if due_at.tzinfo is None:
            raise ValueError
        return due_at, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise ValidationError({"cursor": _("This page link is not valid; start again from the first page.")}) from error


def keyset_page(queryset: QuerySet[Deadline], cursor: str | None, size: int = LIST_PAGE_SIZE) -> KeysetPage:
    """One page ordered by due moment: rows after ``cursor``, never an OFFSET however deep the page."""
    queryset = queryset.order_by("due_at", "id")
    if cursor:
        due_at, pk = decode_cursor(cursor)
        queryset = queryset.filter(Q(due_at__gt=due_at) | Q(due_at=due_at, pk__gt=pk))
    items = list(queryset[: size + 1])
    next_cursor = encode_cursor(items[size - 1]) if len(items) > size else None
    return KeysetPage(items[:size], next_cursor)
