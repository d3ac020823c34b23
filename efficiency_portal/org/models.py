"""The organisation: departments as a tree, staff, posts with A/B backups (AB岗), away notices."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups with these names; permissions follow the role, not the person."""

    CLERK = "clerk", _("Clerk (承办人)")
    DEPARTMENT_HEAD = "department_head", _("Department head (审核人)")
    LEADER = "leader", _("Leader in charge (分管领导)")
    SUPERVISOR = "supervisor", _("Supervisor (效能办)")
    ADMINISTRATOR = "administrator", _("Administrator")


class Department(models.Model):
    class Kind(models.TextChoices):
        AGENCY = "agency", _("Agency")
        DEPARTMENT = "department", _("Department")
        WINDOW = "window", _("Service window")

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True, default="")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        "Staff",
        verbose_name=_("department head (审核人)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )
    leader_in_charge = models.ForeignKey(
        "Staff",
        verbose_name=_("leader in charge (分管领导)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_departments",
    )
    address = models.CharField(_("address"), max_length=200, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=30, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="org_department_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A civil servant or other staff member, linked one-to-one with the user who signs in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="staff"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="staff"
    )
    name = models.CharField(_("name"), max_length=50)
    employee_no = models.CharField(_("employee number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=50, blank=True, default="")
    phone = models.CharField(_("office phone"), max_length=30, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["department__sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """A post (岗位) with its A holder and the B holder who stands in when A is away (AB岗)."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="posts"
    )
    name = models.CharField(_("post"), max_length=80)
    duties = models.TextField(_("duties"), blank=True, default="")
    holder = models.ForeignKey(
        Staff, verbose_name=_("A post holder"), on_delete=models.PROTECT, related_name="posts_held"
    )
    backup = models.ForeignKey(
        Staff, verbose_name=_("B post (backup)"), on_delete=models.PROTECT, related_name="posts_backed"
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["department__sort_order", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(holder=F("backup")), name="org_post_backup_not_holder"),
            models.UniqueConstraint(fields=["department", "name"], name="org_post_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.name}"


class AwayNotice(models.Model):
    """去向告知: who is away from their post, why, from when until when."""

    class Reason(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        BUSINESS = "business", _("Official business")
        TRIP = "trip", _("Business trip")
        TRAINING = "training", _("Training")
        LEAVE = "leave", _("Leave")
        SICK = "sick", _("Sick leave")
        OTHER = "other", _("Other")

    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="away_notices"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    destination = models.CharField(_("where"), max_length=100, blank=True, default="")
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("away notice")
        verbose_name_plural = _("away notices")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="org_away_ends_after_start"),
        ]
        indexes = [models.Index(fields=["staff", "starts_at", "ends_at"], name="org_away_staff_span")]

    def __str__(self) -> str:
        return f"{self.staff} · {self.get_reason_display()}"

    def state(self, at: dt.datetime | None = None) -> str:
        """The state at ``at`` (default now): cancelled, active (in force), planned or over."""
        at = at or timezone.now()
        if self.cancelled_at is not None:
            return "cancelled"
        if self.starts_at <= at < self.ends_at:
            return "active"
        return "planned" if at < self.starts_at else "over"


class AwayNoticeEvent(models.Model):
    """One row per change of an away notice (registered, cancelled, back early): who, what, when, before/after."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        CANCELLED = "cancelled", _("Cancelled")
        RETURNED = "returned", _("Back early")

    notice = models.ForeignKey(
        AwayNotice, verbose_name=_("away notice"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    ends_at_before = models.DateTimeField(_("until (before)"), null=True, blank=True)
    ends_at_after = models.DateTimeField(_("until (after)"), null=True, blank=True)

    class Meta:
        verbose_name = _("away notice event")
        verbose_name_plural = _("away notice events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.notice_id} · {self.action}"
