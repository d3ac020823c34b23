"""Red and yellow cards of electronic supervision on cases, written explanations and talk flags (约谈)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from efficiency_portal.org.models import Department

from .cases import Case


class CardLevel(models.TextChoices):
    YELLOW = "yellow", _("Yellow card")
    RED = "red", _("Red card")


class CardTrigger(models.TextChoices):
    WARNING = "warning", _("Time limit warning")
    OVERDUE = "overdue", _("Case overdue")
    LATE_DECISION = "late_decision", _("Decided after the time limit")
    REFUSAL_WITHOUT_REASON = "refusal_without_reason", _("Refused without a valid reason")
    WRONG_FEE = "wrong_fee", _("Charged other than the published fee")


class ExplanationStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", _("No explanation needed")
    AWAITING = "awaiting", _("Awaiting the handler's explanation")
    SUBMITTED = "submitted", _("Explanation awaiting review")
    ACCEPTED = "accepted", _("Explanation accepted")
    REJECTED = "rejected", _("Explanation rejected")


class Card(models.Model):
    """One card per (case, trigger, level): a red card asks the handler for a written explanation."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="cards")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="cards"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handler"), null=True, on_delete=models.PROTECT, related_name="cards"
    )
    level = models.CharField(_("level"), max_length=8, choices=CardLevel.choices)
    trigger = models.CharField(_("trigger"), max_length=30, choices=CardTrigger.choices)
    raised_at = models.DateTimeField(_("raised at"))
    detail = models.CharField(_("detail"), max_length=300, blank=True, default="")
    explanation_status = models.CharField(
        _("explanation"), max_length=12, choices=ExplanationStatus.choices, default=ExplanationStatus.NOT_NEEDED
    )
    explanation = models.TextField(_("written explanation"), blank=True, default="")
    explained_at = models.DateTimeField(_("explained at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "trigger", "level"], name="approvals_card_once"),
        ]
        indexes = [
            models.Index(fields=["department", "level", "raised_at"], name="approvals_card_dept_month"),
            models.Index(
                fields=["handler"], condition=Q(explanation_status="awaiting"), name="approvals_card_awaiting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.case.tracking_code}"


class TalkFlag(models.Model):
    """约谈: the second red card of a department in a month flags a talk with its head."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="talk_flags"
    )
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    red_cards = models.PositiveSmallIntegerField(_("red cards that month"))
    raised_at = models.DateTimeField(_("raised at"))
    held_at = models.DateTimeField(_("talk held at"), null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True, default="")

    class Meta:
        verbose_name = _("talk flag (约谈)")
        verbose_name_plural = _("talk flags (约谈)")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["department", "month"], name="approvals_talk_once")]

    def __str__(self) -> str:
        return f"{self.department} {self.month:%Y-%m}"


class CardAction(models.TextChoices):
    RAISED = "raised", _("Card raised")
    EXPLAINED = "explained", _("Explanation submitted")
    ACCEPTED = "accepted", _("Explanation accepted")
    REJECTED = "rejected", _("Explanation rejected")


class CardEvent(models.Model):
    """One row per change of a card: who, from which explanation status to which, when, why."""

    card = models.ForeignKey(Card, verbose_name=_("card"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=CardAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the system acted."),
    )
    from_status = models.CharField(_("from"), max_length=12, choices=ExplanationStatus.choices, blank=True, default="")
    to_status = models.CharField(_("to"), max_length=12, choices=ExplanationStatus.choices, blank=True, default="")
    at = models.DateTimeField(_("at"))
    reason = models.TextField(_("why"), blank=True, default="")

    class Meta:
        verbose_name = _("card event")
        verbose_name_plural = _("card events")
        ordering = ["card", "at", "id"]
        indexes = [models.Index(fields=["card", "at"], name="approvals_cardevent_card_at")]

    def __str__(self) -> str:
        return f"{self.card_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
