"""Rating pages: rate a finished case or a window visit; ratings with statistics; rectification orders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.selectors.finished import proven_rateable_cases, rateable_cases
from approvals.views.applying import tracked
from complaints.forms import (
    AppealDecisionForm,
    AppealForm,
    NoteForm,
    RateServiceForm,
    apply_errors,
)
from complaints.models import (
    AppealStatus,
    RatingLevel,
    RatingSubject,
    RectificationOrder,
    RectificationStatus,
    ServiceRating,
)
from complaints.selectors import satisfaction
from complaints.selectors.access import department_scope, may_see_ratings, may_work_rectification
from complaints.selectors.lists import ORDER_STATES, rating_stats
from complaints.selectors.lists import my_ratings as my_rating_rows
from complaints.selectors.lists import rating_list as rating_rows
from complaints.selectors.lists import rectification_list as order_rows
from complaints.services import ratings
from efficiency_portal.common.excel import export
from efficiency_portal.org.models import Department, Role
from efficiency_portal.org.roles import has_role, is_staff_member, is_supervisor
from efficiency_portal.supervision.models import light_label


def rate_case(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed-in applicant rates from their cases; anyone else who proved the case on the tracking page in
    this session (code with secret or phone) rates from there, account or not."""
    user = request.user if request.user.is_authenticated else None
    case = rateable_cases(user).filter(pk=pk).first()
    proven = case is None
    if proven:
        case = proven_rateable_cases(tracked(request)).filter(pk=pk).first()
    if case is None:
        raise Http404
    back = redirect("approvals:track_case", pk=case.pk) if proven else redirect("approvals:my_cases")
    if ServiceRating.objects.filter(case=case).exists():
        messages.info(request, _("This case was already rated. Thank you."))
        return back
    form = RateServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ratings.rate_case(case, rater=user, applicant_proven=proven, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Thank you for rating the service."))
            return back
    return render(request, "complaints/ratings/rate.html", {"form": form, "case": case})


EXPORT_COLUMNS = [
    (_("Rated at"), "rated_at"),
    (_("What was rated"), lambda r: r.get_subject_display()),
    (_("Department"), "department__name"),
    (_("Handler"), lambda r: r.handler.name if r.handler_id else ""),
    (_("Rating"), lambda r: r.get_level_display()),
    (_("By default"), "is_default"),
    (_("Comment"), "comment"),
    (_("Appeal"), lambda r: r.get_appeal_status_display()),
]
RATING_FILTERS = ("department", "level", "subject", "appeal")


@login_required
def rating_list(request: HttpRequest) -> HttpResponse:
    if not may_see_ratings(request.user):
        raise PermissionDenied
    # Filters: department, level, subject (case/window), appeal (pending = the supervisors' queue of appeals).
    filters = {key: request.GET.get(key, "") for key in RATING_FILTERS}
    rows = rating_rows(filters, user=request.user)
    if request.GET.get("export") == "xlsx":
        return export(rows[:20_000], EXPORT_COLUMNS, "ratings.xlsx", title=_("Ratings"))
    page = Paginator(rows, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "ratings": page.object_list,
        "page": page,
        "query": query.urlencode(),
        "stats": rating_stats(rows),
        "filters": filters,
        "levels": RatingLevel.choices,
        "subjects": RatingSubject.choices,
        "appeals": [(value, label) for value, label in AppealStatus.choices if value],
        "appeals_pending": rating_rows({"appeal": AppealStatus.PENDING}, user=request.user).count(),
        "departments": Department.objects.filter(is_active=True).order_by("sort_order", "name"),
    }
    return render(request, "complaints/ratings/list.html", context)


@login_required
def rating_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rating = get_object_or_404(ServiceRating.objects.select_related("department", "handler", "case"), pk=pk)
    supervisor = is_supervisor(request.user)
    in_department = rating.department_id in department_scope(request.user)
    # The handler rated reads the rating their credit entry links to, even after moving to another department;
    # heads of other departments do not (the list is scoped the same way).
    rated_handler = rating.handler_id is not None and rating.handler.user_id == request.user.pk
    if not (supervisor or in_department or rated_handler or has_role(request.user, Role.LEADER, Role.ADMINISTRATOR)):
        raise PermissionDenied
    appeal_form = AppealForm(prefix="appeal")
    decision_form = AppealDecisionForm(prefix="decision")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "appeal":
                appeal_form = AppealForm(request.POST, prefix="appeal")
                if appeal_form.is_valid():
                    ratings.appeal_rating(rating, request.user, reason=appeal_form.cleaned_data["reason"])
                    messages.success(request, _("The appeal was sent to the supervision office."))
                    return redirect(request.path)
            elif request.POST.get("action") == "decide":
                decision_form = AppealDecisionForm(request.POST, prefix="decision")
                if decision_form.is_valid():
                    ratings.decide_appeal(rating, request.user, **decision_form.cleaned_data)
                    messages.success(request, _("The appeal was decided."))
                    return redirect(request.path)
        except ValidationError as error:
            apply_errors(appeal_form if request.POST.get("action") == "appeal" else decision_form, error)
    context = {
        "rating": rating,
        "may_appeal": in_department
        and rating.level <= 2
        and not rating.appeal_status
        and not ratings.rating_stands(rating),
        "may_decide": supervisor and rating.appeal_status == "pending",
        "appeal_form": appeal_form,
        "decision_form": decision_form,
    }
    return render(request, "complaints/ratings/detail.html", context)


ORDER_COLUMNS = [
    (_("Opened"), "opened_at"),
    (_("Department"), "department__name"),
    (_("Handler"), lambda o: o.rating.handler.name if o.rating.handler_id else ""),
    (_("Rating"), lambda o: o.rating.get_level_display()),
    (_("Comment"), lambda o: o.rating.comment),
    (_("Status"), lambda o: o.get_status_display()),
    (_("Light"), lambda o: light_label(o.clock_light)),
    (_("Due"), "clock_due"),
    (_("Contact"), "contact_note"),
    (_("What was rectified"), "rectification_note"),
    (_("Follow-up"), "follow_up_note"),
]
ORDERS_PER_PAGE = 50


@login_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    """``?state=open|overdue`` lists exactly the command centre's ``rectifications_open`` /
    ``rectifications_overdue``; ``page`` pages by 50; ``export=xlsx``."""
    if not (is_staff_member(request.user) or is_supervisor(request.user)):
        raise PermissionDenied
    state = request.GET.get("state", "")
    state = state if state in ORDER_STATES else ""
    rows = order_rows(request.user, state)
    if request.GET.get("export") == "xlsx":
        return export(rows[:20_000], ORDER_COLUMNS, "rectifications.xlsx", title=_("Rectification orders"))
    page = Paginator(rows, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "orders": page.object_list,
        "page": page,
        "state": state,
        "states": [("open", _("Open")), ("overdue", _("Overdue (red or past due)"))],
        "query": query.urlencode(),
    }
    return render(request, "complaints/ratings/rectifications.html", context)


@login_required
def my_ratings(request: HttpRequest) -> HttpResponse:
    """A civil servant's own ratings (as the handler rated) with the state of their rectification: what the
    citizen chose and wrote, never who they are."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    rows = my_rating_rows(request.user)
    page = Paginator(rows, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    summary = satisfaction(today.replace(month=1, day=1), today, by="staff").get(request.user.staff.pk)
    return render(
        request, "complaints/ratings/mine.html", {"ratings": page.object_list, "page": page, "summary": summary}
    )


@login_required
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(
        RectificationOrder.objects.select_related("department", "rating", "rating__handler"), pk=pk
    )
    if not may_work_rectification(request.user, order):
        raise Http404
    form = NoteForm(request.POST or None)
    steps = {
        RectificationStatus.OPEN: ("contact", ratings.record_contact),
        RectificationStatus.CONTACTED: ("rectify", ratings.record_rectification),
        RectificationStatus.RECTIFIED: ("follow_up", ratings.record_follow_up),
    }
    step = steps.get(order.status)
    if request.method == "POST" and step is not None and form.is_valid():
        try:
            step[1](order, request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Recorded."))
            return redirect(request.path)
    context = {
        "order": order,
        "form": form,
        "step": step[0] if step else "",
        "may_step": step is not None and (step[0] != "follow_up" or is_supervisor(request.user)),
    }
    return render(request, "complaints/ratings/rectification.html", context)
