"""Supervisors' pages: the work list with clocks and export, one complaint with every action, hotline intake,
statistics."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from complaints.forms import (
    AssignForm,
    ExtensionForm,
    FindingForm,
    HandForm,
    IntakeForm,
    NoteForm,
    ReasonForm,
    ReplyForm,
    apply_errors,
)
from complaints.models import Category, Complaint, ComplaintChannel, ComplaintStatus, ResponseTemplate
from complaints.selectors import lists
from complaints.services import handling
from complaints.services.filing import masked_identity, reveal_identity
from efficiency_portal.common.excel import export
from efficiency_portal.org.models import Department, Role
from efficiency_portal.org.roles import has_role
from efficiency_portal.supervision.models import Light

from .public import file_form_context, filed_from_form

SUPERVISING = (Role.SUPERVISOR, Role.ADMINISTRATOR)
EXPORT_MAX = 20_000


def supervisor_only(view):
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_role(request.user, *SUPERVISING):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


EXPORT_COLUMNS = [
    (_("Tracking number"), "tracking_code"),
    (_("Received"), "received_at"),
    (_("Channel"), lambda c: c.get_channel_display()),
    (_("Category"), lambda c: c.get_category_display()),
    (_("Department"), "department__name"),
    (_("Civil servant"), lambda c: c.staff.name if c.staff_id else ""),
    (_("Status"), lambda c: c.get_status_display()),
    (_("Light"), lambda c: Light(c.clock_light).label if c.clock_light else ""),
    (_("Due"), "clock_due"),
    (_("What happened"), "description"),
    (_("Finding"), lambda c: c.get_finding_display()),
]


@supervisor_only
def work_list(request: HttpRequest) -> HttpResponse:
    filters = {key: request.GET.get(key, "") for key in ("status", "category", "department", "light", "channel", "q")}
    rows = lists.work_list(filters)
    if request.GET.get("export") == "xlsx":
        # No identity columns: an export leaves the office and must not carry who complained.
        return export(rows[:EXPORT_MAX], EXPORT_COLUMNS, "complaints.xlsx", title=_("Complaints"))
    page = lists.page(rows, request.GET.get("cursor"))
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "page": page,
        "filters": filters,
        "statuses": ComplaintStatus.choices,
        "categories": Category.choices,
        "channels": ComplaintChannel.choices,
        "lights": Light.choices,
        "departments": Department.objects.filter(is_active=True).order_by("sort_order", "name"),
        "query": query.urlencode(),
    }
    return render(request, "complaints/work/list.html", context)


def _forms(complaint: Complaint, data=None, which: str = "") -> dict:
    def bound(name, cls, **kwargs):
        return cls(data if which == name else None, prefix=name, **kwargs)

    return {
        "decline_form": bound("decline", ReasonForm),
        "assign_form": bound("assign", AssignForm),
        "hand_form": bound("hand", HandForm, initial={"department": complaint.department_id}),
        "note_form": bound("note", NoteForm),
        "extension_form": bound("extension", ExtensionForm),
        "finding_form": bound("finding", FindingForm, complaint=complaint),
        "reply_form": bound("reply", ReplyForm),
    }


def _act(request: HttpRequest, complaint: Complaint, forms: dict) -> bool:
    """Run the posted action; True when done."""
    user = request.user
    action = request.POST.get("action", "")
    simple = {
        "accept": lambda: handling.accept(complaint, user),
        "handle_self": lambda: handling.handle_self(complaint, user),
        "approve_extension": lambda: handling.decide_extension(complaint, user, approve=True),
        "reject_extension": lambda: handling.decide_extension(complaint, user, approve=False),
    }
    form_actions = {
        "decline": lambda d: handling.decline(complaint, user, reason=d["reason"], transfer_to=d["transfer_to"]),
        "assign": lambda d: handling.assign(complaint, user, supervisor=d["supervisor"]),
        "hand": lambda d: handling.hand_to_department(
            complaint, user, department=d["department"], instructions=d["instructions"]
        ),
        "note": lambda d: handling.add_note(complaint, user, text=d["note"]),
        "extension": lambda d: handling.request_extension(complaint, user, days=d["days"], reason=d["reason"]),
        "finding": lambda d: handling.record_finding(
            complaint, user, finding=d["finding"], text=d["text"], sanctions=forms["finding_form"].sanctions()
        ),
        "reply": lambda d: handling.reply(complaint, user, text=d["text"]),
    }
    if action in simple:
        try:
            simple[action]()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return False
        return True
    if action in form_actions:
        form = forms[f"{action}_form"]
        if not form.is_valid():
            return False
        try:
            form_actions[action](form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
            return False
        return True
    messages.error(request, _("Unknown action."))
    return False


@supervisor_only
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(
        Complaint.objects.select_related("department", "staff", "case", "handler", "investigating_department"), pk=pk
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _forms(complaint, request.POST if action else None, action)
    if action and _act(request, complaint, forms):
        messages.success(request, _("Done."))
        return redirect("complaints:detail", pk=complaint.pk)
    complaint.refresh_from_db()
    sanctions = list(complaint.sanctions.select_related("staff", "department").order_by("pk"))
    # Counts per person in the last 12 months: the one complained about and everyone sanctioned.
    people = [complaint.staff, *(row.staff for row in sanctions)]
    context = {
        "complaint": complaint,
        "identity": masked_identity(complaint),
        "clock": handling.conclude_clock(complaint) or handling.running_clock(complaint, ["complaint_accept"]),
        "events": complaint.events.select_related("actor").order_by("at", "pk"),
        "notes": complaint.notes.select_related("author", "department").order_by("created_at", "pk"),
        "sanctions": sanctions,
        "attachments": complaint.attachments.all(),
        "histories": lists.person_histories(people),
        "caution_flag_count": settings.COMPLAINTS_CAUTION_FLAG_COUNT,
        "templates": ResponseTemplate.objects.all(),
        **forms,
    }
    return render(request, "complaints/work/detail.html", context)


@supervisor_only
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint, pk=pk)
    identity = reveal_identity(complaint, request.user)
    return render(request, "complaints/work/identity.html", {"complaint": complaint, "identity": identity})


@supervisor_only
def intake(request: HttpRequest) -> HttpResponse:
    """Hotline, letter or walk-in: a supervisor files for the citizen, with the channel recorded."""
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                filed = filed_from_form(request, form, channel=form.cleaned_data["channel"], received_by=request.user)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if filed.duplicate:
                    messages.info(request, _("This form was already sent; the complaint was recorded once."))
                    return redirect("complaints:detail", pk=filed.complaint.pk)
                request.session["complaints_new"] = {
                    "pk": filed.complaint.pk,
                    "code": filed.complaint.tracking_code,
                    "secret": filed.secret,
                }
                return redirect("complaints:file_done")
    else:
        form = IntakeForm()
    return render(request, "complaints/public/file.html", file_form_context(request, form, intake=True))


def _date(value: str | None) -> dt.date | None:
    try:
        return parse_date(value or "")
    except ValueError:
        return None


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    start = _date(request.GET.get("start")) or today.replace(month=1, day=1)
    end = _date(request.GET.get("end")) or today
    if end < start:
        start, end = end, start
    return start, end


@supervisor_only
def statistics(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    stats = lists.complaint_stats(start, end)
    labels = dict(Category.choices)
    chart = {
        "labels": [str(labels.get(row["category"], row["category"])) for row in stats["by_category"]],
        "received": [row["received"] for row in stats["by_category"]],
        "upheld": [row["upheld"] for row in stats["by_category"]],
    }
    for row in stats["by_category"]:
        row["label"] = labels.get(row["category"], row["category"])
    return render(
        request, "complaints/work/statistics.html", {"stats": stats, "start": start, "end": end, "chart": chart}
    )


@supervisor_only
def template_text(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(ResponseTemplate, pk=pk)
    return HttpResponse(template.body, content_type="text/plain; charset=utf-8")
