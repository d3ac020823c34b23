"""Periods, their runs, results with explained score lines, evaluator forms, add/deduct entries, vetoes, appeals."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from efficiency_portal.org.models import Department, Staff

from .schemes import AdjustmentRule, Grade, Indicator, Scheme, VetoRule, grade_label


def default_appeal_days() -> int:
    return int(getattr(settings, "ASSESSMENT_APPEAL_DAYS", 5))


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Annual")


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open (forms being filled in)")
    COMPUTED = "computed", _("Computed, not published")
    PUBLISHED = "published", _("Published")


class RunState(models.TextChoices):
    """Where the latest requested run of a period stands; set by the page when queued and by the task."""

    IDLE = "idle", _("Not run yet")
    QUEUED = "queued", _("Run queued")
    RUNNING = "running", _("Run in progress")
    DONE = "done", _("Run finished")
    FAILED = "failed", _("Run failed")


class Period(models.Model):
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="periods")
    kind = models.CharField(_("kind"), max_length=8, choices=PeriodKind.choices)
    name = models.CharField(_("name"), max_length=100)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    status = models.CharField(_("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    forms_close_at = models.DateTimeField(_("evaluation forms close at"))
    appeal_days = models.PositiveSmallIntegerField(
        _("appeal window (working days)"),
        default=default_appeal_days,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True, on_delete=models.PROTECT
    )
    appeal_until = models.DateTimeField(_("appeals until"), null=True, blank=True)
    run_state = models.CharField(_("run"), max_length=8, choices=RunState.choices, default=RunState.IDLE)
    run_requested_at = models.DateTimeField(_("run requested at"), null=True, blank=True)
    run_started_at = models.DateTimeField(_("run started at"), null=True, blank=True)
    run_finished_at = models.DateTimeField(_("run finished at"), null=True, blank=True)
    run_message = models.CharField(_("why the run failed"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment period")
        verbose_name_plural = _("assessment periods")
        ordering = ["-end", "scheme"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "kind", "start"], name="assessment_period_once"),
            models.CheckConstraint(condition=Q(start__lte=models.F("end")), name="assessment_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:period_detail", args=[self.pk])


class Run(models.Model):
    """One computation of a period: when, by whom, how much it wrote and how long it took."""

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField(_("run number"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    subjects = models.PositiveIntegerField(_("assessed"), default=0)
    lines = models.PositiveIntegerField(_("score lines"), default=0)
    changed = models.PositiveIntegerField(_("results whose total or grade changed"), default=0)

    class Meta:
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ["period", "-number"]
        constraints = [models.UniqueConstraint(fields=["period", "number"], name="assessment_run_number")]

    def __str__(self) -> str:
        return f"{self.period} #{self.number}"


class Result(models.Model):
    """The score and grade of one person or department in one period. ``subject_id`` is the Staff or Department id."""

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="results")
    subject_id = models.PositiveIntegerField(_("subject id"))
    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="assessment_results"
    )
    total = models.DecimalField(_("total points"), max_digits=8, decimal_places=2, default=0)
    rank = models.PositiveIntegerField(_("rank"), default=0)
    computed_grade = models.CharField(_("grade by points"), max_length=12, choices=Grade.choices, blank=True)
    proposed_grade = models.CharField(
        _("grade after vetoes, blocks and quota"), max_length=12, choices=Grade.choices, blank=True
    )
    adjusted_grade = models.CharField(_("adjusted grade"), max_length=12, choices=Grade.choices, blank=True)
    adjusted_reason = models.TextField(_("reason of the adjustment"), blank=True, default="")
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adjusted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    adjusted_at = models.DateTimeField(_("adjusted at"), null=True, blank=True)
    notes = models.JSONField(_("vetoes and blocks applied"), default=list, blank=True)
    flagged = models.BooleanField(_("flagged for the supervisors"), default=False)
    bonus = models.DecimalField(_("performance bonus (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        ordering = ["period", "rank", "subject_id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "subject_id"], name="assessment_result_once"),
        ]
        indexes = [
            models.Index(fields=["staff", "period"], name="assessment_result_staff"),
            models.Index(fields=["department", "period"], name="assessment_result_dept"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.subject_name}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:result_detail", args=[self.pk])

    @property
    def subject_name(self) -> str:
        return self.staff.name if self.staff_id else self.department.name

    @property
    def grade(self) -> str:
        return self.adjusted_grade or self.proposed_grade

    @property
    def grade_display(self):
        return grade_label(self.grade, self.period.scheme.subject_kind)


class ScoreLine(models.Model):
    """One part of a total: an indicator's weighted points or an add/deduct item, with the facts behind it."""

    class Kind(models.TextChoices):
        INDICATOR = "indicator", _("Indicator")
        ADJUSTMENT = "adjustment", _("Add/deduct item")

    result = models.ForeignKey(Result, verbose_name=_("result"), on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(
        AdjustmentRule, verbose_name=_("rule"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(_("label"), max_length=120)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, null=True, blank=True)
    raw_value = models.DecimalField(_("raw value"), max_digits=12, decimal_places=4, null=True, blank=True)
    raw_text = models.CharField(_("raw value, described"), max_length=200, blank=True, default="")
    score = models.DecimalField(_("score out of 100"), max_digits=7, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2)
    facts = models.JSONField(_("facts"), default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("score line")
        verbose_name_plural = _("score lines")
        ordering = ["result", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.label}: {self.points}"


class FormStatus(models.TextChoices):
    OPEN = "open", _("To fill in")
    SUBMITTED = "submitted", _("Submitted")


class EvaluationForm(models.Model):
    """The form one evaluator fills in for one evaluated indicator of a period."""

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="forms")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+")
    evaluator = models.ForeignKey(
        Staff, verbose_name=_("evaluator"), on_delete=models.PROTECT, related_name="assessment_forms"
    )
    status = models.CharField(_("status"), max_length=10, choices=FormStatus.choices, default=FormStatus.OPEN)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation form")
        verbose_name_plural = _("evaluation forms")
        ordering = ["period", "evaluator"]
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator", "evaluator"], name="assessment_form_once"),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.indicator} · {self.evaluator}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:form_fill", args=[self.pk])


class EvaluationEntry(models.Model):
    """One assigned person or department on a form; score 1–5, or 不了解 (unknown), empty until filled in."""

    form = models.ForeignKey(EvaluationForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="entries")
    subject_id = models.PositiveIntegerField(_("subject id"))
    subject_name = models.CharField(_("assessed"), max_length=100)
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    unknown = models.BooleanField(_("not known (不了解)"), default=False)

    class Meta:
        verbose_name = _("evaluation entry")
        verbose_name_plural = _("evaluation entries")
        ordering = ["form", "subject_name", "subject_id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "subject_id"], name="assessment_entry_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5, unknown=False),
                name="assessment_entry_scale",
            ),
        ]
        indexes = [models.Index(fields=["subject_id"], name="assessment_entry_subject")]

    def __str__(self) -> str:
        return f"{self.subject_name}: {self.score}"


