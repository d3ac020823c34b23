"""Supervisors' pages: the work list with clocks and export, one complaint with every action, hotline intake,
statistics."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
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
from complaints.models import (
    Category,
    Complaint,
    ComplaintChannel,
    ComplaintStatus,
    ExtensionState,
)
from complaints.selectors import lists
from complaints.selectors.access import may_see_identity
from complaints.services import handling
from complaints.services.filing import masked_identity, reveal_identity
from efficiency_portal.common.excel import export
from efficiency_portal.org.models import Department, Role, Staff
from efficiency_portal.org.roles import has_role
from efficiency_portal.supervision.models import Light, light_label

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
    (_("Received on"), "received_at"),
    (_("Channel"), lambda c: c.get_channel_display()),
    (_("Category"), lambda c: c.get_category_display()),
    (_("Department"), "department__name"),
    (_("Civil servant"), lambda c: c.staff.name if c.staff_id else ""),
    (_("Status"), lambda c: c.get_status_display()),
    (_("Light"), lambda c: light_label(c.clock_light)),
    (_("Due"), "clock_due"),
    (_("What happened"), "description"),
    (_("Finding"), lambda c: c.get_finding_display()),
]


WORK_FILTERS = ("state", "status", "category", "department", "light", "channel", "extension", "q")


@supervisor_only
def work_list(request: HttpRequest) -> HttpResponse:
    """Filters: ``state`` (awaiting, open, overdue: the command centre's figures), ``status``, ``category``,
    ``department``, ``light``, ``channel``, ``extension`` (requested: the queue of extension requests), ``q``
    (tracking number); ``cursor`` pages; ``export=xlsx``."""
    filters = {key: request.GET.get(key, "") for key in WORK_FILTERS}
    rows = lists.work_list(filters)
    if request.GET.get("export") == "xlsx":
        # No identity columns: an export leaves the office and must not carry who complained.
        return export(rows[:EXPORT_MAX], EXPORT_COLUMNS, "complaints.xlsx", title=_("Complaints"))
    page = lists.page(rows, request.GET.get("cursor"), lists.PAGE_SIZE)
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "page": page,
        "filters": filters,
        "states": [
            ("awaiting", _("Awaiting acceptance")),
            ("open", _("Open")),
            ("overdue", _("Overdue (red or past due)")),
        ],
        "extension_states": [(value, label) for value, label in ExtensionState.choices if value != ExtensionState.NONE],
        "extensions_waiting": Complaint.objects.filter(extension_state=ExtensionState.REQUESTED).count(),
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

    forms = {
        "decline_form": bound("decline", ReasonForm),
        "assign_form": bound("assign", AssignForm),
        "hand_form": bound("hand", HandForm, initial={"department": complaint.department_id}),
        "note_form": bound("note", NoteForm),
        "extension_form": bound("extension", ExtensionForm),
        "finding_form": bound("finding", FindingForm, complaint=complaint),
        "reply_form": bound("reply", ReplyForm, complaint=complaint),
    }
    # Steps that only redraw a form, without inline script (the CSP forbids it): more sanction lines, and a
    # reply started from a template.
    if which == "finding_more" and data is not None:
        forms["finding_form"] = FindingForm.with_more_lines(data, complaint=complaint)
    if which == "use_template" and data is not None:
        forms["reply_form"], forms["template_used"] = ReplyForm.from_template(data, complaint=complaint)
    return forms


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
    if action in REDRAW_ACTIONS:
        return False
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
            _unless_shown(request, complaint, action, form.errors.values())
            return False
        try:
            form_actions[action](form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
            _unless_shown(request, complaint, action, [error.messages])
            return False
        return True
    messages.error(request, _("Unknown action."))
    return False


REDRAW_ACTIONS = ("finding_more", "use_template")
# The state in which the page shows each action's form (as templates/complaints/work/detail.html does).
FORM_STATES = {
    "decline": (ComplaintStatus.SUBMITTED,),
    "assign": (ComplaintStatus.ACCEPTED, ComplaintStatus.REOPENED),
    "hand": (ComplaintStatus.ACCEPTED, ComplaintStatus.REOPENED),
    "finding": (ComplaintStatus.INVESTIGATING,),
    "reply": (ComplaintStatus.CONCLUDED,),
}


def _unless_shown(request: HttpRequest, complaint: Complaint, action: str, errors) -> None:
    """A refused action whose form the page does not show in the complaint's current state (a reply before the
    finding, say) tells why as a message, instead of an error next to a field nobody sees."""
    current = Complaint.objects.only("status").get(pk=complaint.pk).status
    if action in FORM_STATES and current not in FORM_STATES[action]:
        for messages_of_field in errors:
            for message in messages_of_field:
                messages.error(request, message)


def _staff_suggestions(complaint: Complaint):
    """The finding form suggests the staff of the departments concerned, not the whole city's payroll (thousands
    of options on every page); any active civil servant's employee number is still accepted when typed."""
    if complaint.status != ComplaintStatus.INVESTIGATING:
        return Staff.objects.none()
    departments = {complaint.department_id, complaint.investigating_department_id} - {None}
    return (
        Staff.objects.filter(is_active=True)
        .filter(Q(department_id__in=departments) | Q(pk=complaint.staff_id))
        .select_related("department")
        .order_by("department__sort_order", "name")
    )


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
    if action == "use_template" and not forms.get("template_used"):
        messages.warning(request, _("Please choose a template first."))
    complaint.refresh_from_db()
    sanctions = list(complaint.sanctions.select_related("staff", "department").order_by("pk"))
    # Counts per person in the last 12 months: the one complained about and everyone sanctioned.
    people = [complaint.staff, *(row.staff for row in sanctions if row.withdrawn_at is None)]
    sees_identity = may_see_identity(request.user)
    context = {
        "complaint": complaint,
        "identity": masked_identity(complaint) if sees_identity else None,
        "sees_identity": sees_identity,
        "may_decide_extension": complaint.extension_requested_by_id != request.user.pk,
        "staff_choices": _staff_suggestions(complaint),
        "clock": handling.conclude_clock(complaint) or handling.running_clock(complaint, ["complaint_accept"]),
        "events": complaint.events.select_related("actor").order_by("at", "pk"),
        "notes": complaint.notes.select_related("author", "department").order_by("created_at", "pk"),
        "sanctions": sanctions,
        "attachments": complaint.attachments.all() if sees_identity else [],
        "histories": lists.person_histories(people),
        "caution_flag_count": settings.COMPLAINTS_CAUTION_FLAG_COUNT,
        **forms,
    }
    return render(request, "complaints/work/detail.html", context)


