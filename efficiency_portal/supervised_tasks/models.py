"""Supervised tasks (督查督办): a supervisor assigns, departments report progress, the supervisor closes out (销号).

A task runs on the deadline clock (kind ``task`` for the lead department, ``task_part`` for each co-department),
so it turns yellow and red and raises warnings exactly like a case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from efficiency_portal.common.storage import private_storage
from efficiency_portal.org.models import Department

DEADLINE_KIND = "task"
PART_DEADLINE_KIND = "task_part"


class TaskKind(models.TextChoices):
    REFORM = "reform", _("Reform measure (改革举措)")
    COMMITMENT = "commitment", _("Public commitment (实事承诺)")
    INSTRUCTION = "instruction", _("Leader's instruction (领导批示)")
    OTHER = "other", _("Other supervised matter (督办事项)")


class TaskStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_ACCEPTANCE = "awaiting", _("Awaiting acceptance (待销号)")
    CLOSED = "closed", _("Closed out (已销号)")


class Task(models.Model):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=TaskKind.choices, default=TaskKind.OTHER)
    description = models.TextField(_("what is to be done"))
    lead_department = models.ForeignKey(
        Department, verbose_name=_("lead department (牵头单位)"), on_delete=models.PROTECT, related_name="led_tasks"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        related_name="supervised_tasks",
    )
    limit_days = models.PositiveIntegerField(_("time limit (working days)"))
    is_public = models.BooleanField(
        _("shown on the public disclosure pages"),
        default=False,
        help_text=_("Public commitments (实事承诺) marked public appear on the disclosure pages with their progress."),
    )
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.IN_PROGRESS)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    public_progress_note = models.CharField(_("progress summary for the public"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    closed_at = models.DateTimeField(_("closed out at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed out by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acceptance_note = models.CharField(_("acceptance opinion"), max_length=500, blank=True, default="")
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervised task")
        verbose_name_plural = _("supervised tasks")
        ordering = ["-assigned_at", "-id"]
        indexes = [
            models.Index(fields=["lead_department", "status"], name="tasks_lead_status"),
            models.Index(fields=["status", "due_at"], name="tasks_status_due"),
            models.Index(fields=["lead_department"], condition=Q(is_public=True), name="tasks_public"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="tasks_progress_le_100"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervised_tasks:detail", args=[self.pk])


class TaskPart(models.Model):
    """A co-department's share of a task (配合单位), with its own clock."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="parts")
    department = models.ForeignKey(
        Department, verbose_name=_("co-department (配合单位)"), on_delete=models.PROTECT, related_name="task_parts"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible person"), on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(_("reported done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-department's part")
        verbose_name_plural = _("co-departments' parts")
        ordering = ["task", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "department"], name="tasks_part_once")]

    def __str__(self) -> str:
        return f"{self.task} · {self.department}"

    def get_absolute_url(self) -> str:
        return self.task.get_absolute_url()


class TaskReport(models.Model):
    """A progress report (进展报告) of the lead department or a co-department."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reports")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("progress"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    asks_close_out = models.BooleanField(_("asks for close-out"), default=False)
    reported_at = models.DateTimeField(_("reported at"))

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["reported_at", "id"]
        indexes = [models.Index(fields=["task", "reported_at"], name="tasks_report_task")]

    def __str__(self) -> str:
        return f"{self.task} · {self.reported_at:%Y-%m-%d}"


class TaskAttachment(models.Model):
    report = models.ForeignKey(
        TaskReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="tasks/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class TaskEventAction(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    REPORTED = "reported", _("Progress reported")
    SUBMITTED = "submitted", _("Submitted for close-out")
    RETURNED = "returned", _("Returned for more work")
    CLOSED = "closed", _("Closed out")
    PUBLIC_NOTE = "public_note", _("Public summary changed")
    EXTENDED = "extended", _("Time limit extended")


class TaskEvent(models.Model):
    """One row per transition: who, from, to, when, why."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=TaskEventAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(_("from status"), max_length=12, choices=TaskStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=12, choices=TaskStatus.choices, blank=True)
    at = models.DateTimeField(_("at"))
    reason = models.CharField(_("why"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.action}"
