"""Pages of the working-day calendar: the public year view with the deadline calculator, and its management."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from efficiency_portal.org.models import Role
from efficiency_portal.org.roles import has_role

from . import selectors, services
from .forms import VIEW_YEAR_RANGE, DeadlineCalculatorForm, SpecialDayForm, YearScheduleForm, apply_service_errors
from .models import SpecialDay


def _year_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    if raw.isdigit() and VIEW_YEAR_RANGE[0] <= int(raw) <= VIEW_YEAR_RANGE[1]:
        return int(raw)
    return None


@require_GET
def calendar_view(request: HttpRequest) -> HttpResponse:
    """A year at a glance, the known years, and the deadline calculator (filled in through GET, so it can be linked)."""
    today = timezone.localdate()
    year = _year_param(request) or selectors.default_year(today)
    status = 200
    explanation = None
    if "start" in request.GET or "days" in request.GET:
        form = DeadlineCalculatorForm(request.GET)
        if form.is_valid():
            explanation = selectors.explain_span(form.cleaned_data["start"], form.cleaned_data["days"])
        else:
            status = 400
    else:
        form = DeadlineCalculatorForm(initial={"start": today, "days": 5})
    years = list(selectors.known_years())
    context = {
        "year": year,
        "year_known": any(row.year == year for row in years),
        "months": selectors.year_months(year),
        "years": years,
        "previous_year": year - 1 if year > VIEW_YEAR_RANGE[0] else None,
        "next_year": year + 1 if year < VIEW_YEAR_RANGE[1] else None,
        "today": today,
        "form": form,
        "explanation": explanation,
        "explanation_lines": selectors.span_sentences(explanation) if explanation else [],
        "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
    }
    return render(request, "workdays/calendar.html", context, status=status)


def _require_administrator(request: HttpRequest) -> None:
    if not (request.user.is_superuser or has_role(request.user, Role.ADMINISTRATOR)):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def manage_view(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    today = timezone.localdate()
    year = _year_param(request) or selectors.default_year(today)
    year_form = YearScheduleForm(prefix="schedule", initial={"year": today.year + 1})
    day_form = SpecialDayForm(prefix="day")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "add_year":
                year_form = YearScheduleForm(request.POST, prefix="schedule")
                if year_form.is_valid():
                    data = year_form.cleaned_data
                    change = services.add_year_schedule(
                        request.user, data["year"], year_form.days(), note=data["note"], replace=data["replace"]
                    )
                    return _done(request, change, data["year"])
            elif action == "add_day":
                day_form = SpecialDayForm(request.POST, prefix="day")
                if day_form.is_valid():
                    data = day_form.cleaned_data
                    change = services.add_special_day(request.user, data["date"], data["kind"], data["name"])
                    return _done(request, change, data["date"].year)
            elif action == "remove_day":
                day_id = request.POST.get("day_id", "")
                if not day_id.isdigit():
                    raise ValidationError(_("Choose the special day to remove."))
                special = get_object_or_404(SpecialDay, pk=int(day_id))
                change = services.remove_special_day(request.user, special)
                return _done(request, change, special.date.year)
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as error:
            if action == "add_year":
                apply_service_errors(year_form, error)
            elif action == "add_day":
                apply_service_errors(day_form, error)
            else:
                for message in error.messages:
                    messages.error(request, message)
        status = 400
    context = {
        "year": year,
        "years": selectors.known_years().reverse(),  # the newest first: that is where work happens
        "days": selectors.special_days(year),
        "changes": selectors.change_log(),
        "year_form": year_form,
        "day_form": day_form,
    }
    return render(request, "workdays/manage.html", context, status=status)


def _done(request: HttpRequest, change, year: int) -> HttpResponse:
    messages.success(
        request,
        _("Saved: %(summary)s. Deadlines recomputed: %(count)d.")
        % {"summary": change.summary, "count": change.deadlines_recomputed},
    )
    return redirect(f"{reverse('workdays:manage')}?year={year}")