@supervisor_only
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint, pk=pk)
    # The service refuses everyone but supervisors (administrators too) and logs the refusal: 403.
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


def _series(label, rows: list[dict], key: str, axis: str = "count") -> dict:
    return {"label": str(label), "data": [row[key] for row in rows], "axis": axis}


def _charts(stats: dict) -> dict[str, dict]:
    """The data of the three charts (drawn by static/portal/charts.js from json_script blocks)."""
    categories, departments, months = stats["by_category"], stats["by_department"], stats["by_month"]
    return {
        "category": {
            "labels": [str(row["label"]) for row in categories],
            "series": [_series(_("Received"), categories, "received"), _series(_("Upheld"), categories, "upheld")],
        },
        "department": {
            "labels": [row["name"] for row in departments],
            "series": [
                _series(_("Received"), departments, "received"),
                _series(_("Upheld"), departments, "upheld"),
                _series(_("Complainants satisfied (%)"), departments, "satisfaction_rate", "rate"),
                _series(_("Service rating score"), departments, "rating_score", "rate"),
            ],
        },
        "month": {
            "labels": [row["month"].strftime("%Y-%m") for row in months],
            "series": [
                _series(_("Received"), months, "received"),
                _series(_("Concluded"), months, "concluded"),
                _series(_("Completion rate (%)"), months, "completion_rate", "rate"),
                _series(_("Complainants satisfied (%)"), months, "satisfaction_rate", "rate"),
                _series(_("Service rating score"), months, "rating_score", "rate"),
            ],
        },
    }


STATS_COLUMNS = [
    (_("Breakdown"), "breakdown"),
    (_("Name"), "label"),
    (_("Received"), "received"),
    (_("Accepted"), "accepted"),
    (_("Concluded"), "concluded"),
    (_("On time"), "on_time"),
    (_("Completion rate (%)"), "completion_rate"),
    (_("Upheld"), "upheld"),
    (_("Upheld rate (%)"), "upheld_rate"),
    (_("Complainants who rated"), "rated"),
    (_("Satisfied"), "satisfied"),
    (_("Complainants satisfied (%)"), "satisfaction_rate"),
    (_("Service ratings"), "rating_count"),
    (_("Bad ratings"), "rating_bad"),
    (_("Service rating score"), "rating_score"),
]


def _stats_rows(stats: dict) -> list[dict]:
    """One sheet: the total, then the rows by category, department and month, each named in ``label``."""
    rows = [{**stats["total"], "breakdown": _("Total"), "label": _("All")}]
    rows += [{**row, "breakdown": _("Category")} for row in stats["by_category"]]
    rows += [{**row, "breakdown": _("Department"), "label": row["name"]} for row in stats["by_department"]]
    rows += [{**row, "breakdown": _("Month"), "label": row["month"].strftime("%Y-%m")} for row in stats["by_month"]]
    return rows


@supervisor_only
def statistics(request: HttpRequest) -> HttpResponse:
    """``?start=&end=`` (dates; the year so far by default); ``export=xlsx`` downloads the same figures."""
    start, end = _period(request)
    stats = lists.complaint_stats(start, end)
    labels = dict(Category.choices)
    for row in stats["by_category"]:
        row["label"] = labels.get(row["category"], row["category"])
    if request.GET.get("export") == "xlsx":
        filename = f"complaint-statistics-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        return export(_stats_rows(stats), STATS_COLUMNS, filename, title=_("Complaint statistics"))
    charts = _charts(stats)
    context = {
        "stats": stats,
        "start": start,
        "end": end,
        "chart": charts["category"],
        "department_chart": charts["department"],
        "month_chart": charts["month"],
        "query": request.GET.urlencode(),
    }
    return render(request, "complaints/work/statistics.html", context)
