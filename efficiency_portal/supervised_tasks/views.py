"""Pages of supervised tasks: list (with Excel export), assign, detail with reports, close-out and return."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from efficiency_portal.common.excel import export

from . import selectors, services
from .forms import AssignForm, CloseOutForm, ExtendForm, PublicNoteForm, ReportForm, ReturnForm, TaskFilterForm
from .models import Task, TaskAttachment, TaskStatus

PAGE_SIZE = 50


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _visible_or_404(user, pk: int) -> Task:
    if not selectors.visible_tasks(user).filter(pk=pk).exists():
        raise Http404
    return selectors.task_detail(pk)


EXPORT_COLUMNS = [
    (_("Title"), "title"),
    (_("Kind"), "get_kind_display"),
    (_("Lead department"), "lead_department__name"),
    (_("Co-departments"), "co_count"),
    (_("Status"), "get_status_display"),
    (_("Progress (%)"), "progress"),
    (_("Assigned at"), "assigned_at"),
    (_("Due at"), "due_at"),
    (_("Closed out at"), "closed_at"),
]


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.may_open_list(user):
        raise PermissionDenied
    form = TaskFilterForm(request.GET or None)
    tasks = selectors.task_rows(selectors.visible_tasks(user))
    if form.is_valid():
        if form.cleaned_data["status"]:
            tasks = tasks.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["kind"]:
            tasks = tasks.filter(kind=form.cleaned_data["kind"])
    if request.GET.get("red") == "1":
        tasks = tasks.filter(pk__in=selectors.red_tasks().values("pk"))
    tasks = tasks.order_by("-assigned_at", "-id")
    if request.GET.get("export") == "xlsx":
        return export(tasks.iterator(chunk_size=500), EXPORT_COLUMNS, "supervised-tasks", title=_("Supervised tasks"))
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervised_tasks/list.html",
        {"page": page, "form": form, "may_assign": selectors.may_assign(user), "query": query.urlencode()},
    )


@login_required
def task_create(request: HttpRequest) -> HttpResponse:
    if not selectors.may_assign(request.user):
        raise PermissionDenied
    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.assign_task(
                title=data["title"],
                description=data["description"],
                kind=data["kind"],
                lead_department=data["lead_department"],
                responsible=data["responsible"].user,
                co_departments=list(data["co_departments"]),
                limit_days=data["limit_days"],
                is_public=data["is_public"],
                actor=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, gettext("The task was assigned and its clock started."))
            return redirect(task)
    return render(request, "supervised_tasks/create.html", {"form": form}, status=400 if form.errors else 200)


def _detail_context(request: HttpRequest, task: Task, **forms) -> dict:
    departments = selectors.reporting_departments(request.user, task)
    supervisor = selectors.may_assign(request.user)
    deadline = services.task_deadline(task)
    context = {
        "task": task,
        "reports": selectors.reports_of(task),
        "deadline": deadline,
        # Offered while the clock may still be extended: once, before it expires, not after close-out.
        "extend_form": ExtendForm()
        if supervisor and selectors.may_be_extended(task, deadline, timezone.now())
        else None,
        "report_form": ReportForm(departments=departments) if departments else None,
        "close_form": CloseOutForm() if supervisor and task.status == TaskStatus.AWAITING_ACCEPTANCE else None,
        "return_form": ReturnForm() if supervisor and task.status == TaskStatus.AWAITING_ACCEPTANCE else None,
        "note_form": PublicNoteForm(initial={"note": task.public_progress_note}, prefix="public")
        if supervisor and task.is_public
        else None,
    }
    context.update({k: v for k, v in forms.items() if v is not None})
    return context


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_or_404(request.user, pk)
    return render(request, "supervised_tasks/detail.html", _detail_context(request, task))


@login_required
@require_POST
def task_report(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_or_404(request.user, pk)
    departments = selectors.reporting_departments(request.user, task)
    if not departments:
        raise PermissionDenied
    form = ReportForm(request.POST, request.FILES, departments=departments)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.report_progress(
                task,
                department=data["department"],
                author=request.user,
                text=data["text"],
                progress=data["progress"],
                files=data["files"],
                asks_close_out=data["asks_close_out"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, gettext("Your progress report was saved."))
            return redirect(task)
    context = _detail_context(request, task, report_form=form)
    return render(request, "supervised_tasks/detail.html", context, status=400)


@login_required
@require_POST
def task_close(request: HttpRequest, pk: int) -> HttpResponse:
    if not selectors.may_assign(request.user):
        raise PermissionDenied
    task = _visible_or_404(request.user, pk)
    form = CloseOutForm(request.POST)
    if form.is_valid():
        try:
            services.close_out(task, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, gettext("The task was closed out."))
            return redirect(task)
    return render(request, "supervised_tasks/detail.html", _detail_context(request, task, close_form=form), status=400)


@login_required
@require_POST
def task_return(request: HttpRequest, pk: int) -> HttpResponse:
    if not selectors.may_assign(request.user):
        raise PermissionDenied
    task = _visible_or_404(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.return_task(task, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, gettext("The task was returned to its department."))
            return redirect(task)
    return render(request, "supervised_tasks/detail.html", _detail_context(request, task, return_form=form), status=400)


@login_required
@require_POST
def task_extend(request: HttpRequest, pk: int) -> HttpResponse:
    if not selectors.may_assign(request.user):
        raise PermissionDenied
    task = _visible_or_404(request.user, pk)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.extend_task(
                task, actor=request.user, days=form.cleaned_data["days"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, gettext("The time limit was extended."))
            return redirect(task)
    return render(request, "supervised_tasks/detail.html", _detail_context(request, task, extend_form=form), status=400)


@login_required
@require_POST
def task_public_note(request: HttpRequest, pk: int) -> HttpResponse:
    if not selectors.may_assign(request.user):
        raise PermissionDenied
    task = _visible_or_404(request.user, pk)
    form = PublicNoteForm(request.POST, prefix="public")
    if form.is_valid() and task.is_public:
        services.set_public_note(task, note=form.cleaned_data["note"], actor=request.user)
        messages.success(request, gettext("The public summary was saved."))
        return redirect(task)
    if not task.is_public:
        form.add_error(None, gettext("This task is not shown to the public."))
    return render(request, "supervised_tasks/detail.html", _detail_context(request, task, note_form=form), status=400)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = TaskAttachment.objects.select_related("report").filter(pk=pk).first()
    if attachment is None or not selectors.visible_tasks(request.user).filter(pk=attachment.report.task_id).exists():
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name)
    response["Content-Type"] = attachment.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response
