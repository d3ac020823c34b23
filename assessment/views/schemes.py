"""Supervisors' scheme pages: the list, one scheme with its weights and quota, its settings, and editing its
indicators, add/deduct rules and vetoes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from assessment import selectors
from assessment.forms import IndicatorEditForm, RuleEditForm, SchemeSettingsForm, VetoEditForm, WeightsForm
from assessment.models import AdjustmentRule, Indicator, Scheme, VetoRule
from assessment.models.schemes import max_quota
from assessment.services import scheme_parts
from assessment.services import schemes as scheme_services
from assessment.views.common import flash_errors, form_errors, require_supervisor


@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    require_supervisor(request)
    return render(request, "assessment/scheme_list.html", {"schemes": selectors.schemes()})


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_supervisor(request)
    scheme = get_object_or_404(Scheme, pk=pk)
    form = WeightsForm(scheme, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                scheme_services.set_weights(scheme, form.weights(), quota=form.cleaned_data["excellent_quota"])
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Weights and quota saved."))
                return redirect(scheme.get_absolute_url())
        status = 400
    context = {
        "scheme": scheme,
        "form": form,
        "indicators": scheme.indicators.all(),
        "rules": scheme.adjustment_rules.all(),
        "vetoes": scheme.veto_rules.all(),
        "weight_total": scheme_parts.weight_total(scheme),
    }
    return render(request, "assessment/scheme_detail.html", context, status=status)


def _scheme_settings(request: HttpRequest, scheme: Scheme | None) -> HttpResponse:
    form = SchemeSettingsForm(request.POST or None, instance=scheme)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = scheme_services.save_scheme(scheme=scheme, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                if scheme is None:
                    messages.info(request, _("Now add its indicators; their weights must sum to 100."))
                return redirect(saved.get_absolute_url())
        status = 400
    title = _("Settings of the scheme") if scheme is not None else _("New assessment scheme")
    return render(
        request,
        "assessment/scheme_settings.html",
        {"scheme": scheme, "form": form, "title": title, "max_quota": max_quota()},
        status=status,
    )


@login_required
def scheme_create(request: HttpRequest) -> HttpResponse:
    require_supervisor(request)
    return _scheme_settings(request, None)


@login_required
def scheme_settings(request: HttpRequest, pk: int) -> HttpResponse:
    require_supervisor(request)
    return _scheme_settings(request, get_object_or_404(Scheme, pk=pk))


# --- Editing a scheme's indicators, add/deduct rules and vetoes ------------------------------------------------

SCHEME_PARTS = {
    # part (also the keyword of the instance in the save service): (model, page form, save service, delete service)
    "indicator": (Indicator, IndicatorEditForm, scheme_parts.save_indicator, scheme_parts.delete_indicator),
    "rule": (AdjustmentRule, RuleEditForm, scheme_parts.save_rule, scheme_parts.delete_rule),
    "veto": (VetoRule, VetoEditForm, scheme_parts.save_veto, scheme_parts.delete_veto),
}
PART_TITLES = {
    "indicator": (_lazy("Add an indicator"), _lazy("Change the indicator")),
    "rule": (_lazy("Add an add/deduct item"), _lazy("Change the add/deduct item")),
    "veto": (_lazy("Add a veto (一票否决)"), _lazy("Change the veto (一票否决)")),
}


def _scheme_part(request: HttpRequest, pk: int, part: str, part_pk: int | None):
    require_supervisor(request)
    scheme = get_object_or_404(Scheme, pk=pk)
    model = SCHEME_PARTS[part][0]
    instance = get_object_or_404(model, pk=part_pk, scheme=scheme) if part_pk is not None else None
    return scheme, instance


@login_required
def scheme_part_edit(request: HttpRequest, pk: int, part: str, part_pk: int | None = None) -> HttpResponse:
    """Add or change an indicator, an add/deduct rule or a veto of a scheme; the service checks and writes."""
    scheme, instance = _scheme_part(request, pk, part, part_pk)
    _model, form_class, save, _delete = SCHEME_PARTS[part]
    form = form_class(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save(scheme, **{part: instance}, **form.cleaned_data, actor=request.user)
            except ValidationError as error:
                form_errors(form, error)
            else:
                _saved_message(request, scheme, part)
                return redirect(scheme.get_absolute_url())
        status = 400
    context = {
        "scheme": scheme,
        "instance": instance,
        "form": form,
        "part": part,
        "title": PART_TITLES[part][instance is not None],
    }
    return render(request, "assessment/scheme_part.html", context, status=status)


def _saved_message(request: HttpRequest, scheme: Scheme, part: str) -> None:
    messages.success(request, _("Saved."))
    if part == "indicator":
        total = scheme_parts.weight_total(scheme)
        if total != scheme_services.HUNDRED:
            messages.warning(
                request,
                _("The weights now sum to %(total)s; periods of this scheme cannot be run until they sum to 100.")
                % {"total": total},
            )


@login_required
@require_POST
def scheme_part_delete(request: HttpRequest, pk: int, part: str, part_pk: int) -> HttpResponse:
    scheme, instance = _scheme_part(request, pk, part, part_pk)
    try:
        SCHEME_PARTS[part][3](instance, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        _saved_message(request, scheme, part)
    return redirect(scheme.get_absolute_url())
