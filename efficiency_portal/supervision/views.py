"""Pages of the deadline clock: my warnings, the deadline list, a deadline, a warning."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from efficiency_portal.org.roles import is_staff_member

from . import selectors, services
from .filters import DeadlineFilter
from .models import Deadline, Warning


@login_required
def my_warnings(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    page = Paginator(selectors.my_warnings(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "supervision/my_warnings.html", {"page": page})


@login_required
def deadline_list(request: HttpRequest) -> HttpResponse:
    if not selectors.may_list_deadlines(request.user):
        raise PermissionDenied
    base = selectors.deadline_rows(selectors.visible_deadlines(request.user))
    filterset = DeadlineFilter(request.GET or None, queryset=base)
    page, cursor_error, status = None, None, 200
    if filterset.is_bound and not filterset.is_valid():
        status = 400
    else:
        try:
            page = selectors.keyset_page(filterset.qs, request.GET.get("cursor"))
        except ValidationError as error:
            cursor_error, status = error.message_dict["cursor"][0], 400
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {"filter": filterset, "page": page, "cursor_error": cursor_error, "query": query.urlencode()}
    return render(request, "supervision/deadline_list.html", context, status=status)


@login_required
def deadline_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deadline = get_object_or_404(Deadline.objects.only("pk"), pk=pk)
    if not selectors.can_view_deadline(request.user, deadline):
        raise PermissionDenied
    deadline = selectors.deadline_with_history(pk)
    context = {"deadline": deadline, "explanation": services.explain_deadline(deadline)}
    return render(request, "supervision/deadline_detail.html", context)


@login_required
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    warning = get_object_or_404(Warning, pk=pk)
    if not selectors.visible_warnings(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    # Opening a warning one was told of acknowledges it.
    services.acknowledge_warning(warning, request.user)
    deadline = selectors.deadline_with_history(warning.deadline_id)
    warning = next(item for item in deadline.warnings.all() if item.pk == warning.pk)
    context = {
        "warning": warning,
        "deadline": deadline,
        "explanation": services.explain_deadline(deadline),
        "may_open_deadline": selectors.can_view_deadline(request.user, deadline),
    }
    return render(request, "supervision/warning_detail.html", context)
