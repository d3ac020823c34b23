"""Rows of the drill-down lists, with the link of each row to the thing itself, in a constant number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approvals.selectors.cards import red_cards_by_case
from approvals.selectors.cases import staff_cases
from efficiency_portal.supervised_tasks.models import DEADLINE_KIND as TASK_KIND
from efficiency_portal.supervised_tasks.selectors import visible_tasks
from efficiency_portal.supervision.models import Deadline, Warning, WarningRecipient
from efficiency_portal.supervision.selectors import deadline_rows, visible_deadlines, visible_warnings

from .figures import CASE_KIND

# What each kind of clock watches, as people say it (the codes belong to the apps that open the clocks).
KIND_LABELS = {
    "case": _("Approval case"),
    "case_prereview": _("Pre-review of an application"),
    "case_step": _("Step of a case"),
    "case_joint": _("Part of a joint approval"),
    "complaint_accept": _("Accepting a complaint"),
    "complaint_conclude": _("Finding on a complaint"),
    "complaint_reopen": _("Finding on a reopened complaint"),
    "rating_contact": _("Contact after a bad rating"),
    "rating_rectify": _("Rectification after a bad rating"),
    "credit_objection_accept": _("Accepting a credit objection"),
    "credit_objection_decide": _("Deciding a credit objection"),
    "assessment_appeal": _("Assessment appeal"),
    "task": _("Supervised task"),
    "task_part": _("Supervised task (co-department)"),
}


def kind_label(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind


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


@dataclass(frozen=True)
class DeadlineRow:
    """A deadline of a list with the links this viewer may follow (None: the page would refuse them)."""

    deadline: Deadline
    url: str | None
    clock_url: str | None


def deadline_links(user, deadlines: Iterable[Deadline]) -> list[DeadlineRow]:
    """Each deadline with its subject's and its clock's links, kept only where the viewer may open the page: a
    leader sees the city's figures but opens only the cases, tasks and clocks of the departments in their charge.
    Three queries at most, whatever the number of rows."""
    rows = list(deadlines)
    case_ids = {d.object_id for d in rows if d.kind == CASE_KIND}
    task_ids = {d.object_id for d in rows if d.kind == TASK_KIND}
    open_cases = set(staff_cases(user).filter(pk__in=case_ids).values_list("pk", flat=True)) if case_ids else set()
    open_tasks = set(visible_tasks(user).filter(pk__in=task_ids).values_list("pk", flat=True)) if task_ids else set()
    open_clocks = set(visible_deadlines(user).filter(pk__in=[d.pk for d in rows]).values_list("pk", flat=True))
    result = []
    for deadline in rows:
        clock_url = deadline.get_absolute_url() if deadline.pk in open_clocks else None
        if deadline.kind == CASE_KIND:
            url = subject_url(deadline) if deadline.object_id in open_cases else None
        elif deadline.kind == TASK_KIND:
            url = subject_url(deadline) if deadline.object_id in open_tasks else None
        else:
            url = clock_url
        result.append(DeadlineRow(deadline, url, clock_url))
    return result


def with_links(user, warnings: list[Warning]) -> list[Warning]:
    """The warnings, each with ``url`` set to its page where the viewer may open it, else None (one query)."""
    ids = [warning.pk for warning in warnings]
    openable = set(visible_warnings(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    for warning in warnings:
        warning.url = warning.get_absolute_url() if warning.pk in openable else None
    return warnings


def deadline_list(queryset: QuerySet[Deadline]) -> QuerySet[Deadline]:
    return deadline_rows(queryset)


def warning_list(queryset: QuerySet[Warning]) -> QuerySet[Warning]:
    """Warnings with their deadline and everyone told (and when they opened it)."""
    recipients = WarningRecipient.objects.select_related("user__staff").order_by("id")
    return (
        queryset.select_related("deadline__department", "deadline__responsible")
        .prefetch_related(Prefetch("recipients", queryset=recipients))
        .order_by("-raised_at", "-id")
    )


def person_name(user) -> str:
    """A civil servant by the name colleagues know (the staff record), anyone else by their account's name."""
    staff = getattr(user, "staff", None)
    return staff.name if staff is not None and staff.name else str(user)


def with_explanations(warnings: Iterable[Warning]) -> list[Warning]:
    """The warnings, each red warning on a case carrying ``red_card``: the case's red card, whose explanation status
    says whether the handler has answered in writing (None: no red card raised yet). One query for all of them."""
    rows = list(warnings)
    case_ids = {w.deadline.object_id for w in rows if w.level == "red" and w.deadline.kind == CASE_KIND}
    cards = red_cards_by_case(case_ids) if case_ids else {}
    for warning in rows:
        for recipient in warning.recipients.all():
            recipient.name = person_name(recipient.user)
        is_red_case = warning.level == "red" and warning.deadline.kind == CASE_KIND
        warning.red_card = cards.get(warning.deadline.object_id) if is_red_case else None
        warning.asks_explanation = is_red_case
    return rows


def recipients_text(warning: Warning) -> str:
    """Who was told and who answered, for the Excel export: "name (role, opened at …)" or "(role, not opened)"."""
    parts = []
    for recipient in warning.recipients.all():
        opened = (
            date_format(localtime(recipient.acknowledged_at), "Y-m-d H:i")
            if recipient.acknowledged_at
            else gettext("not opened")
        )
        parts.append(f"{person_name(recipient.user)} ({recipient.get_role_display()}, {opened})")
    return "; ".join(parts)


def explanation_text(warning: Warning) -> str:
    """The written explanation of a red case warning's card: explained when (and its review), or not yet."""
    if not getattr(warning, "asks_explanation", False):
        return ""
    card = warning.red_card
    if card is None:
        return gettext("no red card yet")
    if card.explained_at is None:
        return gettext("not explained yet")
    return gettext("explained %(at)s (%(status)s)") % {
        "at": date_format(localtime(card.explained_at), "Y-m-d H:i"),
        "status": card.get_explanation_status_display(),
    }
