"""Schemes: what is assessed, by which indicators with which weights, add/deduct rules, vetoes, quota and bonus."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def default_quota() -> Decimal:
    return Decimal(str(getattr(settings, "ASSESSMENT_EXCELLENT_QUOTA", 20)))


def max_quota() -> Decimal:
    return Decimal(str(getattr(settings, "ASSESSMENT_EXCELLENT_QUOTA_MAX", 25)))


class SubjectKind(models.TextChoices):
    STAFF = "staff", _("Civil servants")
    DEPARTMENT = "department", _("Departments")


class Grade(models.TextChoices):
    """Four grades, best first; their names differ for people and for departments (see :func:`grade_label`)."""

    EXCELLENT = "excellent", _("Excellent (优秀)")
    GOOD = "good", _("Competent / good (称职/良好)")
    PASS = "pass", _("Basically competent / pass (基本称职/合格)")
    FAIL = "fail", _("Incompetent / fail (不称职/不合格)")


GRADE_ORDER = [Grade.EXCELLENT, Grade.GOOD, Grade.PASS, Grade.FAIL]
STAFF_GRADE_LABELS = {
    Grade.EXCELLENT: _("Excellent (优秀)"),
    Grade.GOOD: _("Competent (称职)"),
    Grade.PASS: _("Basically competent (基本称职)"),
    Grade.FAIL: _("Incompetent (不称职)"),
}
DEPARTMENT_GRADE_LABELS = {
    Grade.EXCELLENT: _("Excellent (优秀)"),
    Grade.GOOD: _("Good (良好)"),
    Grade.PASS: _("Pass (合格)"),
    Grade.FAIL: _("Fail (不合格)"),
}


def grade_label(grade: str, subject_kind: str):
    if not grade:
        return ""
    labels = STAFF_GRADE_LABELS if subject_kind == SubjectKind.STAFF else DEPARTMENT_GRADE_LABELS
    return labels.get(grade, grade)


def worse_grade(first: str, second: str) -> str:
    return first if GRADE_ORDER.index(first) >= GRADE_ORDER.index(second) else second


class Scheme(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    subject_kind = models.CharField(_("assessed"), max_length=12, choices=SubjectKind.choices)
    description = models.TextField(_("description"), blank=True, default="")
    excellent_quota = models.DecimalField(
        _("quota on excellent (%)"),
        max_digits=5,
        decimal_places=2,
        default=default_quota,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Share of the assessed who may be graded excellent, by rank; never above the hard maximum."),
    )
    excellent_min = models.DecimalField(_("excellent from (points)"), max_digits=6, decimal_places=2, default=90)
    good_min = models.DecimalField(_("competent/good from (points)"), max_digits=6, decimal_places=2, default=75)
    pass_min = models.DecimalField(_("basic/pass from (points)"), max_digits=6, decimal_places=2, default=60)
    bonus_enabled = models.BooleanField(_("pays a monthly performance bonus"), default=False)
    bonus_base = models.DecimalField(_("bonus base (yuan)"), max_digits=10, decimal_places=2, default=0)
    bonus_baseline = models.DecimalField(
        _("bonus baseline (points)"),
        max_digits=6,
        decimal_places=2,
        default=80,
        help_text=_("Points above this add to the base, points below deduct from it."),
    )
    bonus_per_point = models.DecimalField(_("yuan per point"), max_digits=10, decimal_places=2, default=0)
    bonus_add_cap = models.DecimalField(_("largest addition (yuan)"), max_digits=10, decimal_places=2, default=0)
    bonus_deduct_cap = models.DecimalField(_("largest deduction (yuan)"), max_digits=10, decimal_places=2, default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["subject_kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assessment:scheme_detail", args=[self.pk])


class IndicatorKind(models.TextChoices):
    COMPUTED = "computed", _("Computed from the portal's facts")
    EVALUATED = "evaluated", _("Scored by evaluators")


class EvaluatorRole(models.TextChoices):
    DEMOCRATIC = "democratic", _("Democratic evaluation (民主测评)")
    LEADER = "leader", _("Leaders' evaluation (领导评价)")


class Indicator(models.Model):
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=IndicatorKind.choices)
    provider = models.CharField(
        _("source"), max_length=40, blank=True, default="", help_text=_("Which fact a computed indicator reads.")
    )
    evaluator_role = models.CharField(
        _("evaluators"), max_length=12, choices=EvaluatorRole.choices, blank=True, default=""
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    per_unit = models.DecimalField(
        _("points off per unit"),
        max_digits=6,
        decimal_places=2,
        default=20,
        help_text=_("For counting indicators (red cards, complaints upheld): 100 less this for each one."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["scheme", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="computed", evaluator_role="") | Q(kind="evaluated", provider=""),
                name="assessment_indicator_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AdjustmentRule(models.Model):
    """An add or deduct item: points per unit (a late arrival, a day of absence), optionally tiered and capped."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="adjustment_rules"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    points = models.DecimalField(
        _("points per unit"), max_digits=6, decimal_places=2, help_text=_("Negative deducts, positive adds.")
    )
    unit = models.CharField(_("unit"), max_length=20, default="次")
    free_units = models.DecimalField(
        _("units free of charge"),
        max_digits=6,
        decimal_places=2,
        default=0,
        help_text=_("Tiered rules: the first units cost nothing (e.g. the first 3 days of leave)."),
    )
    tier_after = models.DecimalField(
        _("second tier after (units)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    tier_points = models.DecimalField(
        _("points per unit in the second tier"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    cap = models.DecimalField(
        _("largest total (points, absolute)"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("add/deduct rule")
        verbose_name_plural = _("add/deduct rules")
        ordering = ["scheme", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="assessment_rule_code")]

    def __str__(self) -> str:
        return self.name


class VetoRule(models.Model):
    """一票否决: a fact that caps the grade whatever the score."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="veto_rules")
    name = models.CharField(_("name"), max_length=100)
    cap_grade = models.CharField(_("grade at most"), max_length=12, choices=Grade.choices, default=Grade.PASS)

    class Meta:
        verbose_name = _("veto (一票否决)")
        verbose_name_plural = _("vetoes (一票否决)")
        ordering = ["scheme", "name"]

    def __str__(self) -> str:
        return self.name
