"""Pages: statistics by department (with an Excel export) and one department's monthly trend and items."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.selectors import stats
from efficiency_portal.common.excel import export

MAX_SPAN_DAYS = 3 * 366
TREND_MONTHS = 12

RATE_COLUMNS = [
    (_("Received"), "received"),
    (_("Accepted"), "accepted"),
    (_("Finished"), "finished"),
    (_("On-time rate (按时办结率) %"), "on_time_rate"),
    (_("Early rate (提前办结率) %"), "early_rate"),
    (_("Late rate (超期率) %"), "late_rate"),
    (_("Warning rate (预警率) %"), "warning_rate"),
    (_("Average working days"), "average_working_days"),
    (_("Supplement rate (补正率) %"), "supplement_rate"),
    (_("Refusal rate (不予受理率) %"), "refusal_rate"),
]


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end comes before the start."))
            elif (end - start).days > MAX_SPAN_DAYS:
                self.add_error("end", _("Choose a period of at most three years."))
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"
        return data


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date | None, dt.date | None]:
    today = timezone.localdate()
    data = request.GET if "start" in request.GET or "end" in request.GET else None
    form = PeriodForm(data, initial={"start": today.replace(day=1), "end": today})
    if data is None:
        return form, today.replace(day=1), today
    if not form.is_valid():
        return form, None, None
    return form, form.cleaned_data["start"], form.cleaned_data["end"]


def _columns(first_header) -> list:
    return [(first_header, "label"), *RATE_COLUMNS]


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    if not stats.may_read_statistics(request.user):
        raise PermissionDenied
    form, start, end = _period(request)
    if start is None:
        return render(request, "approvals/stats/statistics.html", {"form": form, "rows": None}, status=400)
    departments = stats.statistics_departments(request.user)
    # ``department=<code>`` (repeatable) limits the page to those departments, e.g. a leader's from the dashboard.
    codes = request.GET.getlist("department")
    if codes:
        departments = departments.filter(code__in=codes)
    rows = stats.figures_by_department(start, end, departments)
    overall = stats.total(rows, label=str(_("Total")))
    if request.GET.get("export") == "xlsx":
        return export(
            [*rows, overall],
            _columns(_("Department")),
            f"statistics-{start:%Y%m%d}-{end:%Y%m%d}",
            title=_("Statistics"),
        )
    context = {"form": form, "rows": rows, "overall": overall, "start": start, "end": end, "department_codes": codes}
    return render(request, "approvals/stats/statistics.html", context)


@login_required
def department_statistics(request: HttpRequest, code: str) -> HttpResponse:
    if not stats.may_read_statistics(request.user):
        raise PermissionDenied
    department = stats.statistics_departments(request.user).filter(code=code).first()
    if department is None:
        raise PermissionDenied
    form, start, end = _period(request)
    if start is None:
        context = {"form": form, "department": department, "rows": None}
        return render(request, "approvals/stats/department.html", context, status=400)
    rows = stats.figures_by_item(department, start, end)
    if request.GET.get("export") == "xlsx":
        return export(rows, _columns(_("Item")), f"statistics-{department.code}-{start:%Y%m%d}-{end:%Y%m%d}")
    months_back = end.year * 12 + end.month - 1 - (TREND_MONTHS - 1)
    trend_start = dt.date(months_back // 12, months_back % 12 + 1, 1)
    trend = stats.monthly_trend(department, trend_start, end)
    chart = {
        "labels": [row.label for row in trend],
        "series": [
            {"label": str(_("Received")), "data": [row.received for row in trend], "axis": "count"},
            {"label": str(_("Finished")), "data": [row.finished for row in trend], "axis": "count"},
            {
                "label": str(_("On-time rate (按时办结率) %")),
                "data": [None if row.on_time_rate is None else float(row.on_time_rate) for row in trend],
                "axis": "rate",
            },
        ],
    }
    context = {
        "form": form,
        "department": department,
        "rows": rows,
        "summary": stats.department_figures(department, start, end),
        "trend": trend,
        "chart": chart,
        "start": start,
        "end": end,
    }
    return render(request, "approvals/stats/department.html", context)
