"""Pages of credit records: one's own, a subject's, the subject list and the blacklist."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credit import selectors
from credit.conf import grade_names, setting
from credit.models import CreditEntry
from credit.permissions import (
    may_browse,
    may_view_department_record,
    may_view_staff,
    scope_department_ids,
)
from credit.views.common import PAGE_SIZE, as_of, require
from efficiency_portal.common.excel import export
from efficiency_portal.org.models import Department, Staff
from efficiency_portal.org.roles import is_staff_member


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    require(is_staff_member(request.user))
    staff = request.user.staff
    on = as_of(request)
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
    on = as_of(request)
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
    if not may_view_department_record(request.user, department):
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
    require(may_browse(request.user))
    on = as_of(request)
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
    require(may_browse(request.user))
    on = as_of(request)
    rows = selectors.blacklist(request.user, on)
    if request.GET.get("export") == "xlsx":
        return export(rows, SUBJECT_COLUMNS, f"credit-blacklist-{on.isoformat()}.xlsx", title=_("Credit blacklist"))
    return render(
        request,
        "credit/blacklist.html",
        {"rows": rows, "on": on, "grade": setting("CREDIT_BLACKLIST_GRADE")},
    )
