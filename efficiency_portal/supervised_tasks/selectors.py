"""Reads of supervised tasks: who sees and may act on which task, lists, public commitments, counts."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from efficiency_portal.org.models import Department, Role
from efficiency_portal.org.roles import has_role, is_staff_member, is_supervisor
from efficiency_portal.org.selectors import descendant_ids
from efficiency_portal.supervision.models import Deadline
from efficiency_portal.workdays.calendar import local_date

from .models import DEADLINE_KIND, Task, TaskKind, TaskReport, TaskStatus


def may_assign(user) -> bool:
    return bool(user and user.is_authenticated and is_supervisor(user))


def reads_all(user) -> bool:
    return bool(user and user.is_authenticated and (is_supervisor(user) or has_role(user, Role.LEADER)))


def may_open_list(user) -> bool:
    """The task list: supervisors, leaders and administrators (all tasks), civil servants (their departments' tasks:
    every civil servant has a department, so ``user_department_ids`` is never empty for them). No query of its own:
    the navigation asks it on every page."""
    return bool(reads_all(user) or is_staff_member(user))


def user_department_ids(user) -> set[int]:
    """The user's own department, those they head or lead, and everything below those."""
    if not is_staff_member(user):
        return set()
    own = {user.staff.department_id}
    led = Department.objects.filter(Q(head__user=user) | Q(leader_in_charge__user=user)).values_list("pk", flat=True)
    return descendant_ids(own | set(led))


def visible_tasks(user) -> QuerySet[Task]:
    """Supervisors and leaders see every task; staff the tasks their departments lead or take part in."""
    if not user or not user.is_authenticated:
        return Task.objects.none()
    if reads_all(user):
        return Task.objects.all()
    ids = user_department_ids(user)
    if not ids:
        return Task.objects.none()
    return Task.objects.filter(Q(lead_department_id__in=ids) | Q(parts__department_id__in=ids)).distinct()


def task_rows(queryset: QuerySet[Task]) -> QuerySet[Task]:
    return queryset.select_related("lead_department", "responsible").annotate(co_count=Count("parts", distinct=True))


def reporting_departments(user, task: Task) -> list[Department]:
    """The task's departments (lead first) for which ``user`` may report progress."""
    if not is_staff_member(user) or task.status != TaskStatus.IN_PROGRESS:
        return []
    ids = user_department_ids(user)
    result = []
    if task.lead_department_id in ids:
        result.append(task.lead_department)
    for part in task.parts.select_related("department"):
        if part.department_id in ids and part.done_at is None:
            result.append(part.department)
    return result


def may_be_extended(task: Task, deadline: Deadline | None, at: dt.datetime) -> bool:
    """Whether the task's clock may still take its one extension (the service checks again when it is asked)."""
    return bool(
        task.status != TaskStatus.CLOSED
        and deadline is not None
        and deadline.status in ("open", "paused")
        and deadline.extended_at is None
        and at < deadline.due_at
    )


def task_detail(pk: int) -> Task:
    return (
        Task.objects.select_related("lead_department", "responsible", "created_by", "closed_by")
        .prefetch_related("parts__department", "parts__responsible", "events__actor")
        .get(pk=pk)
    )


def reports_of(task: Task) -> QuerySet[TaskReport]:
    return task.reports.select_related("department", "author").prefetch_related("attachments")


# Public commitments in the order a citizen reads them: being done, awaiting acceptance, closed out.
STATUS_ORDER = SqlCase(
    When(status=TaskStatus.IN_PROGRESS, then=Value(0)),
    When(status=TaskStatus.AWAITING_ACCEPTANCE, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def public_commitments(department: Department | None = None) -> QuerySet[Task]:
    """Tasks marked public (实事承诺), with nothing about the people who work on them; in progress first, then
    awaiting acceptance, then closed out, each by due date."""
    tasks = Task.objects.filter(is_public=True).select_related("lead_department")
    if department is not None:
        tasks = tasks.filter(Q(lead_department=department) | Q(parts__department=department)).distinct()
    return tasks.only(
        "id",
        "title",
        "kind",
        "description",
        "status",
        "progress",
        "public_progress_note",
        "due_at",
        "closed_at",
        "lead_department__id",
        "lead_department__name",
        "lead_department__code",
    ).order_by(STATUS_ORDER, "due_at", "id")


def task_deadlines(*, department_ids=None) -> QuerySet[Deadline]:
    content_type = ContentType.objects.get_for_model(Task)
    deadlines = Deadline.objects.filter(content_type=content_type, kind=DEADLINE_KIND)
    if department_ids is not None:
        deadlines = deadlines.filter(department_id__in=department_ids)
    return deadlines


def dashboard_counts(on: dt.date | None = None, *, department_ids=None) -> dict[str, int]:
    """Keys ``open`` (not closed out), ``awaiting`` (待销号), ``red`` (open with a red light), ``commitments``."""
    tasks = Task.objects.all()
    if department_ids is not None:
        tasks = tasks.filter(lead_department_id__in=department_ids)
    counts = tasks.aggregate(
        open=Count("pk", filter=~Q(status=TaskStatus.CLOSED)),
        awaiting=Count("pk", filter=Q(status=TaskStatus.AWAITING_ACCEPTANCE)),
        commitments=Count("pk", filter=Q(kind=TaskKind.COMMITMENT, is_public=True)),
    )
    counts["red"] = (
        task_deadlines(department_ids=department_ids).filter(status__in=["open", "paused"], light="red").count()
    )
    return counts


def red_tasks(*, department_ids=None) -> QuerySet[Task]:
    """The tasks behind ``dashboard_counts()["red"]``."""
    ids = task_deadlines(department_ids=department_ids).filter(status__in=["open", "paused"], light="red")
    return Task.objects.filter(pk__in=ids.values("object_id"))


def today() -> dt.date:
    return local_date(timezone.now())
