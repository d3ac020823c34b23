"""Pages of the organisation: the public department tree and boards, away notices, directory, posts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .forms import AwayNoticeForm, PostForm
from .models import Department, Post
from .roles import is_staff_member

BOARD_REFRESH_SECONDS = 60


def _department(code: str) -> Department:
    return get_object_or_404(Department, code=code, is_active=True)


@require_GET
def department_list(request: HttpRequest) -> HttpResponse:
    return render(request, "org/department_list.html", {"roots": selectors.department_tree()})


@require_GET
def department_board(request: HttpRequest, code: str) -> HttpResponse:
    department = _department(code)
    return render(
        request,
        "org/department_board.html",
        {
            "board": selectors.board(department),
            "refresh_seconds": BOARD_REFRESH_SECONDS,
            "can_manage_posts": selectors.can_manage_posts(request.user, department),
        },
    )


@require_GET
def department_board_status(request: HttpRequest, code: str) -> HttpResponse:
    """The changing part of the board, fetched by static/org/board.js every minute."""
    response = render(request, "org/_board_status.html", {"board": selectors.board(_department(code))})
    response["Cache-Control"] = "no-store"
    return response


def _require_staff(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied


@login_required
def away_notice_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    user = request.user
    if request.method == "POST":
        form = AwayNoticeForm(request.POST, user=user)
        if form.is_valid() and form.save() is not None:
            messages.success(request, _("Away notice registered."))
            return redirect("org:away_notice_list")
        status = 400
    else:
        form = AwayNoticeForm(user=user)
        status = 200
    page = Paginator(selectors.visible_notices(user), 30).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [{"notice": notice, "state": notice.state(now)} for notice in page.object_list]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "manages_posts": selectors.managed_departments(user).exists(),
    }
    return render(request, "org/away_notice_list.html", context, status=status)


def _change_notice(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    _require_staff(request)
    notice = get_object_or_404(selectors.visible_notices(request.user), pk=pk)
    try:
        service(notice, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("org:away_notice_list")


@login_required
@require_POST
def away_notice_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_notice(request, pk, services.cancel_away_notice, _("Away notice cancelled."))


@login_required
@require_POST
def away_notice_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_notice(request, pk, services.return_early, _("Welcome back: the away notice has ended."))


@login_required
@require_GET
def staff_directory(request: HttpRequest) -> HttpResponse:
    if not selectors.can_view_directory(request.user):
        raise PermissionDenied
    department = None
    code = request.GET.get("department", "")
    if code:
        department = Department.objects.filter(code=code, is_active=True).first()
    page = Paginator(selectors.directory(department), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "org/staff_directory.html",
        {
            "page": page,
            "department": department,
            "departments": selectors.flat_tree(),
            "unknown_department": bool(code) and department is None,
        },
    )


@login_required
@require_GET
def post_manage(request: HttpRequest) -> HttpResponse:
    departments = selectors.managed_departments(request.user).order_by("sort_order", "name")
    if not departments.exists():
        raise PermissionDenied
    return render(request, "org/post_manage.html", {"departments": departments})


@login_required
@require_GET
def post_list(request: HttpRequest, code: str) -> HttpResponse:
    department = _department(code)
    if not selectors.can_manage_posts(request.user, department):
        raise PermissionDenied
    return render(
        request, "org/post_list.html", {"department": department, "posts": selectors.department_posts(department)}
    )


@login_required
def post_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    department = _department(code)
    if not selectors.can_manage_posts(request.user, department):
        raise PermissionDenied
    post = get_object_or_404(Post, pk=pk, department=department) if pk is not None else None
    status = 200
    if request.method == "POST":
        form = PostForm(request.POST, department=department, user=request.user, post=post)
        if form.is_valid() and form.save() is not None:
            messages.success(request, _("Post saved."))
            return redirect("org:post_list", code=department.code)
        status = 400
    else:
        form = PostForm(department=department, user=request.user, post=post)
    return render(request, "org/post_form.html", {"department": department, "form": form, "post": post}, status=status)
