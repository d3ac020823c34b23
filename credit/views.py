"""Pages of credit. Each view checks who may see or do it, parses input and calls one service or selector."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from credit import selectors, services
from credit.conf import SYSTEM_RULE_CODES, grade_names, grade_rank, setting
from credit.filters import EntryFilter
from credit.forms import DecisionForm, ManualEntryForm, ObjectionForm, ReasonForm, RuleForm
from credit.models import (
    CreditAttachment,
    CreditEntry,
    CreditObjection,
    CreditRule,
    EntryStatus,
    ObjectionStatus,
)
from credit.permissions import (
    may_browse,
    may_view_department,
    may_view_entry,
    may_view_staff,
    scope_department_ids,
    visible_entries,
)
from credit.services.common import may_object
from credit.services.objections import save_attachments
from efficiency_portal.common.excel import export
from efficiency_portal.org.models import Department, Role, Staff
from efficiency_portal.org.roles import has_role, is_staff_member, is_supervisor

PAGE_SIZE = 50


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _on(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- own record and subjects -------------------------------------------------------------------------------------


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    _require(is_staff_member(request.user))
    staff = request.user.staff
    on = _on(request)
    headed = Department.objects.filter(head=staff).order_by("name")
    return render(
        request,
        "credit/my_record.html",
        {
            "staff": staff,
            "on": on,
            "score": selectors.score_on(staff=staff, on=on),
            "steps": list(reversed(selectors.timeline(staff=staff, on=on))),
            "pending": CreditEntry.objects.filter(staff=staff)
            .exclude(status__in=selectors.COUNTING_STATUSES)
            .select_related("rule"),
            "departments": [(department, selectors.score_on(department=department, on=on)) for department in headed],
        },
    )


def _subject_page(request: HttpRequest, *, staff: Staff | None = None, department: Department | None = None):
    on = _on(request)
    kwargs = {"staff": staff} if staff is not None else {"department": department}
    return render(
        request,
        "credit/subject_detail.html",
        {
            "subject": staff or department,
            "is_staff": staff is not None,
            "on": on,
            "score": selectors.score_on(on=on, **kwargs),
            "steps": list(reversed(selectors.timeline(on=on, **kwargs))),
        },
    )


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_object_or_404(Staff.objects.select_related("department"), pk=pk)
    if not may_view_staff(request.user, staff):
        raise Http404
    return _subject_page(request, staff=staff)


@login_required
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk)
    if not may_view_department(request.user, department) and not (
        is_staff_member(request.user) and department.head_id == request.user.staff.pk
    ):
        raise Http404
    return _subject_page(request, department=department)


def _subject_rows(request: HttpRequest, on: dt.date) -> tuple[list[dict], str]:
    kind = "department" if request.GET.get("kind") == "department" else "staff"
    department_id = request.GET.get("department", "")
    rows = selectors.subject_scores(
        request.user,
        on=on,
        kind=kind,
        q=request.GET.get("q", ""),
        department_id=int(department_id) if department_id.isdigit() else None,
        grade=request.GET.get("grade", ""),
    )
    return rows, kind


SUBJECT_COLUMNS = [
    (gettext_lazy("Name"), lambda row: str(row["subject"])),
    (gettext_lazy("Department"), lambda row: str(getattr(row["subject"], "department", "") or "")),
    (gettext_lazy("Score"), lambda row: row["score"].points),
    (gettext_lazy("Grade"), lambda row: row["score"].grade),
    (gettext_lazy("Direct downgrade"), lambda row: row["score"].downgraded_to),
    (gettext_lazy("Counting entries"), lambda row: row["score"].entries),
]


@login_required
def subject_list(request: HttpRequest) -> HttpResponse:
    _require(may_browse(request.user))
    on = _on(request)
    rows, kind = _subject_rows(request, on)
    if request.GET.get("export") == "xlsx":
        return export(rows, SUBJECT_COLUMNS, f"credit-subjects-{on.isoformat()}.xlsx", title=_("Credit subjects"))
    distribution = selectors.grade_distribution(row["score"] for row in rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    scope = scope_department_ids(request.user)
    departments = Department.objects.filter(is_active=True).order_by("sort_order", "name")
    if scope is not None:
        departments = departments.filter(pk__in=scope)
    return render(
        request,
        "credit/subject_list.html",
        {
            "page": page,
            "kind": kind,
            "on": on,
            "grades": grade_names(),
            "departments": departments,
            "distribution": distribution,
            "chart": {"labels": list(distribution), "data": list(distribution.values()), "label": _("Subjects")},
            "query": request.GET.copy(),
        },
    )


@login_required
def blacklist(request: HttpRequest) -> HttpResponse:
    _require(may_browse(request.user))
    on = _on(request)
    scope = scope_department_ids(request.user)
    worst = grade_rank(setting("CREDIT_BLACKLIST_GRADE"))
    staff_scores = {pk: s for pk, s in selectors.scores_on(on).items() if grade_rank(s.grade) >= worst}
    department_scores = {
        pk: s for pk, s in selectors.department_scores_with_entries(on).items() if grade_rank(s.grade) >= worst
    }
    staff = Staff.objects.filter(pk__in=staff_scores).select_related("department").order_by("name")
    departments = Department.objects.filter(pk__in=department_scores).order_by("name")
    if scope is not None:
        staff = staff.filter(department_id__in=scope)
        departments = departments.filter(pk__in=scope)
    rows = [{"subject": s, "score": staff_scores[s.pk], "kind": "staff"} for s in staff] + [
        {"subject": d, "score": department_scores[d.pk], "kind": "department"} for d in departments
    ]
    if request.GET.get("export") == "xlsx":
        return export(rows, SUBJECT_COLUMNS, f"credit-blacklist-{on.isoformat()}.xlsx", title=_("Credit blacklist"))
    return render(
        request,
        "credit/blacklist.html",
        {"rows": rows, "on": on, "grade": setting("CREDIT_BLACKLIST_GRADE")},
    )


# --- entries -----------------------------------------------------------------------------------------------------

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


def _entries(request: HttpRequest, rows) -> EntryFilter:
    return EntryFilter(request.GET or None, queryset=rows.select_related("rule", "staff", "department"))


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    _require(may_browse(request.user))
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
        },
    )


@login_required
def pending_list(request: HttpRequest) -> HttpResponse:
    _require(is_supervisor(request.user))
    rows = CreditEntry.objects.filter(status=EntryStatus.PENDING).select_related("rule", "staff", "department")
    rows = rows.order_by("recorded_at", "id")
    return render(
        request,
        "credit/pending_list.html",
        {"page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")), "dismiss_form": ReasonForm()},
    )


@login_required
def objection_list(request: HttpRequest) -> HttpResponse:
    _require(is_supervisor(request.user))
    show = request.GET.get("show", "open")
    rows = CreditObjection.objects.select_related("entry__rule", "entry__staff", "entry__department", "objector")
    if show == "open":
        rows = rows.exclude(status=ObjectionStatus.DECIDED)
    clocks = {clock.object_id: clock for clock in selectors.open_objection_clocks()}
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for objection in page:
        objection.clock = clocks.get(objection.pk)
    return render(request, "credit/objection_list.html", {"page": page, "show": show})


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
    return render(
        request,
        "credit/entry_detail.html",
        {
            "entry": entry,
            "events": entry.events.select_related("actor"),
            "objection": objection,
            "clock": clock,
            "attachments": entry.attachments.all(),
            "supervisor": is_supervisor(request.user),
            "can_object": can_object,
            "window_ends": window_ends,
            "objection_form": ObjectionForm(),
            "reason_form": ReasonForm(),
            "decision_form": DecisionForm(),
        },
    )


def _act(request: HttpRequest, pk: int, action) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("credit:entry_detail", pk=pk)


@login_required
@require_POST
def entry_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _require(is_supervisor(request.user))
    entry = get_object_or_404(CreditEntry, pk=pk)
    response = _act(request, pk, lambda: services.confirm_entry(entry, request.user))
    if request.POST.get("next") == "pending":
        return redirect("credit:pending_list")
    return response


@login_required
@require_POST
def entry_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    _require(is_supervisor(request.user))
    entry = get_object_or_404(CreditEntry, pk=pk)
    response = _act(request, pk, lambda: services.dismiss_entry(entry, request.user, request.POST.get("reason", "")))
    if request.POST.get("next") == "pending":
        return redirect("credit:pending_list")
    return response


@login_required
def entry_object(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(CreditEntry.objects.select_related("rule", "staff", "department__head"), pk=pk)
    if not may_view_entry(request.user, entry) and not may_object(request.user, entry):
        raise Http404
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.file_objection(
                    entry, request.user, form.cleaned_data["reasons"], files=form.cleaned_data["papers"]
                )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Your objection was filed; a supervisor accepts it within two working days."))
            return redirect("credit:entry_detail", pk=pk)
    return render(
        request, "credit/object_form.html", {"entry": entry, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def objection_accept(request: HttpRequest, pk: int) -> HttpResponse:
    _require(is_supervisor(request.user))
    objection = get_object_or_404(CreditObjection, pk=pk)
    return _act(request, objection.entry_id, lambda: services.accept_objection(objection, request.user))


@login_required
@require_POST
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require(is_supervisor(request.user))
    objection = get_object_or_404(CreditObjection, pk=pk)
    return _act(
        request,
        objection.entry_id,
        lambda: services.decide_objection(
            objection, request.user, outcome=request.POST.get("outcome", ""), reason=request.POST.get("reason", "")
        ),
    )


@login_required
def entry_create(request: HttpRequest) -> HttpResponse:
    _require(is_supervisor(request.user))
    form = ManualEntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                entry = services.record_entry(
                    rule_code=data["rule"].code,
                    fact_date=data["fact_date"],
                    source=data["source"],
                    staff=data["staff"],
                    department=data["department"],
                    detail=data["detail"],
                    points=data["points"],
                    actor=request.user,
                )
                save_attachments(entry, data["evidence"], request.user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The entry was recorded."))
            return redirect("credit:entry_detail", pk=entry.pk)
    return render(request, "credit/entry_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(CreditAttachment.objects.select_related("entry__staff", "entry__department"), pk=pk)
    entry = attachment.entry
    if not (may_view_entry(request.user, entry) or may_object(request.user, entry)):
        raise Http404
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


# --- rules -------------------------------------------------------------------------------------------------------


def _may_edit_rules(user) -> bool:
    return has_role(user, Role.SUPERVISOR, Role.ADMINISTRATOR)


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    _require(_may_edit_rules(request.user))
    return render(
        request, "credit/rule_list.html", {"rules": CreditRule.objects.all(), "system_codes": SYSTEM_RULE_CODES}
    )


@login_required
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require(_may_edit_rules(request.user))
    rule = get_object_or_404(CreditRule, pk=pk) if pk else None
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        services.save_rule(form.save(commit=False), request.user, changed=form.changed_data)
        messages.success(request, _("The rule was saved; entries already recorded keep their points."))
        return redirect("credit:rule_list")
    return render(request, "credit/rule_form.html", {"form": form, "rule": rule}, status=400 if form.errors else 200)
