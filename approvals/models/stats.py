"""Pre-aggregated daily figures per department and item, kept up to date by the workers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from efficiency_portal.org.models import Department

from .catalogue import Item


class DailyCaseStat(models.Model):
    """One row per (day, department, item): counts the statistics page sums instead of reading every case."""

    day = models.DateField(_("day"))
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.CASCADE)
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE)
    received = models.PositiveIntegerField(_("received"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    refused = models.PositiveIntegerField(_("not accepted"), default=0)
    supplement_notices = models.PositiveIntegerField(_("notices of missing materials"), default=0)
    finished = models.PositiveIntegerField(_("finished"), default=0)
    finished_on_time = models.PositiveIntegerField(_("finished on time"), default=0)
    finished_early = models.PositiveIntegerField(_("finished early"), default=0)
    finished_late = models.PositiveIntegerField(_("finished late"), default=0)
    warned = models.PositiveIntegerField(_("warned (yellow or red)"), default=0)
    working_days_total = models.PositiveIntegerField(_("working days used, summed"), default=0)

    class Meta:
        verbose_name = _("daily case figures")
        verbose_name_plural = _("daily case figures")
        constraints = [
            models.UniqueConstraint(fields=["day", "department", "item"], name="approvals_dailystat_unique"),
        ]
        indexes = [
            models.Index(fields=["department", "day"], name="approvals_dailystat_dept_day"),
            # The statistics page sums a period over every department: an index-only scan of the period's rows.
            models.Index(
                fields=["day"],
                include=[
                    "department",
                    "item",
                    "received",
                    "accepted",
                    "refused",
                    "supplement_notices",
                    "finished",
                    "finished_on_time",
                    "finished_early",
                    "finished_late",
                    "warned",
                    "working_days_total",
                ],
                name="approvals_dailystat_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id} {self.item_id}"


class MonthlyCaseStat(models.Model):
    """The daily figures summed per (month, department, item), rebuilt from DailyCaseStat with the days.

    A period's whole months are read from here, so the statistics page reads a number of rows bounded by months ×
    items, however many cases there were; only the partial months at its edges come from the daily rows.
    """

    month = models.DateField(_("month (its first day)"))
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="+")
    received = models.PositiveIntegerField(_("received"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    refused = models.PositiveIntegerField(_("not accepted"), default=0)
    supplement_notices = models.PositiveIntegerField(_("notices of missing materials"), default=0)
    finished = models.PositiveIntegerField(_("finished"), default=0)
    finished_on_time = models.PositiveIntegerField(_("finished on time"), default=0)
    finished_early = models.PositiveIntegerField(_("finished early"), default=0)
    finished_late = models.PositiveIntegerField(_("finished late"), default=0)
    warned = models.PositiveIntegerField(_("warned (yellow or red)"), default=0)
    working_days_total = models.PositiveIntegerField(_("working days used, summed"), default=0)

    class Meta:
        verbose_name = _("monthly case figures")
        verbose_name_plural = _("monthly case figures")
        constraints = [
            models.UniqueConstraint(fields=["month", "department", "item"], name="approvals_monthlystat_unique"),
        ]
        indexes = [models.Index(fields=["department", "month"], name="approvals_monthlystat_dept")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.department_id} {self.item_id}"
