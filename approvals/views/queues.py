"""Pages: a clerk's work queue and a department's, each with filters, keyset pages and an Excel export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from approvals.filters import QueueFilter
from approvals.models import Case, Item
from approvals.selectors import queues
from efficiency_portal.common.excel import export
from efficiency_portal.org.roles import is_staff_member
from efficiency_portal.supervision.models import light_label

EXPORT_COLUMNS = [
    (_("Tracking code"), "tracking_code"),
    (_("Item"), "item__name"),
    (_("Department"), "department__name"),
    (_("Applicant"), "applicant_name"),
    (_("Channel"), "get_channel_display"),
    (_("Status"), "get_status_display"),
    (_("Light"), lambda case: light_label(case.light)),
    (_("Due"), lambda case: None if case.due_at == queues.NO_DUE else case.due_at),
    (_("Submitted at"), "submitted_at"),
    (_("Handler"), lambda case: case.handler.get_full_name() or case.handler.username if case.handler else ""),
]


def _case_link(pk: int) -> str:
    # The case page belongs to the processing pages; until it is there the queue lists cases without links.
    try:
        return reverse("approvals:case_work", args=[pk])
    except NoReverseMatch:
        return ""


def _render_queue(
    request: HttpRequest,
    *,
    build,
    items: QuerySet[Item],
    template_context: dict,
    export_name: str,
) -> HttpResponse:
    filterset = QueueFilter(request.GET or None, queryset=Case.objects.none(), items=items)
    if filterset.is_bound and not filterset.is_valid():
        context = {**template_context, "filter": filterset, "page": None}
        return render(request, "approvals/queues/queue.html", context, status=400)
    rows = build(filterset)
    if request.GET.get("export") == "xlsx":
        return export(rows.iterator(chunk_size=2000), EXPORT_COLUMNS, export_name, title=template_context["heading"])
    cursor_error, status = None, 200
    try:
        page = queues.queue_page(rows, request.GET.get("cursor"))
    except ValidationError as error:
        page, cursor_error, status = None, error.message_dict["cursor"][0], 400
    if page:
        for case in page.items:
            case.work_url = _case_link(case.pk)
            case.has_due = case.due_at != queues.NO_DUE
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop("export", None)
    context = {
        **template_context,
        "filter": filterset,
        "page": page,
        "cursor_error": cursor_error,
        "query": query.urlencode(),
    }
    return render(request, "approvals/queues/queue.html", context, status=status)


@login_required
def my_queue(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    return _render_queue(
        request,
        build=lambda filterset: queues.clerk_queue(request.user, filterset),
        items=queues.clerk_items(request.user),
        template_context={"heading": _("My work queue"), "mine": True},
        export_name="my-queue",
    )


@login_required
def department_queue(request: HttpRequest) -> HttpResponse:
    departments = list(queues.queue_departments(request.user).only("id", "code", "name"))
    if not departments:
        raise PermissionDenied
    code = request.GET.get("department") or departments[0].code
    department = next((d for d in departments if d.code == code), None)
    if department is None:
        # Unknown and unseen departments answer alike, so the picker leaks nothing.
        raise PermissionDenied
    return _render_queue(
        request,
        build=lambda filterset: queues.department_queue(request.user, department, filterset),
        items=Item.objects.filter(department=department).order_by("name"),
        template_context={
            "heading": _("Department queue"),
            "mine": False,
            "departments": departments,
            "department": department,
        },
        export_name=f"queue-{department.code}",
    )
