"""Evaluation forms (民主测评, 领导评价): an evaluator's own forms and filling one in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import selectors
from assessment.forms import ScoreSheet
from assessment.models import EvaluationForm
from assessment.services import forms as form_services
from assessment.views.common import form_errors
from efficiency_portal.org.roles import is_staff_member, is_supervisor


@login_required
def my_forms(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    return render(
        request, "assessment/my_forms.html", {"forms": selectors.my_forms(request.user), "now": timezone.now()}
    )


@login_required
def form_fill(request: HttpRequest, pk: int) -> HttpResponse:
    form = get_object_or_404(EvaluationForm.objects.select_related("period__scheme", "indicator", "evaluator"), pk=pk)
    own = is_staff_member(request.user) and form.evaluator_id == request.user.staff.pk
    if not own and not is_supervisor(request.user):
        # An evaluator's individual scores are seen by the evaluator and the supervisors only.
        raise Http404
    if not own and request.method == "POST":
        raise PermissionDenied
    sheet = ScoreSheet(form, request.POST or None)
    closed = not own or not form_services.form_open(form.period)
    status = 200
    if request.method == "POST":
        if sheet.is_valid():
            try:
                form_services.submit_form(form, user=request.user, scores=sheet.scores())
            except ValidationError as error:
                form_errors(sheet, error)
            else:
                messages.success(request, _("Your scores were saved."))
                return redirect("assessment:my_forms")
        status = 400
    return render(request, "assessment/form_fill.html", {"form": form, "sheet": sheet, "closed": closed}, status=status)
