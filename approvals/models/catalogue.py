"""The catalogue of approval items (事项目录 / 办事指南) with the seven things every item discloses (七公开)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from efficiency_portal.org.models import Department


class Topic(models.Model):
    """A theme citizens browse by (主题分类), e.g. 企业开办, 工程建设, 社会保障."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ItemKind(models.TextChoices):
    INSTANT = "instant", _("Finished the same day (即办件)")
    PROMISED = "promised", _("Finished within a promised limit (承诺件)")


class SupplementMode(models.TextChoices):
    RESTART = "restart", _("Restart the pre-review clock when materials are supplemented")
    PAUSE = "pause", _("Pause the pre-review clock while waiting for materials")


class Item(models.Model):
    """An approval item and its service guide: legal basis, procedure, conditions, materials, fee, limits, channel."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="items"
    )
    code = models.SlugField(_("item code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices, default=ItemKind.PROMISED)
    summary = models.CharField(_("summary"), max_length=300, blank=True, default="")
    legal_basis = models.TextField(_("legal basis (设定依据)"))
    procedure = models.TextField(_("procedure (办理流程)"))
    conditions = models.TextField(_("conditions (申请条件)"))
    fee_basis = models.TextField(_("fee basis (收费依据)"), blank=True, default="")
    fee_standard = models.CharField(_("fee standard (收费标准)"), max_length=300, blank=True, default="")
    fee_amount = models.DecimalField(
        _("fee (yuan)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("0 means the item is free of charge."),
    )
    statutory_limit_days = models.PositiveSmallIntegerField(_("statutory limit (working days)"))
    promised_limit_days = models.PositiveSmallIntegerField(_("promised limit (working days)"))
    complaint_channel = models.CharField(_("complaint channel (监督投诉渠道)"), max_length=300)
    window_address = models.CharField(_("where to apply"), max_length=200, blank=True, default="")
    online = models.BooleanField(_("can be applied for online"), default=True)
    supplement_mode = models.CharField(
        _("when materials are supplemented"),
        max_length=10,
        choices=SupplementMode.choices,
        blank=True,
        default="",
        help_text=_("Leave empty to use the portal-wide setting."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("approval item")
        verbose_name_plural = _("approval items")
        ordering = ["department__sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=F("statutory_limit_days")),
                name="approvals_item_promised_within_statutory",
            ),
        ]
        indexes = [models.Index(fields=["department", "is_published"], name="approvals_item_dept_pub")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return self.fee_amount == 0


class ItemMaterial(models.Model):
    """A material the applicant hands in, with a sample or template to copy."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("name"), max_length=150)
    description = models.CharField(_("description"), max_length=300, blank=True, default="")
    required = models.BooleanField(_("required"), default=True)
    sample = models.FileField(_("sample or template"), upload_to="catalogue/samples/", blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")
        ordering = ["item", "sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class StepCode(models.TextChoices):
    ACCEPT = "accept", _("Acceptance (受理)")
    REVIEW = "review", _("Review (审查)")
    DECIDE = "decide", _("Decision (决定)")
    DELIVER = "deliver", _("Delivery (送达)")


class ItemStep(models.Model):
    """One step of an item's procedure with its own time limit, inside the item's overall limit."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="steps")
    code = models.CharField(_("step"), max_length=10, choices=StepCode.choices)
    name = models.CharField(_("name"), max_length=50)
    limit_days = models.PositiveSmallIntegerField(_("limit (working days)"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")
        ordering = ["item", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="approvals_step_unique_code")]

    def __str__(self) -> str:
        return f"{self.item} · {self.name}"
