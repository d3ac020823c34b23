"""Pauses of a case for a special procedure (特别程序), with what the applicant is told."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .cases import Case


class SpecialProcedure(models.TextChoices):
    """Procedures whose time does not count towards the limit (行政许可法 §45)."""

    HEARING = "hearing", _("Hearing (听证)")
    TENDERING = "tendering", _("Tendering (招标)")
    AUCTION = "auction", _("Auction (拍卖)")
    INSPECTION = "inspection", _("Inspection (检验)")
    TESTING = "testing", _("Testing (检测)")
    QUARANTINE = "quarantine", _("Quarantine (检疫)")
    APPRAISAL = "appraisal", _("Appraisal (鉴定)")
    EXPERT_REVIEW = "expert_review", _("Expert review (专家评审)")
    SITE_SURVEY = "site_survey", _("Site survey (现场勘查)")


class CasePause(models.Model):
    """One stretch of a special procedure; the clocks of the case are paused meanwhile."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="pauses")
    procedure = models.CharField(_("special procedure"), max_length=20, choices=SpecialProcedure.choices)
    reason = models.CharField(_("reason"), max_length=300)
    expected_days = models.PositiveSmallIntegerField(_("expected length (working days)"))
    started_at = models.DateTimeField(_("paused at"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("paused by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resumed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("special procedure pause")
        verbose_name_plural = _("special procedure pauses")
        ordering = ["case", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at__isnull=True), name="approvals_one_open_pause"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.get_procedure_display()}"
