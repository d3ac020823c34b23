"""Rows of the drill-down lists, with the link of each row to the thing itself, in a constant number of queries."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse

from efficiency_portal.supervised_tasks.models import DEADLINE_KIND as TASK_KIND
from efficiency_portal.supervision.models import Deadline, Warning, WarningRecipient
from efficiency_portal.supervision.selectors import deadline_rows

from .figures import CASE_KIND


def subject_url(deadline: Deadline) -> str:
    """Where a supervisor goes from a deadline: the case or the task itself, else the clock's own page."""
    try:
        if deadline.kind == CASE_KIND:
            return reverse("approvals:case_work", args=[deadline.object_id])
        if deadline.kind == TASK_KIND:
            return reverse("supervised_tasks:detail", args=[deadline.object_id])
    except NoReverseMatch:
        pass
    return deadline.get_absolute_url()


def deadline_list(queryset: QuerySet[Deadline]) -> QuerySet[Deadline]:
    return deadline_rows(queryset)


def warning_list(queryset: QuerySet[Warning]) -> QuerySet[Warning]:
    """Warnings with their deadline and everyone told (and when they opened it)."""
    recipients = WarningRecipient.objects.select_related("user").order_by("id")
    return (
        queryset.select_related("deadline__department", "deadline__responsible")
        .prefetch_related(Prefetch("recipients", queryset=recipients))
        .order_by("-raised_at", "-id")
    )


def recipients_text(warning: Warning) -> str:
    """Who was told and who answered, for the Excel export: "name (role, opened at …)"."""
    parts = []
    for recipient in warning.recipients.all():
        opened = recipient.acknowledged_at.strftime("%Y-%m-%d %H:%M") if recipient.acknowledged_at else "—"
        parts.append(f"{recipient.user} ({recipient.get_role_display()}, {opened})")
    return "; ".join(parts)
