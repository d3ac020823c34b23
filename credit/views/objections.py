"""Pages of objections: filing one (with papers), the list with its clocks, accepting and deciding."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from credit import selectors, services
from credit.forms import ObjectionForm
from credit.models import CreditEntry, CreditObjection
from credit.permissions import may_view_entry
from credit.services.common import may_object
from credit.views.common import PAGE_SIZE, form_errors, require
from credit.views.entries import act
from efficiency_portal.common.excel import export
from efficiency_portal.org.roles import is_supervisor

OBJECTION_COLUMNS = [
    (gettext_lazy("Subject"), "entry__subject_name"),
    (gettext_lazy("Rule"), "entry__rule__name"),
    (gettext_lazy("Date of the fact"), "entry__fact_date"),
    (gettext_lazy("Submitted"), "submitted_at"),
    (gettext_lazy("Status"), "get_status_display"),
    (gettext_lazy("Decision"), "get_outcome_display"),
    (gettext_lazy("Clock"), lambda row: row.clock.get_light_display() if row.clock else ""),
    (gettext_lazy("Due"), lambda row: row.clock.due_at if row.clock else None),
    (gettext_lazy("Reasons"), "reasons"),
]


@login_required
def entry_object(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(CreditEntry.objects.select_related("rule", "staff", "department__head"), pk=pk)
    if not may_object(request.user, entry):
        # Those who see the entry learn they may not object; to anyone else it does not exist.
        if may_view_entry(request.user, entry):
            raise PermissionDenied
        raise Http404
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.file_objection(
                entry, request.user, form.cleaned_data["reasons"], files=form.cleaned_data["papers"]
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Your objection was filed; a supervisor accepts it within two working days."))
            return redirect("credit:entry_detail", pk=pk)
    return render(
        request, "credit/object_form.html", {"entry": entry, "form": form}, status=400 if form.errors else 200
    )


@login_required
def objection_list(request: HttpRequest) -> HttpResponse:
    """``?state=open`` (default) and ``?state=overdue`` list exactly what the command centre counts as
    ``objections_open`` and ``objections_overdue``; ``?state=all`` everything. Supervisors only: a civil servant and
    the heads above them read an objection on its entry's page."""
    require(is_supervisor(request.user))
    state = request.GET.get("state") or request.GET.get("show") or "open"
    if state not in selectors.OBJECTION_STATES:
        messages.warning(request, _("Unknown state “%(state)s”: showing the open objections.") % {"state": state})
        state = "open"
    rows = (
        selectors.objections(state)
        .select_related("entry__rule", "entry__staff", "entry__department", "objector")
        .order_by("-submitted_at", "-id")
    )
    exporting = request.GET.get("export") == "xlsx"
    listed = list(rows) if exporting else Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    clocks = {
        clock.object_id: clock
        for clock in selectors.open_objection_clocks().filter(object_id__in=[objection.pk for objection in listed])
    }
    for objection in listed:
        objection.clock = clocks.get(objection.pk)
    if exporting:
        return export(listed, OBJECTION_COLUMNS, f"credit-objections-{state}.xlsx", title=_("Credit objections"))
    return render(
        request,
        "credit/objection_list.html",
        {
            "page": listed,
            "state": state,
            "states": [("open", _("Open")), ("overdue", _("Overdue")), ("all", _("All"))],
            "query": request.GET.copy(),
        },
    )


@login_required
@require_POST
def objection_accept(request: HttpRequest, pk: int) -> HttpResponse:
    require(is_supervisor(request.user))
    objection = get_object_or_404(CreditObjection, pk=pk)
    return act(request, objection.entry_id, lambda: services.accept_objection(objection, request.user))


@login_required
@require_POST
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require(is_supervisor(request.user))
    objection = get_object_or_404(CreditObjection, pk=pk)
    return act(
        request,
        objection.entry_id,
        lambda: services.decide_objection(
            objection, request.user, outcome=request.POST.get("outcome", ""), reason=request.POST.get("reason", "")
        ),
    )
