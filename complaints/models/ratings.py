"""Service ratings (政务服务“好差评”) and the rectification orders of bad ones."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from efficiency_portal.org.models import Department, Staff


class RatingLevel(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied (非常满意)")
    SATISFIED = 4, _("Satisfied (满意)")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied (基本满意)")
    DISSATISFIED = 2, _("Dissatisfied (不满意)")
    VERY_DISSATISFIED = 1, _("Very dissatisfied (非常不满意)")


BAD_LEVELS = (RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED)


class RatingSubject(models.TextChoices):
    CASE = "case", _("Approval case")
    WINDOW = "window", _("Window visit")


class AppealStatus(models.TextChoices):
    NONE = "", _("None")
    PENDING = "pending", _("Appeal pending")
    UPHELD = "upheld", _("Appeal upheld: rating set aside")
    REJECTED = "rejected", _("Appeal rejected")


class ServiceRating(models.Model):
    subject = models.CharField(_("what was rated"), max_length=8, choices=RatingSubject.choices)
    case = models.OneToOneField(
        "approvals.Case",
        verbose_name=_("approval case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="service_rating",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="service_ratings"
    )
    handler = models.ForeignKey(
        Staff, verbose_name=_("handler"), null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(_("rating"), choices=RatingLevel.choices)
    service_level = models.PositiveSmallIntegerField(
        _("rating of the service"), choices=RatingLevel.choices, null=True, blank=True
    )
    window_level = models.PositiveSmallIntegerField(
        _("rating of the window"), choices=RatingLevel.choices, null=True, blank=True
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True, default="")
    is_default = models.BooleanField(
        _("by default"), default=False, help_text=_("Not rated within the window: counted as fairly satisfied.")
    )
    rated_at = models.DateTimeField(_("rated at"))
    appeal_status = models.CharField(_("appeal"), max_length=10, choices=AppealStatus.choices, blank=True, default="")
    appeal_reason = models.TextField(_("grounds of the appeal"), blank=True, default="")
    appeal_decision = models.TextField(_("decision on the appeal"), blank=True, default="")
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appeal decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")
        ordering = ["-rated_at", "-id"]
        indexes = [
            models.Index(fields=["department", "rated_at"], name="complaints_rating_dept"),
            models.Index(fields=["handler", "rated_at"], name="complaints_rating_handler"),
            models.Index(fields=["rated_at", "id"], name="complaints_rating_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="complaints_rating_level"),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} {self.get_level_display()}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:rating_detail", args=[self.pk])

    @property
    def counts(self) -> bool:
        """A rating set aside on appeal no longer counts in the figures."""
        return self.appeal_status != AppealStatus.UPHELD


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Awaiting contact with the citizen")
    CONTACTED = "contacted", _("Citizen contacted, rectifying")
    RECTIFIED = "rectified", _("Rectified, awaiting follow-up")
    CLOSED = "closed", _("Followed up and closed")
    SET_ASIDE = "set_aside", _("Set aside on appeal")


class RectificationOrder(models.Model):
    rating = models.OneToOneField(
        ServiceRating, verbose_name=_("rating"), on_delete=models.CASCADE, related_name="rectification"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="rectification_orders"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    contact_note = models.TextField(_("contact with the citizen"), blank=True, default="")
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    rectification_note = models.TextField(_("what was rectified"), blank=True, default="")
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    follow_up_note = models.TextField(_("follow-up"), blank=True, default="")

    class Meta:
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["department", "status"], name="complaints_rectif_dept")]

    def __str__(self) -> str:
        return f"{self.department} {self.opened_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:rectification_detail", args=[self.pk])