class AdjustmentEntry(models.Model):
    """A recorded add/deduct fact: which rule, for whom, how many units, on what day."""

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="adjustments")
    rule = models.ForeignKey(AdjustmentRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="entries")
    subject_id = models.PositiveIntegerField(_("subject id"))
    quantity = models.DecimalField(
        _("units"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)], default=1
    )
    fact_date = models.DateField(_("date of the fact"))
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("add/deduct entry")
        verbose_name_plural = _("add/deduct entries")
        ordering = ["period", "fact_date", "id"]
        indexes = [models.Index(fields=["period", "subject_id"], name="assessment_adj_subject")]

    def __str__(self) -> str:
        return f"{self.rule} × {self.quantity}"


class VetoEntry(models.Model):
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="vetoes")
    rule = models.ForeignKey(VetoRule, verbose_name=_("veto"), on_delete=models.PROTECT, related_name="entries")
    subject_id = models.PositiveIntegerField(_("subject id"))
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("veto entry")
        verbose_name_plural = _("veto entries")
        constraints = [
            models.UniqueConstraint(fields=["period", "rule", "subject_id"], name="assessment_veto_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.subject_id}"


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Awaiting decision")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")


class Appeal(models.Model):
    result = models.ForeignKey(Result, verbose_name=_("result"), on_delete=models.CASCADE, related_name="appeals")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN)
    filed_at = models.DateTimeField(_("filed at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision = models.TextField(_("decision"), blank=True, default="")

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at"]
        constraints = [
            models.UniqueConstraint(fields=["result"], condition=Q(status="open"), name="assessment_appeal_one_open"),
        ]
        indexes = [models.Index(fields=["status", "filed_at"], name="assessment_appeal_status")]

    def __str__(self) -> str:
        return f"{self.result} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return self.result.get_absolute_url()


class AssessmentEvent(models.Model):
    """Who changed what in a period: runs, publishing, grade adjustments, appeals, form submissions."""

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="events")
    result = models.ForeignKey(
        Result, verbose_name=_("result"), null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    from_value = models.CharField(_("from"), max_length=30, blank=True, default="")
    to_value = models.CharField(_("to"), max_length=30, blank=True, default="")
    at = models.DateTimeField(_("at"))
    reason = models.TextField(_("why"), blank=True, default="")

    class Meta:
        verbose_name = _("assessment event")
        verbose_name_plural = _("assessment events")
        ordering = ["period", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"
