"""The investigating department's pages: what the complaint is about, never who complained."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from complaints.forms import ReasonForm, TextForm, apply_errors
from complaints.models import Complaint
from complaints.selectors.access import headed_scope, may_investigate, may_view_as_department
from complaints.selectors.lists import department_queue, handovers_for_department
from complaints.services import handling

QUEUE_PER_PAGE = 50


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    if not headed_scope(request.user):
        raise PermissionDenied
    page = Paginator(department_queue(request.user), QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    context = {"complaints": page.object_list, "page": page, "query": ""}
    return render(request, "complaints/department/list.html", context)


@login_required
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What the complaint is about, when and where it happened, and the office's instructions on handing it over
    (with when they were given); never the identity, the contact, the evidence files or the anonymity flag."""
    complaint = department_queue(request.user).filter(pk=pk).first()
    full = Complaint.objects.filter(pk=pk).first()
    if complaint is None or full is None or not may_view_as_department(request.user, full):
        raise Http404
    report_form = TextForm(prefix="report")
    return_form = ReasonForm(prefix="return")
    if request.method == "POST":
        if not may_investigate(request.user, full):
            raise PermissionDenied
        try:
            if request.POST.get("action") == "report":
                report_form = TextForm(request.POST, prefix="report")
                if report_form.is_valid():
                    handling.department_report(full, request.user, text=report_form.cleaned_data["text"])
                    messages.success(request, _("Your report was sent to the supervision office."))
                    return redirect("complaints:department_list")
            elif request.POST.get("action") == "return":
                return_form = ReasonForm(request.POST, prefix="return")
                if return_form.is_valid():
                    handling.department_return(full, request.user, reason=return_form.cleaned_data["reason"])
                    messages.success(request, _("The complaint was returned to the supervision office."))
                    return redirect("complaints:department_list")
        except ValidationError as error:
            apply_errors(report_form if request.POST.get("action") == "report" else return_form, error)
    context = {
        "complaint": complaint,
        "handovers": handovers_for_department(full, headed_scope(request.user)),
        "may_act": may_investigate(request.user, full),
        "report_form": report_form,
        "return_form": return_form,
    }
    return render(request, "complaints/department/detail.html", context)
