"""Pages: the user's notification list, marking read, and opening one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .models import Notification


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    raw_before = request.GET.get("before")
    before: int | None = None
    if raw_before:
        if not raw_before.isdigit():
            return HttpResponseBadRequest(_("Invalid page cursor."))
        before = int(raw_before)
    page, next_before = selectors.notification_page(request.user, before=before)
    return render(
        request,
        "notifications/list.html",
        {"notifications": page, "next_before": next_before, "is_first_page": before is None},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.mark_read(request.user, [pk])
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    text = ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", count)
    messages.success(request, text % {"count": count})
    return redirect("notifications:list")


@login_required
@require_GET
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notification = services.open_notification(request.user, pk)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    target = selectors.local_path(notification.link)
    if target is None:
        if notification.link:
            messages.warning(request, _("This notification links outside the portal; the link was not followed."))
        return redirect("notifications:list")
    return redirect(target)
