"""Deadlines of supervised things, their traffic lights, pauses, events and warnings (电子监察).

One row of :class:`Deadline` watches one supervised subject (a case, a complaint, a rating, a task ...). Its due
moment is always derived from four numbers — the start, the limit, the working days paused and the working days of
the one extension — so a calendar change can recompute it in bulk. The sweep turns the light
green → yellow → red with set-based UPDATEs that claim the rows they change with a fresh ``sweep_token``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from efficiency_portal.org.models import Department


class Light(models.TextChoices):
    GREEN = "green", _("Green (on schedule)")
    YELLOW = "yellow", _("Yellow (due soon)")
    RED = "red", _("Red (overdue)")


def light_label(code: str | None) -> str:
    """The translated words of a light ("绿灯（正常）"), never the bare code: for pages, screen readers and exports,
    so that a light never speaks by colour alone (WCAG 2.1 SC 1.4.1; GB/T 37668 §5.2.1). Empty for no light."""
    return str(Light(code).label) if code in Light.values else ""


class DeadlineStatus(models.TextChoices):
    OPEN = "open", _("Running")
    PAUSED = "paused", _("Paused")
    FINISHED = "finished", _("Finished")


class Outcome(models.TextChoices):
    # early: finished on a calendar day before the due day; on_time: on the due day, by the due moment;
    # late: after the due moment.
    EARLY = "early", _("Finished early")
    ON_TIME = "on_time", _("Finished on time")
    LATE = "late", _("Finished late")


class Deadline(models.Model):
    content_type = models.ForeignKey(ContentType, verbose_name=_("subject type"), on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("subject id"))
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=30, help_text=_("Short code of the subject type, e.g. case."))
    title = models.CharField(_("title"), max_length=200)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="deadlines"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person (承办人)"),
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    started_at = models.DateTimeField(_("started at"))
    limit_days = models.PositiveIntegerField(_("time limit (working days)"))
    paused_days = models.PositiveIntegerField(_("working days paused"), default=0)
    extension_days = models.PositiveIntegerField(_("working days of extension"), default=0)
    yellow_days = models.PositiveSmallIntegerField(
        _("yellow warning (working days before due)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the portal-wide setting."),
    )
    due_at = models.DateTimeField(_("due at"))
    due_provisional = models.BooleanField(
        _("due date provisional"),
        default=False,
        help_text=_("The due date lies beyond the published holiday calendar."),
    )
    yellow_from = models.DateTimeField(_("yellow from"))
    light = models.CharField(_("light"), max_length=8, choices=Light.choices, default=Light.GREEN)
    previous_light = models.CharField(_("previous light"), max_length=8, choices=Light.choices, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True, default="")
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    extension_reason = models.CharField(_("reason for extension"), max_length=300, blank=True, default="")
    # Set by every set-based UPDATE to a value of its own, so the INSERT ... SELECTs that follow in the same
    # transaction see exactly the rows that UPDATE changed.
    sweep_token = models.UUIDField(_("claim token"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "kind"], name="supervision_deadline_subject"),
            models.CheckConstraint(condition=Q(yellow_from__lte=models.F("due_at")), name="supervision_yellow_le_due"),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="supervision_dl_subject"),
            # The sweep reads only open rows through these two partial indexes; finished rows are never scanned.
            models.Index(
                fields=["yellow_from"],
                condition=Q(status="open", light="green"),
                name="supervision_dl_sweep_yellow",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(status="open", light__in=["green", "yellow"]),
                name="supervision_dl_sweep_red",
            ),
            models.Index(fields=["sweep_token"], condition=Q(sweep_token__isnull=False), name="supervision_dl_token"),
            models.Index(fields=["department", "due_at"], name="supervision_dl_dept_due"),
            models.Index(fields=["responsible", "status"], name="supervision_dl_responsible"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:deadline_detail", args=[self.pk])

    @property
    def total_days(self) -> int:
        """Working days counted from the start: the limit, plus the days paused, plus the extension."""
        return self.limit_days + self.paused_days + self.extension_days


class DeadlinePause(models.Model):
    """A stretch of time that by law does not count (特别程序: hearing, tender, testing, expert review ...)."""

    deadline = models.ForeignKey(Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    working_days = models.PositiveIntegerField(_("working days counted"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("paused by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("resumed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline"], condition=Q(ended_at__isnull=True), name="supervision_one_open_pause"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deadline} · {self.reason}"


class EventAction(models.TextChoices):
    OPENED = "opened", _("Opened")
    PAUSED = "paused", _("Paused")
    RESUMED = "resumed", _("Resumed")
    EXTENDED = "extended", _("Extended")
    FINISHED = "finished", _("Finished")
    LIGHT = "light", _("Light changed")
    RESPONSIBLE = "responsible", _("Responsible person changed")
    RECOMPUTED = "recomputed", _("Due date recomputed")


class DeadlineEvent(models.Model):
    """One row per transition of a deadline: who, from what, to what, when, why."""

    deadline = models.ForeignKey(Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=EventAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the system acted (the sweep)."),
    )
    from_status = models.CharField(
        _("from status"), max_length=10, choices=DeadlineStatus.choices, blank=True, default=""
    )
    to_status = models.CharField(_("to status"), max_length=10, choices=DeadlineStatus.choices, blank=True, default="")
    from_light = models.CharField(_("from light"), max_length=8, choices=Light.choices, blank=True, default="")
    to_light = models.CharField(_("to light"), max_length=8, choices=Light.choices, blank=True, default="")
    at = models.DateTimeField(_("at"))
    reason = models.CharField(_("why"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("deadline event")
        verbose_name_plural = _("deadline events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["deadline", "at"], name="supervision_event_dl_at")]

    def __str__(self) -> str:
        return f"{self.deadline_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class WarningLevel(models.TextChoices):
    YELLOW = "yellow", _("Yellow warning (预警)")
    RED = "red", _("Red warning (超期)")


class Warning(models.Model):
    """At most one warning per deadline and level, however often or concurrently the sweep runs."""

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE, related_name="warnings"
    )
    level = models.CharField(_("level"), max_length=8, choices=WarningLevel.choices)
    raised_at = models.DateTimeField(_("raised at"))
    acknowledged_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["deadline", "level"], name="supervision_warning_once")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.deadline}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:warning_detail", args=[self.pk])


class RecipientRole(models.TextChoices):
    RESPONSIBLE = "responsible", _("Responsible person (承办人)")
    HEAD = "head", _("Department head (审核人)")
    LEADER = "leader", _("Leader in charge (分管领导)")


class WarningRecipient(models.Model):
    """Who was told of a warning, in which capacity, and when they opened it."""

    warning = models.ForeignKey(Warning, verbose_name=_("warning"), on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("told"), on_delete=models.CASCADE, related_name="warnings_received"
    )
    role = models.CharField(_("as"), max_length=12, choices=RecipientRole.choices)
    told_at = models.DateTimeField(_("told at"))
    acknowledged_at = models.DateTimeField(_("opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("warning recipient")
        verbose_name_plural = _("warning recipients")
        ordering = ["warning", "id"]
        constraints = [
            # One person is told once per warning, even when they are both handler and head.
            models.UniqueConstraint(fields=["warning", "user"], name="supervision_recipient_once"),
        ]
        indexes = [models.Index(fields=["user", "told_at"], name="supervision_recipient_user")]

    def __str__(self) -> str:
        return f"{self.warning} → {self.user}"
