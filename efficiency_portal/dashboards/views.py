"""Pages of the dashboards: command centre, department dashboard, drill-down lists, live figures, my page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from efficiency_portal.common.excel import export
from efficiency_portal.supervision.selectors import keyset_page

from .selectors import drill, figures, links, me, public, ranking
from .selectors.scope import department_scope, may_open_command_centre, may_open_my_page

CITY, DEPARTMENT = "city", "department"
PAGE_SIZE = 50


def _scope_ids(request: HttpRequest, scope: str) -> set[int] | None:
    """The departments of ``scope`` for this user; PermissionDenied when they may not open it."""
    if scope == CITY:
        if not may_open_command_centre(request.user):
            raise PermissionDenied
        return None
    if scope == DEPARTMENT:
        ids = department_scope(request.user)
        if not ids:
            raise PermissionDenied
        return ids
    raise Http404


def _dashboard(request: HttpRequest, scope: str, template: str) -> HttpResponse:
    ids = _scope_ids(request, scope)
    on = figures.today()
    cases = figures.case_figures(ids, on)
    sections = figures.sections(ids, on, scope, cases, user=request.user)
    rows = ranking.ranking(ids, figures.month_start(on), on, cases.month_rows)
    if request.GET.get("export") == "ranking":
        return export(rows, RANKING_COLUMNS, f"ranking-{on:%Y%m}", title=_("Ranking"))
    trend = cases.trend
    if request.GET.get("export") == "trend":
        return export(trend, TREND_COLUMNS, f"twelve-months-{on:%Y%m}", title=_("Twelve months"))
    return render(
        request,
        template,
        {
            "scope": scope,
            "on": on,
            "sections": sections,
            "ranking": rows,
            "trend": trend,
            "chart": ranking.trend_chart(trend),
            "warnings": drill.with_links(
                request.user, drill.with_explanations(drill.warning_list(figures.month_warnings(ids, on))[:10])
            ),
            "card_links": links.may_open(request.user, "approvals:card_review"),
        },
    )


TREND_COLUMNS = [
    (_("Month"), "label"),
    (_("Received"), "received"),
    (_("Finished"), "finished"),
    (_("On-time rate (%)"), "on_time_rate"),
    (_("Overdue rate (%)"), "late_rate"),
]
RANKING_COLUMNS = [
    (_("Rank"), "rank"),
    (_("Department"), "name"),
    (_("Finished"), "finished"),
    (_("On-time rate (%)"), "on_time_rate"),
    (_("Overdue rate (%)"), "late_rate"),
    (_("Ratings"), "ratings"),
    (_("Satisfaction (0-100)"), "satisfaction"),
]


@login_required
@never_cache
def command_centre(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, CITY, "dashboards/command_centre.html")


@login_required
@never_cache
def department(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, DEPARTMENT, "dashboards/command_centre.html")


@login_required
@never_cache
def live(request: HttpRequest, scope: str) -> JsonResponse:
    """The figures and their emphasis only, for the page to refresh itself without a reload
    (static/dashboards/live.js); the ranking and the warnings stay as loaded until the page is reloaded."""
    ids = _scope_ids(request, scope)
    on = figures.today()
    found = figures.flat(figures.sections(ids, on, scope, user=request.user))
    return JsonResponse(
        {
            "on": on.isoformat(),
            "figures": {key: figure.display for key, figure in found.items()},
            # The emphasis of each figure ("danger", "warning" or ""), so a figure turns red without a reload.
            "tones": {key: figure.tone for key, figure in found.items()},
        }
    )


DEADLINE_COLUMNS = [
    (_("Light"), "get_light_display"),
    (_("Deadline"), "title"),
    (_("Kind"), lambda d: drill.kind_label(d.kind)),
    (_("Department"), "department__name"),
    (_("Responsible"), lambda d: str(d.responsible)),
    (_("Due"), "due_at"),
    (_("Status"), "get_status_display"),
]
WARNING_COLUMNS = [
    (_("Level"), "get_level_display"),
    (_("Kind"), lambda w: drill.kind_label(w.deadline.kind)),
    (_("Deadline"), "deadline__title"),
    (_("Department"), "deadline__department__name"),
    (_("Raised at"), "raised_at"),
    (_("First opened at"), "acknowledged_at"),
    (_("Told (as, opened at)"), drill.recipients_text),
    (_("Written explanation (red card)"), drill.explanation_text),
]
TASK_COLUMNS = [
    (_("Task"), "title"),
    (_("Lead department"), "lead_department__name"),
    (_("Status"), "get_status_display"),
    (_("Progress (%)"), "progress"),
    (_("Due"), "due_at"),
]


@login_required
@never_cache
def drill_down(request: HttpRequest, scope: str, key: str) -> HttpResponse:
    ids = _scope_ids(request, scope)
    spec = figures.DRILL_LISTS.get(key)
    if spec is None:
        raise Http404
    on = figures.today()
    rows = figures.drill_rows(key, ids, on)
    total = rows.count()
    context = {"scope": scope, "key": key, "spec": spec, "total": total, "on": on}
    if spec.kind == "deadline":
        rows = drill.deadline_list(rows)
        if request.GET.get("export") == "xlsx":
            return export(rows.order_by("due_at", "id").iterator(chunk_size=1000), DEADLINE_COLUMNS, key)
        try:
            page = keyset_page(rows, request.GET.get("cursor"), PAGE_SIZE)
        except ValidationError as error:
            context["cursor_error"] = error.messages[0]
            page = keyset_page(rows, None, PAGE_SIZE)
        context["items"] = drill.deadline_links(request.user, page.items)
        context["next_cursor"] = page.next_cursor
    elif spec.kind == "warning":
        rows = drill.warning_list(rows)
        if request.GET.get("export") == "xlsx":
            return export(drill.with_explanations(rows), WARNING_COLUMNS, key)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = drill.with_links(request.user, drill.with_explanations(page.object_list))
        context["page"] = page
        context["card_links"] = links.may_open(request.user, "approvals:card_review")
    else:
        rows = rows.select_related("lead_department").order_by("due_at", "id")
        if request.GET.get("export") == "xlsx":
            return export(rows, TASK_COLUMNS, key)
        context["page"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dashboards/drill.html", context)


@login_required
@never_cache
def my_page(request: HttpRequest) -> HttpResponse:
    if not may_open_my_page(request.user):
        raise PermissionDenied
    return render(request, "dashboards/me.html", me.my_page(request.user, figures.today()))


# --- public disclosure (no login) ---------------------------------------------------------------------------------


def disclosure(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dashboards/disclosure.html",
        {
            "departments": public.department_lines(figures.today()),
            "month": public.last_complete_month(figures.today())[0],
            "commitments": public.city_commitments(),
        },
    )


def disclosure_department(request: HttpRequest, code: str) -> HttpResponse:
    department = public.public_department(code)
    if department is None:
        raise Http404
    return render(request, "dashboards/disclosure_department.html", public.department_page(department, figures.today()))
