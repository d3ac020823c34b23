"""Results and appeals: staff read their own results and appeal; supervisors adjust grades, decide appeals, list
and export the appeals awaiting a decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import selectors
from assessment.forms import AdjustGradeForm, AppealForm, DecideAppealForm
from assessment.models import Appeal, PeriodStatus, Result, grade_label
from assessment.services import publishing
from assessment.templatetags.assessment_tags import light_name
from assessment.views.common import flash_errors, form_errors, require_supervisor
from efficiency_portal.common.excel import export
from efficiency_portal.org.roles import is_staff_member, is_supervisor

# --- Staff: own results and appeals ----------------------------------------------------------------------------


@login_required
def my_results(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    return render(request, "assessment/my_results.html", {"results": selectors.my_results(request.user)})


@login_required
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        result = selectors.result_detail(pk)
    except Result.DoesNotExist as missing:
        raise Http404 from missing
    if not selectors.can_view_result(request.user, result):
        raise Http404
    appeal_form = AppealForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if appeal_form.is_valid():
            try:
                publishing.file_appeal(result, user=request.user, reason=appeal_form.cleaned_data["reason"])
            except ValidationError as error:
                form_errors(appeal_form, error)
            else:
                messages.success(request, _("Your appeal was filed; you will be told of the decision."))
                return redirect(result.get_absolute_url())
        status = 400
    period = result.period
    may_appeal = (
        period.status == PeriodStatus.PUBLISHED
        and period.appeal_until is not None
        and timezone.now() <= period.appeal_until
        and publishing.may_appeal(result, request.user)
        and not any(appeal.status == "open" for appeal in result.appeals.all())
    )
    context = {
        "result": result,
        "period": period,
        "lines": result.lines.all(),
        "grade_display": grade_label(result.grade, period.scheme.subject_kind),
        "computed_display": grade_label(result.computed_grade, period.scheme.subject_kind),
        "appeal_form": appeal_form if may_appeal or request.method == "POST" else None,
        "supervisor": is_supervisor(request.user),
        "adjust_form": AdjustGradeForm(initial={"grade": result.grade}) if is_supervisor(request.user) else None,
    }
    return render(request, "assessment/result_detail.html", context, status=status)


# --- Supervisors: grades and appeals ---------------------------------------------------------------------------


@login_required
@require_POST
def result_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    require_supervisor(request)
    result = get_object_or_404(Result, pk=pk)
    form = AdjustGradeForm(request.POST)
    if form.is_valid():
        try:
            publishing.adjust_grade(
                result, grade=form.cleaned_data["grade"], reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Grade adjusted; the reason is logged."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(result.get_absolute_url())


@login_required
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_supervisor(request)
    appeal = get_object_or_404(Appeal.objects.select_related("result__period"), pk=pk)
    form = DecideAppealForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            publishing.decide_appeal(
                appeal, actor=request.user, upheld=data["upheld"], decision=data["decision"], grade=data["grade"]
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Decision recorded; the appellant has been told."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(appeal.result.period.get_absolute_url())


APPEALS_PER_PAGE = 100


def _appeal_state(request: HttpRequest) -> str:
    state = request.GET.get("state") or "open"
    if state not in selectors.APPEAL_STATES:
        raise Http404
    return state


@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    """Appeals awaiting a decision with their decision clocks: ``?state=open`` (all, the default) or ``?state=due``
    (due by the end of today), the two figures of ``selectors.dashboard_counts``."""
    require_supervisor(request)
    state = _appeal_state(request)
    today = timezone.localdate()
    page = Paginator(selectors.appeals(state, today), APPEALS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/appeal_list.html",
        {"page": page, "state": state, "counts": selectors.dashboard_counts(today)},
    )


@login_required
def appeal_export(request: HttpRequest) -> HttpResponse:
    require_supervisor(request)
    state = _appeal_state(request)
    rows = selectors.appeals(state, timezone.localdate()).iterator(chunk_size=1000)
    columns = [
        (_("Assessed"), "result__subject_name"),
        (_("Department"), "result__department__name"),
        (_("Period"), lambda a: str(a.result.period)),
        (_("Grade"), lambda a: grade_label(a.result.grade, a.result.period.scheme.subject_kind)),
        (_("Filed by"), lambda a: str(a.filed_by)),
        (_("Filed at"), "filed_at"),
        (_("Decision due"), "due_at"),
        (_("Light"), lambda a: light_name(a.light)),
        (_("Reason"), "reason"),
    ]
    return export(rows, columns, f"assessment-appeals-{state}.xlsx", title=_("Assessment appeals"))
