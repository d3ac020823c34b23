"""Credit records (信用档案) of agencies, departments and civil servants: rules, entries, objections."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from efficiency_portal.common.storage import private_storage
from efficiency_portal.org.models import Department, Staff


class RuleKind(models.TextChoices):
    DEDUCTION = "deduction", _("Deduction (扣分)")
    BONUS = "bonus", _("Bonus (加分)")
    DOWNGRADE = "downgrade", _("Direct downgrade (直接降级)")


class Grade(models.TextChoices):
    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class Source(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint finding (投诉查实)")
    RED_CARD = "red_card", _("Red-card case (红牌办件)")
    BAD_RATING = "bad_rating", _("Bad rating (差评属实)")
    AUDIT = "audit", _("Audit (审计)")
    POLICE = "police", _("Police (公安)")
    PROCURATORATE = "procuratorate", _("Procuratorate (检察)")
    ASSESSMENT = "assessment", _("Assessment (考核)")
    MANUAL = "manual", _("Entered by a supervisor (人工录入)")


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Pending confirmation (待确认)")
    CONFIRMED = "confirmed", _("Confirmed (已确认)")
    DISPUTED = "disputed", _("Disputed (异议中)")
    WITHDRAWN = "withdrawn", _("Withdrawn (已撤销)")
    DISMISSED = "dismissed", _("Dismissed (不予确认)")
    EXPIRED = "expired", _("Expired (已过期)")


# Entries in these states count towards the score while their validity lasts.
COUNTING_STATUSES = (EntryStatus.CONFIRMED, EntryStatus.DISPUTED, EntryStatus.EXPIRED)


class CreditRule(models.Model):
    """One line of the rule table; an administrator edits it, entries keep the points they were given."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=RuleKind.choices)
    points = models.IntegerField(
        _("points"), default=0, help_text=_("Negative for a deduction, positive for a bonus, 0 for a downgrade.")
    )
    downgrade_to = models.CharField(
        _("downgrade to grade"), max_length=3, choices=Grade.choices, blank=True, default=""
    )
    validity_years = models.PositiveSmallIntegerField(
        _("validity (years)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the portal-wide rule (by points, or by grade for a downgrade)."),
    )
    for_staff = models.BooleanField(_("applies to civil servants"), default=True)
    for_departments = models.BooleanField(_("applies to departments"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    description = models.CharField(_("description"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("credit rule")
        verbose_name_plural = _("credit rules")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=RuleKind.DEDUCTION, points__lt=0, downgrade_to="")
                    | Q(kind=RuleKind.BONUS, points__gt=0, downgrade_to="")
                    | (Q(kind=RuleKind.DOWNGRADE, points=0) & ~Q(downgrade_to=""))
                ),
                name="credit_rule_sign_matches_kind",
                violation_error_message=_(
                    "A deduction takes negative points, a bonus positive points, a direct downgrade no points but "
                    "a grade."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CreditEntry(models.Model):
    staff = models.ForeignKey(
        Staff, verbose_name=_("civil servant"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(CreditRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="entries")
    base_points = models.IntegerField(_("points of the rule"))
    points = models.IntegerField(_("points"), help_text=_("Doubled when the rule repeats while an entry is valid."))
    repeated = models.BooleanField(_("repeat offence"), default=False)
    downgrade_to = models.CharField(_("downgrade to"), max_length=3, choices=Grade.choices, blank=True, default="")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    # Only a link to the source object: nothing of a complaint (such as who complained) is copied here.
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("source type"), null=True, blank=True, on_delete=models.PROTECT
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    source_link = models.CharField(_("source link"), max_length=300, blank=True, default="")
    detail = models.CharField(_("description"), max_length=500, blank=True, default="")
    fact_date = models.DateField(_("date of the fact"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    valid_until = models.DateField(_("valid until"), help_text=_("The first day on which it no longer counts."))
    status = models.CharField(_("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("credit entry")
        verbose_name_plural = _("credit entries")
        ordering = ["-fact_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(staff__isnull=False, department__isnull=True)
                | Q(staff__isnull=True, department__isnull=False),
                name="credit_entry_one_subject",
            ),
            models.UniqueConstraint(
                fields=["staff", "rule", "source_type", "source_id"],
                condition=Q(staff__isnull=False, source_id__isnull=False),
                name="credit_entry_once_per_staff_source",
            ),
            models.UniqueConstraint(
                fields=["department", "rule", "source_type", "source_id"],
                condition=Q(department__isnull=False, source_id__isnull=False),
                name="credit_entry_once_per_department_source",
            ),
        ]
        indexes = [
            models.Index(fields=["staff", "fact_date", "valid_until"], name="credit_entry_staff_dates"),
            models.Index(fields=["department", "fact_date", "valid_until"], name="credit_entry_dept_dates"),
            models.Index(fields=["status", "valid_until"], name="credit_entry_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name}: {self.rule.name} {self.points:+d}"

    def get_absolute_url(self) -> str:
        return reverse("credit:entry_detail", args=[self.pk])

    @property
    def subject_name(self) -> str:
        return str(self.staff or self.department)


class EntryAction(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    RECORDED = "recorded", _("Recorded")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    OBJECTED = "objected", _("Objected")
    ACCEPTED = "accepted", _("Objection accepted for review")
    UPHELD = "upheld", _("Entry upheld")
    WITHDRAWN = "withdrawn", _("Entry withdrawn")
    EXPIRED = "expired", _("Expired")


class CreditEvent(models.Model):
    entry = models.ForeignKey(CreditEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=EntryAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(_("from"), max_length=10, choices=EntryStatus.choices, blank=True, default="")
    to_status = models.CharField(_("to"), max_length=10, choices=EntryStatus.choices, blank=True, default="")
    at = models.DateTimeField(_("at"))
    reason = models.TextField(_("why"), blank=True, default="")

    class Meta:
        verbose_name = _("credit entry event")
        verbose_name_plural = _("credit entry events")
        ordering = ["at", "id"]
        constraints = [
            # The expiry sweep may run twice at once: an entry expires once.
            models.UniqueConstraint(fields=["entry"], condition=Q(action="expired"), name="credit_event_expired_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"


class ObjectionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted (待受理)")
    ACCEPTED = "accepted", _("Accepted, under review (审查中)")
    DECIDED = "decided", _("Decided (已决定)")


class ObjectionOutcome(models.TextChoices):
    UPHELD = "upheld", _("Entry upheld (维持)")
    WITHDRAWN = "withdrawn", _("Entry withdrawn (撤销)")


class CreditObjection(models.Model):
    entry = models.OneToOneField(
        CreditEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="objection"
    )
    objector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("objector"), on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.TextField(_("reasons"))
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=ObjectionOutcome.choices, blank=True, default="")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(_("reasons for the decision"), blank=True, default="")

    class Meta:
        verbose_name = _("credit objection")
        verbose_name_plural = _("credit objections")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.entry}: {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("credit:entry_detail", args=[self.entry_id])


class CreditAttachment(models.Model):
    """Evidence of an entry or papers of an objection, kept in private storage and served through a checked view."""

    entry = models.ForeignKey(
        CreditEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="attachments"
    )
    objection = models.ForeignKey(
        CreditObjection,
        verbose_name=_("objection"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to="credit/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit attachment")
        verbose_name_plural = _("credit attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
