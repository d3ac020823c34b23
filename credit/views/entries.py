"""Pages of credit entries: the list, the pending list, one entry with its actions, manual recording, attachments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from credit import selectors, services
from credit.filters import EntryFilter
from credit.forms import DecisionForm, ManualEntryForm, ObjectionForm, ReasonForm
from credit.models import CreditAttachment, CreditEntry, CreditObjection, EntryStatus
from credit.permissions import may_browse, may_open_attachment, may_view_entry, visible_entries
from credit.services.common import may_object
from credit.views.common import PAGE_SIZE, form_errors, require
from efficiency_portal.common.excel import export
from efficiency_portal.org.roles import is_supervisor

ENTRY_COLUMNS = [
    (gettext_lazy("Subject"), "subject_name"),
    (gettext_lazy("Rule"), "rule__name"),
    (gettext_lazy("Points"), "points"),
    (gettext_lazy("Direct downgrade"), "downgrade_to"),
    (gettext_lazy("Source"), "get_source_display"),
    (gettext_lazy("Date of the fact"), "fact_date"),
    (gettext_lazy("Valid until"), "valid_until"),
    (gettext_lazy("Status"), "get_status_display"),
    (gettext_lazy("Description"), "detail"),
]
PENDING_COLUMNS = [
    *ENTRY_COLUMNS[:2],
    (gettext_lazy("Points"), "points"),
    (gettext_lazy("Source"), "get_source_display"),
    (gettext_lazy("Date of the fact"), "fact_date"),
    (gettext_lazy("Proposed at"), "recorded_at"),
    (gettext_lazy("Description"), "detail"),
]


def _entries(request: HttpRequest, rows) -> EntryFilter:
    return EntryFilter(request.GET or None, queryset=rows.select_related("rule", "staff", "department"))


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    require(may_browse(request.user))
    filterset = _entries(request, visible_entries(request.user))
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    if request.GET.get("export") == "xlsx":
        return export(rows.iterator(chunk_size=2000), ENTRY_COLUMNS, "credit-entries.xlsx", title=_("Credit entries"))
    page = selectors.entry_page(rows, request.GET.get("after"), PAGE_SIZE)
    following = request.GET.copy()
    following["after"] = page.next_cursor or ""
    return render(
        request,
        "credit/entry_list.html",
        {
            "filter": filterset,
            "page": page.items,
            "next_query": following.urlencode() if page.next_cursor else "",
            "query": request.GET.copy(),
            "title": _("Credit entries"),
            "can_record": is_supervisor(request.user),
        },
    )


@login_required
def pending_list(request: HttpRequest) -> HttpResponse:
    """Exactly the entries the command centre counts as ``pending``."""
    require(is_supervisor(request.user))
    rows = selectors.pending_entries().select_related("rule", "staff", "department").order_by("recorded_at", "id")
    if request.GET.get("export") == "xlsx":
        return export(rows, PENDING_COLUMNS, "credit-pending.xlsx", title=_("Credit entries to confirm"))
    return render(
        request,
        "credit/pending_list.html",
        {
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "dismiss_form": ReasonForm(),
            "query": request.GET.copy(),
        },
    )


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        CreditEntry.objects.select_related("rule", "staff__department", "department__head", "confirmed_by"), pk=pk
    )
    if not may_view_entry(request.user, entry):
        raise Http404
    objection = CreditObjection.objects.filter(entry=entry).select_related("objector").first()
    clock = None
    if objection is not None:
        clock = selectors.open_objection_clocks().filter(object_id=objection.pk).first()
    window_ends = services.objection_window_ends(entry)
    can_object = (
        may_object(request.user, entry)
        and entry.status == EntryStatus.CONFIRMED
        and objection is None
        and (window_ends is None or timezone.now() <= window_ends)
    )
    attachments = [
        attachment
        for attachment in entry.attachments.select_related("entry__staff", "entry__department", "objection")
        if may_open_attachment(request.user, attachment)
    ]
    return render(
        request,
        "credit/entry_detail.html",
        {
            "entry": entry,
            "events": entry.events.select_related("actor"),
            "objection": objection,
            "clock": clock,
            "attachments": attachments,
            "supervisor": is_supervisor(request.user),
            "can_object": can_object,
            "window_ends": window_ends,
            "objection_form": ObjectionForm(),
            "reason_form": ReasonForm(),
            "decision_form": DecisionForm(),
        },
    )


def act(request: HttpRequest, pk: int, action) -> HttpResponse:
    """Run a service; its refusal becomes a message on the entry's page."""
    try:
        action()
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("credit:entry_detail", pk=pk)


@login_required
@require_POST
def entry_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    require(is_supervisor(request.user))
    entry = get_object_or_404(CreditEntry, pk=pk)
    response = act(request, pk, lambda: services.confirm_entry(entry, request.user))
    if request.POST.get("next") == "pending":
        return redirect("credit:pending_list")
    return response


@login_required
@require_POST
def entry_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    require(is_supervisor(request.user))
    entry = get_object_or_404(CreditEntry, pk=pk)
    response = act(request, pk, lambda: services.dismiss_entry(entry, request.user, request.POST.get("reason", "")))
    if request.POST.get("next") == "pending":
        return redirect("credit:pending_list")
    return response


@login_required
def entry_create(request: HttpRequest) -> HttpResponse:
    require(is_supervisor(request.user))
    form = ManualEntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.record_entry(
                rule_code=data["rule"].code,
                fact_date=data["fact_date"],
                source=data["source"],
                staff=data["staff"],
                department=data["department"],
                detail=data["detail"],
                points=data["points"],
                actor=request.user,
                evidence=data["evidence"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The entry was recorded."))
            return redirect("credit:entry_detail", pk=entry.pk)
    return render(request, "credit/entry_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(
        CreditAttachment.objects.select_related("entry__staff", "entry__department", "objection"), pk=pk
    )
    if not may_open_attachment(request.user, attachment):
        raise Http404
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
