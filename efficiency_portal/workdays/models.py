"""The working-day calendar: which years are known, and the days that differ from Mon–Fri."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose schedule is published; dates outside known years are computed provisionally and flagged."""

    class Source(models.TextChoices):
        PACKAGE = "chinesecalendar", _("chinesecalendar package")
        MANUAL = "manual", _("Entered by an administrator")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class SpecialDay(models.Model):
    """A statutory holiday on a weekday, or a weekend day that is worked (调休 make-up day)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (day off)")
        WORKDAY = "workday", _("Make-up working day (调休上班)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True, default="")
    # Part of the fingerprint with which other processes notice a change (see calendar._database_stamp).
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("special day")
        verbose_name_plural = _("special days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CalendarChange(models.Model):
    """Log of every change to the calendar and of the deadlines it moved."""

    class Action(models.TextChoices):
        YEAR_ADDED = "year_added", _("Year's schedule added")
        YEAR_REPLACED = "year_replaced", _("Year's schedule replaced")
        YEAR_SYNCED = "year_synced", _("Year loaded from the chinesecalendar package")
        YEAR_REMOVED = "year_removed", _("Year's schedule removed")
        DAY_ADDED = "day_added", _("Special day added")
        DAY_CHANGED = "day_changed", _("Special day changed")
        DAY_REMOVED = "day_removed", _("Special day removed")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices, default=Action.DAY_CHANGED)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    summary = models.CharField(_("summary"), max_length=300)
    dates = models.JSONField(_("dates"), default=list)
    deadlines_recomputed = models.PositiveIntegerField(_("deadlines recomputed"), default=0)

    class Meta:
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return self.summary
