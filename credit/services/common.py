"""Shared pieces of the credit services: the subject of an entry, event rows, notifications of the subject."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils import timezone

from credit.models import CreditEntry, CreditEvent
from efficiency_portal.org.models import Department, Role, Staff


def now_or(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def record_event(
    entry: CreditEntry,
    action: str,
    actor,
    *,
    at: dt.datetime,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
) -> CreditEvent:
    return CreditEvent.objects.create(
        entry=entry,
        action=action,
        actor=_user_or_none(actor),
        from_status=from_status,
        to_status=to_status,
        at=at,
        reason=str(reason),
    )


def subject_department(entry: CreditEntry) -> Department:
    return entry.staff.department if entry.staff_id else entry.department


def office_department(responsible, entry: CreditEntry) -> Department:
    """The department an objection's clock belongs to: the efficiency office, i.e. that of the supervisor who answers
    for it, so that its red warnings reach the office's head and leader, never the head of the department objected
    against (who, for a department's entry, is the objector). A supervisor without a staff record lends the
    department of another active supervisor; only a portal without any falls back to the subject's department."""
    staff = getattr(responsible, "staff", None) if responsible is not None else None
    if staff is not None:
        return staff.department
    other = (
        Staff.objects.filter(user__is_active=True, user__groups__name=Role.SUPERVISOR)
        .select_related("department")
        .order_by("pk")
        .first()
    )
    return other.department if other is not None else subject_department(entry)


def subject_users(entry: CreditEntry) -> list:
    """Who answers for the entry: the civil servant, or the head of the department."""
    if entry.staff_id:
        return [entry.staff.user]
    head = entry.department.head
    return [head.user] if head is not None else []


def may_object(user, entry: CreditEntry) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if entry.staff_id:
        return entry.staff.user_id == user.pk
    head = entry.department.head
    return head is not None and head.user_id == user.pk


def a_supervisor(preferred=None, fallback=None):
    """The person a clock of an objection is assigned to until a supervisor takes it."""
    from django.contrib.auth import get_user_model

    if preferred is not None and getattr(preferred, "is_authenticated", False):
        return preferred
    users = get_user_model().objects.filter(is_active=True)
    group = Group.objects.filter(name=Role.SUPERVISOR).first()
    chosen = users.filter(groups=group).order_by("pk").first() if group else None
    # With no supervisor configured at all, the clock still needs someone: the caller's fallback.
    return chosen or users.filter(Q(is_superuser=True)).order_by("pk").first() or fallback
