"""Writes of supervised tasks: assign, report progress, submit for close-out, return, close out (销号).

Rules:
- a supervisor assigns a task to a lead department (one responsible person there) and any co-departments (their
  heads answer for their part); the clock starts at once: a ``task`` deadline for the lead department and a
  ``task_part`` deadline for each co-department, all with the same limit in working days;
- the lead department and co-departments report progress (0–100 %, text, attachments) while the task is in
  progress; a co-department's report marked as its last one finishes its own clock;
- the lead department asks for close-out with a report of 100 %; the task then awaits the supervisor and its clock
  is paused (the department's time is not charged with the supervisor's reading);
- only a supervisor closes a task out (销号) and only when it awaits acceptance; a return sends it back to work and
  resumes the clock. Closing out finishes every clock of the task.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from efficiency_portal.common.uploads import validate_upload
from efficiency_portal.notifications.services import notify
from efficiency_portal.org.models import Department
from efficiency_portal.supervision.models import Deadline, DeadlineStatus
from efficiency_portal.supervision.services import (
    extend_deadline,
    finish_deadline,
    open_deadline,
    pause_deadline,
    resume_deadline,
)

from .models import (
    DEADLINE_KIND,
    PART_DEADLINE_KIND,
    Task,
    TaskAttachment,
    TaskEvent,
    TaskEventAction,
    TaskKind,
    TaskPart,
    TaskReport,
    TaskStatus,
)

MAX_ATTACHMENTS = 10
CLOSE_OUT_PROGRESS = 100


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _event(task: Task, action: str, actor, at: dt.datetime, *, from_status="", to_status="", reason="") -> None:
    TaskEvent.objects.create(
        task=task,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_status=from_status,
        to_status=to_status,
        at=at,
        reason=(reason or "")[:500],
    )


def _stale() -> ValidationError:
    return ValidationError(_("The task was changed by someone else meanwhile; please reload and try again."))


def task_deadline(task: Task) -> Deadline | None:
    content_type = ContentType.objects.get_for_model(Task)
    return Deadline.objects.filter(content_type=content_type, object_id=task.pk, kind=DEADLINE_KIND).first()


def part_deadlines(task: Task):
    content_type = ContentType.objects.get_for_model(TaskPart)
    return Deadline.objects.filter(
        content_type=content_type, object_id__in=task.parts.values("pk"), kind=PART_DEADLINE_KIND
    )


def assign_task(
    *,
    title: str,
    description: str,
    lead_department: Department,
    responsible,
    limit_days: int,
    actor,
    kind: str = TaskKind.OTHER,
    co_departments: Iterable[Department] = (),
    is_public: bool = False,
    at: dt.datetime | None = None,
) -> Task:
    """Create the task and start its clocks; tell the responsible people."""
    at = _now(at)
    co_departments = [d for d in co_departments if d.pk != lead_department.pk]
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = _("Please give a title.")
    if not (description or "").strip():
        errors["description"] = _("Please say what is to be done.")
    if limit_days is None or limit_days < 1:
        errors["limit_days"] = _("The time limit must be at least one working day.")
    if kind not in TaskKind.values:
        errors["kind"] = _("Unknown kind of task.")
    if getattr(getattr(responsible, "staff", None), "department_id", None) != lead_department.pk:
        errors["responsible"] = _("The responsible person must work in the lead department.")
    headless = [d.name for d in co_departments if d.head_id is None]
    if headless:
        errors["co_departments"] = gettext("These co-departments have no head to answer for their part: %(names)s") % {
            "names": "、".join(headless)
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        task = Task.objects.create(
            title=title.strip()[:200],
            kind=kind,
            description=description.strip(),
            lead_department=lead_department,
            responsible=responsible,
            limit_days=limit_days,
            is_public=is_public,
            created_by=actor,
            assigned_at=at,
        )
        deadline = open_deadline(
            task,
            kind=DEADLINE_KIND,
            title=gettext("Supervised task: %(title)s") % {"title": task.title},
            department=lead_department,
            responsible=responsible,
            started_at=at,
            limit_days=limit_days,
            actor=actor,
        )
        Task.objects.filter(pk=task.pk).update(due_at=deadline.due_at)
        task.due_at = deadline.due_at
        for department in co_departments:
            head_user = department.head.user
            part = TaskPart.objects.create(task=task, department=department, responsible=head_user)
            open_deadline(
                part,
                kind=PART_DEADLINE_KIND,
                title=gettext("Supervised task (co-department): %(title)s") % {"title": task.title},
                department=department,
                responsible=head_user,
                started_at=at,
                limit_days=limit_days,
                actor=actor,
            )
            _tell(head_user, task, gettext("A supervised task needs your department's part"), f"part:{part.pk}")
        _event(task, TaskEventAction.ASSIGNED, actor, at, to_status=TaskStatus.IN_PROGRESS)
        _tell(responsible, task, gettext("A supervised task was assigned to your department"), "assigned")
    return task


def _tell(user, task: Task, title: str, key: str) -> None:
    notify(
        user,
        kind="supervised_task",
        title=title,
        body=task.title,
        link=task.get_absolute_url(),
        dedupe_key=f"task:{task.pk}:{key}:{user.pk}",
    )


def report_progress(
    task: Task,
    *,
    department: Department,
    author,
    text: str,
    progress: int,
    files: Sequence[UploadedFile] = (),
    asks_close_out: bool = False,
    at: dt.datetime | None = None,
) -> TaskReport:
    """Add a progress report; the lead department's report with ``asks_close_out`` submits the task for close-out.

    A co-department's report with ``asks_close_out`` marks its part done and finishes its clock.
    """
    at = _now(at)
    errors: dict[str, object] = {}
    if not (text or "").strip():
        errors["text"] = _("Please describe the progress.")
    if progress is None or not 0 <= progress <= 100:
        errors["progress"] = _("Progress is a percentage from 0 to 100.")
    is_lead = department.pk == task.lead_department_id
    part = None if is_lead else task.parts.filter(department=department).first()
    if not is_lead and part is None:
        errors["department"] = _("This department has no part in the task.")
    if asks_close_out and is_lead and progress != CLOSE_OUT_PROGRESS:
        errors["progress"] = _("Ask for close-out only with the task done (100 %).")
    if len(files) > MAX_ATTACHMENTS:
        errors["files"] = _("At most %(n)d files per report.") % {"n": MAX_ATTACHMENTS}
    file_errors = []
    content_types = []
    for upload in files:
        try:
            content_types.append(validate_upload(upload))
        except ValidationError as error:
            file_errors.extend(error.messages)
    if file_errors:
        errors["files"] = file_errors
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Task.objects.select_for_update().get(pk=task.pk)
        if current.status != TaskStatus.IN_PROGRESS:
            raise ValidationError({"status": _("Progress can be reported only while the task is in progress.")})
        if part is not None and part.done_at is not None:
            raise ValidationError({"department": _("This department has already reported its part done.")})
        report = TaskReport.objects.create(
            task=current,
            department=department,
            author=author,
            text=text.strip(),
            progress=progress,
            asks_close_out=asks_close_out,
            reported_at=at,
        )
        for upload, content_type in zip(files, content_types, strict=True):
            TaskAttachment.objects.create(
                report=report,
                file=upload,
                original_name=(getattr(upload, "name", "") or "file")[:200],
                content_type=content_type,
                size=upload.size,
            )
        if is_lead:
            changes: dict = {"progress": progress}
            action = TaskEventAction.REPORTED
            to_status = ""
            if asks_close_out:
                changes["status"] = TaskStatus.AWAITING_ACCEPTANCE
                action, to_status = TaskEventAction.SUBMITTED, TaskStatus.AWAITING_ACCEPTANCE
            updated = Task.objects.filter(pk=current.pk, status=TaskStatus.IN_PROGRESS).update(**changes)
            if not updated:
                raise _stale()
            _event(current, action, author, at, from_status=current.status if to_status else "", to_status=to_status)
            if asks_close_out:
                deadline = task_deadline(current)
                if deadline is not None and deadline.status == DeadlineStatus.OPEN:
                    pause_deadline(deadline, gettext("Awaiting the supervisor's acceptance"), author, at)
                _tell(
                    current.created_by,
                    current,
                    gettext("A supervised task awaits your acceptance"),
                    f"submit:{report.pk}",
                )
        else:
            _event(current, TaskEventAction.REPORTED, author, at, reason=department.name)
            if asks_close_out:
                TaskPart.objects.filter(pk=part.pk, done_at__isnull=True).update(done_at=at)
                _finish_part_clock(part, author, at)
    return report


def _finish_part_clock(part: TaskPart, actor, at: dt.datetime) -> None:
    content_type = ContentType.objects.get_for_model(TaskPart)
    deadline = Deadline.objects.filter(
        content_type=content_type, object_id=part.pk, kind=PART_DEADLINE_KIND, status__in=["open", "paused"]
    ).first()
    if deadline is not None:
        finish_deadline(deadline, actor, at)


def close_out(task: Task, *, actor, note: str = "", at: dt.datetime | None = None) -> Task:
    """销号: the supervisor accepts the result; every clock of the task stops."""
    at = _now(at)
    with transaction.atomic():
        current = Task.objects.select_for_update().get(pk=task.pk)
        if current.status != TaskStatus.AWAITING_ACCEPTANCE:
            raise ValidationError(
                {"status": _("A task can be closed out only when its department has submitted the result.")}
            )
        Task.objects.filter(pk=current.pk, status=TaskStatus.AWAITING_ACCEPTANCE).update(
            status=TaskStatus.CLOSED, closed_at=at, closed_by=actor, acceptance_note=(note or "").strip()[:500]
        )
        deadline = task_deadline(current)
        if deadline is not None and deadline.status != DeadlineStatus.FINISHED:
            finish_deadline(deadline, actor, at)
        for part in current.parts.filter(done_at__isnull=True):
            _finish_part_clock(part, actor, at)
        _event(
            current,
            TaskEventAction.CLOSED,
            actor,
            at,
            from_status=TaskStatus.AWAITING_ACCEPTANCE,
            to_status=TaskStatus.CLOSED,
            reason=note,
        )
        _tell(current.responsible, current, gettext("Your supervised task was closed out"), "closed")
    current.refresh_from_db()
    return current


def return_task(task: Task, *, actor, reason: str, at: dt.datetime | None = None) -> Task:
    """Send a submitted task back to work; its clock runs again."""
    at = _now(at)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please say what is still missing.")})
    with transaction.atomic():
        current = Task.objects.select_for_update().get(pk=task.pk)
        if current.status != TaskStatus.AWAITING_ACCEPTANCE:
            raise ValidationError({"status": _("Only a task awaiting acceptance can be returned.")})
        Task.objects.filter(pk=current.pk, status=TaskStatus.AWAITING_ACCEPTANCE).update(status=TaskStatus.IN_PROGRESS)
        deadline = task_deadline(current)
        if deadline is not None and deadline.status == DeadlineStatus.PAUSED:
            resume_deadline(deadline, actor, at)
        _event(
            current,
            TaskEventAction.RETURNED,
            actor,
            at,
            from_status=TaskStatus.AWAITING_ACCEPTANCE,
            to_status=TaskStatus.IN_PROGRESS,
            reason=reason,
        )
        _tell(
            current.responsible, current, gettext("Your supervised task was returned for more work"), f"returned:{at}"
        )
    current.refresh_from_db()
    return current


def extend_task(task: Task, *, actor, days: int, reason: str, at: dt.datetime | None = None) -> Task:
    """The supervisor extends the task's time limit once, by ``days`` working days, with a reason, before it expires.

    The extension is the deadline clock's own (``supervision.services.extend_deadline``: once per clock, only before
    expiry, lights lowered when the new due moment allows); the co-departments' running part clocks, which share the
    limit, are extended alike. The task's due moment follows its clock; the people working on it are told.
    """
    at = _now(at)
    with transaction.atomic():
        current = Task.objects.select_for_update().get(pk=task.pk)
        if current.status == TaskStatus.CLOSED:
            raise ValidationError({"status": _("A task that is closed out cannot be extended.")})
        deadline = task_deadline(current)
        if deadline is None:
            raise ValidationError({"status": _("This task has no clock to extend.")})
        extended = extend_deadline(deadline, days, reason, actor, at)
        parts = part_deadlines(current).filter(
            status__in=[DeadlineStatus.OPEN, DeadlineStatus.PAUSED], extended_at__isnull=True, due_at__gt=at
        )
        for part_deadline in parts:
            extend_deadline(part_deadline, days, reason, actor, at)
        Task.objects.filter(pk=current.pk).update(due_at=extended.due_at)
        _event(current, TaskEventAction.EXTENDED, actor, at, reason=extended.extension_reason)
        message = gettext("The time limit of a supervised task was extended")
        _tell(current.responsible, current, message, "extended")
        for part in current.parts.filter(done_at__isnull=True).select_related("responsible"):
            _tell(part.responsible, current, message, "extended")
    current.refresh_from_db()
    return current


def set_public_note(task: Task, *, note: str, actor) -> None:
    """The one line the public reads about a public commitment's progress (no names, no personal data)."""
    note = (note or "").strip()[:300]
    with transaction.atomic():
        Task.objects.filter(pk=task.pk).update(public_progress_note=note)
        _event(task, TaskEventAction.PUBLIC_NOTE, actor, timezone.now(), reason=note)
