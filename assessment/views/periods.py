"""Supervisors' period pages: the list, one period with its results, runs and inputs, assigning evaluators,
running, publishing, and recording or deleting add/deduct entries and vetoes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import selectors
from assessment.forms import (
    AdjustmentEntryForm,
    AssignForm,
    DecideAppealForm,
    DeleteInputForm,
    PeriodForm,
    VetoEntryForm,
)
from assessment.models import AdjustmentEntry, Period, RunState, VetoEntry
from assessment.services import forms as form_services
from assessment.services import periods as period_services
from assessment.services import publishing, runs
from assessment.views.common import flash_errors, form_errors, require_supervisor


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    require_supervisor(request)
    period_form = PeriodForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if period_form.is_valid():
            try:
                period = period_services.create_period(**period_form.cleaned_data, actor=request.user)
            except ValidationError as error:
                form_errors(period_form, error)
            else:
                messages.success(request, _("Period created."))
                return redirect(period.get_absolute_url())
        status = 400
    return render(
        request,
        "assessment/period_list.html",
        {
            "periods": selectors.periods(),
            "period_form": period_form,
            "appeal_counts": selectors.dashboard_counts(timezone.localdate()),
        },
        status=status,
    )


ENTRIES_PER_PAGE = 50


def _period_context(request: HttpRequest, period: Period, **extra) -> dict:
    results, next_after = selectors.keyset(selectors.period_results(period), request.GET.get("after"))
    adjustments, vetoes = selectors.period_inputs(period)
    entries = Paginator(adjustments, ENTRIES_PER_PAGE).get_page(request.GET.get("entries"))
    veto_rows = list(vetoes)
    names = selectors.subject_names(
        period, {entry.subject_id for entry in entries} | {veto.subject_id for veto in veto_rows}
    )
    return {
        "entries": entries,
        "vetoes": veto_rows,
        "subject_names": names,
        "delete_form": DeleteInputForm(),
        "period": period,
        "results": results,
        "next_after": next_after,
        "appeals": selectors.open_appeals(period),
        "runs": period.runs.select_related("actor")[:5],
        "forms": period.forms.select_related("evaluator", "indicator").annotate(
            scored=Count("entries", filter=Q(entries__score__isnull=False) | Q(entries__unknown=True))
        ),
        "adjustment_form": extra.pop("adjustment_form", None) or AdjustmentEntryForm(period),
        "veto_form": extra.pop("veto_form", None) or VetoEntryForm(period),
        "decide_form": DecideAppealForm(),
        **_run_progress(period),
        **extra,
    }


def _run_progress(period: Period) -> dict[str, bool]:
    """A queued or running run keeps the page reloading and the button off, unless it looks stuck."""
    busy = period.run_state in (RunState.QUEUED, RunState.RUNNING)
    stale = busy and (period.run_requested_at is None or period.run_requested_at < runs.stale_before(timezone.now()))
    return {"run_busy": busy and not stale, "run_stale": stale}


@login_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_supervisor(request)
    period = get_object_or_404(Period.objects.select_related("scheme"), pk=pk)
    return render(request, "assessment/period_detail.html", _period_context(request, period))


@login_required
def period_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign evaluators: who scores whom on which evaluated indicator (民主测评, 领导评价)."""
    require_supervisor(request)
    period = get_object_or_404(Period.objects.select_related("scheme"), pk=pk)
    form = AssignForm(period, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                assigned = form_services.assign_form(
                    period,
                    indicator=data["indicator"],
                    evaluator=data["evaluator"],
                    subject_ids=data["subject_ids"],
                    actor=request.user,
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                counts = {
                    "evaluator": data["evaluator"].name,
                    "n": assigned.entries.count(),
                    "indicator": assigned.indicator,
                }
                messages.success(request, _("%(evaluator)s now evaluates %(n)s on “%(indicator)s”.") % counts)
                return redirect("assessment:period_assign", pk=period.pk)
        status = 400
    assigned_forms = (
        period.forms.select_related("evaluator__department", "indicator")
        .annotate(subjects=Count("entries"))
        .order_by("indicator__sort_order", "evaluator__name", "id")
    )
    return render(
        request,
        "assessment/period_assign.html",
        {"period": period, "form": form, "assigned_forms": assigned_forms},
        status=status,
    )


@login_required
@require_POST
def period_run(request: HttpRequest, pk: int) -> HttpResponse:
    require_supervisor(request)
    period = get_object_or_404(Period.objects.select_related("scheme"), pk=pk)
    try:
        runs.queue_run(period, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The run has started; the results below are replaced when it is done."))
    return redirect(period.get_absolute_url())


@login_required
@require_POST
def period_publish(request: HttpRequest, pk: int) -> HttpResponse:
    require_supervisor(request)
    period = get_object_or_404(Period, pk=pk)
    try:
        publishing.publish_period(period, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Published; everyone assessed has been told."))
    return redirect(period.get_absolute_url())


@login_required
@require_POST
def period_adjustment(request: HttpRequest, pk: int) -> HttpResponse:
    require_supervisor(request)
    period = get_object_or_404(Period.objects.select_related("scheme"), pk=pk)
    form = AdjustmentEntryForm(period, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            form_services.record_adjustment(
                period,
                rule=data["rule"],
                subject_id=data["subject"],
                quantity=data["quantity"],
                fact_date=data["fact_date"],
                note=data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Recorded; it counts from the next run."))
            return redirect(period.get_absolute_url())
    return render(
        request, "assessment/period_detail.html", _period_context(request, period, adjustment_form=form), status=400
    )


@login_required
@require_POST
def period_veto(request: HttpRequest, pk: int) -> HttpResponse:
    require_supervisor(request)
    period = get_object_or_404(Period.objects.select_related("scheme"), pk=pk)
    form = VetoEntryForm(period, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            form_services.record_veto(
                period, rule=data["rule"], subject_id=data["subject"], reason=data["reason"], actor=request.user
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Veto recorded; it counts from the next run."))
            return redirect(period.get_absolute_url())
    return render(
        request, "assessment/period_detail.html", _period_context(request, period, veto_form=form), status=400
    )


def _delete_input(request: HttpRequest, entry, delete) -> HttpResponse:
    form = DeleteInputForm(request.POST)
    if form.is_valid():
        try:
            delete(entry, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Deleted; the reason is logged. It no longer counts from the next run."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(entry.period.get_absolute_url())


@login_required
@require_POST
def adjustment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_supervisor(request)
    entry = get_object_or_404(AdjustmentEntry.objects.select_related("period", "rule"), pk=pk)
    return _delete_input(request, entry, form_services.delete_adjustment_entry)


@login_required
@require_POST
def veto_entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_supervisor(request)
    entry = get_object_or_404(VetoEntry.objects.select_related("period", "rule"), pk=pk)
    return _delete_input(request, entry, form_services.delete_veto_entry)
