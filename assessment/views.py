"""Pages of the assessment. Each view parses input, checks who may act, and calls one service or selector."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from efficiency_portal.common.excel import export
from efficiency_portal.org.roles import is_staff_member, is_supervisor

from . import selectors
from .forms import (
    AdjustGradeForm,
    AdjustmentEntryForm,
    AppealForm,
    AssignForm,
    DecideAppealForm,
    DeleteInputForm,
    IndicatorEditForm,
    PeriodForm,
    RuleEditForm,
    SchemeSettingsForm,
    ScoreSheet,
    VetoEditForm,
    VetoEntryForm,
    WeightsForm,
)
from .models import (
    AdjustmentEntry,
    AdjustmentRule,
    Appeal,
    EvaluationForm,
    Indicator,
    Period,
    PeriodStatus,
    Result,
    RunState,
    Scheme,
    VetoEntry,
    VetoRule,
    grade_label,
)
from .models.schemes import max_quota
from .services import forms as form_services
from .services import periods as period_services
from .services import publishing, runs, scheme_parts
from .services import schemes as scheme_services
from .templatetags.assessment_tags import light_name


def _require_supervisor(request: HttpRequest) -> None:
    if not is_supervisor(request.user):
        raise PermissionDenied


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _flash_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Staff: own results, appeals, evaluation forms -------------------------------------------------------------


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
                _form_errors(appeal_form, error)
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


@login_required
def my_forms(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    return render(
        request, "assessment/my_forms.html", {"forms": selectors.my_forms(request.user), "now": timezone.now()}
    )


@login_required
def form_fill(request: HttpRequest, pk: int) -> HttpResponse:
    form = get_object_or_404(EvaluationForm.objects.select_related("period__scheme", "indicator", "evaluator"), pk=pk)
    own = is_staff_member(request.user) and form.evaluator_id == request.user.staff.pk
    if not own and not is_supervisor(request.user):
        # An evaluator's individual scores are seen by the evaluator and the supervisors only.
        raise Http404
    if not own and request.method == "POST":
        raise PermissionDenied
    sheet = ScoreSheet(form, request.POST or None)
    closed = not own or not form_services.form_open(form.period)
    status = 200
    if request.method == "POST":
        if sheet.is_valid():
            try:
                form_services.submit_form(form, user=request.user, scores=sheet.scores())
            except ValidationError as error:
                _form_errors(sheet, error)
            else:
                messages.success(request, _("Your scores were saved."))
                return redirect("assessment:my_forms")
        status = 400
    return render(request, "assessment/form_fill.html", {"form": form, "sheet": sheet, "closed": closed}, status=status)


# --- Supervisors: periods, runs, publishing, grades, appeals -----------------------------------------------------


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    period_form = PeriodForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if period_form.is_valid():
            try:
                period = period_services.create_period(**period_form.cleaned_data, actor=request.user)
            except ValidationError as error:
                _form_errors(period_form, error)
            else:
                messages.success(request, _("Period created."))
                return redirect(period.get_absolute_url())
        status = 400
    return render(
        request,
        "assessment/period_list.html",
        {
            "periods": selectors.periods(),
            "period_form": period_form,
            "appeal_counts": selectors.dashboard_counts(timezone.localdate()),
        },
        status=status,
    )


ENTRIES_PER_PAGE = 50


def _period_context(request: HttpRequest, period: Period, **extra) -> dict:
    results, next_after = selectors.keyset(selectors.period_results(period), request.GET.get("after"))
    adjustments, vetoes = selectors.period_inputs(period)
    entries = Paginator(adjustments, ENTRIES_PER_PAGE).get_page(request.GET.get("entries"))
    veto_rows = list(vetoes)
    names = selectors.subject_names(
        period, {entry.subject_id for entry in entries} | {veto.subject_id for veto in veto_rows}
    )
    return {
        "entries": entries,
        "vetoes": veto_rows,
        "subject_names": names,
        "delete_form": DeleteInputForm(),
        "period": period,
        "results": results,
        "next_after": next_after,
        "appeals": selectors.open_appeals(period),
        "runs": period.runs.select_related("actor")[:5],
        "forms": period.forms.select_related("evaluator", "indicator").annotate(
            scored=Count("entries", filter=Q(entries__score__isnull=False) | Q(entries__unknown=True))
        ),
        "adjustment_form": extra.pop("adjustment_form", None) or AdjustmentEntryForm(period),
        "veto_form": extra.pop("veto_form", None) or VetoEntryForm(period),
        "decide_form": DecideAppealForm(),
        **_run_progress(period),
        **extra,
    }


def _run_progress(period: Period) -> dict[str, bool]:
    """A queued or running run keeps the page reloading and the button off, unless it looks stuck."""
    busy = period.run_state in (RunState.QUEUED, RunState.RUNNING)
    stale = busy and (period.run_requested_at is None or period.run_requested_at < runs.stale_before(timezone.now()))
    return {"run_busy": busy and not stale, "run_stale": stale}


@login_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    period = get_object_or_404(Period.objects.select_related("scheme"), pk=pk)
    return render(request, "assessment/period_detail.html", _period_context(request, period))


@login_required
def period_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign evaluators: who scores whom on which evaluated indicator (民主测评, 领导评价)."""
    _require_supervisor(request)
    period = get_object_or_404(Period.objects.select_related("scheme"), pk=pk)
    form = AssignForm(period, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                assigned = form_services.assign_form(
                    period,
                    indicator=data["indicator"],
                    evaluator=data["evaluator"],
                    subject_ids=data["subject_ids"],
                    actor=request.user,
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                counts = {
                    "evaluator": data["evaluator"].name,
                    "n": assigned.entries.count(),
                    "indicator": assigned.indicator,
                }
                messages.success(request, _("%(evaluator)s now evaluates %(n)s on “%(indicator)s”.") % counts)
                return redirect("assessment:period_assign", pk=period.pk)
        status = 400
    assigned_forms = (
        period.forms.select_related("evaluator__department", "indicator")
        .annotate(subjects=Count("entries"))
        .order_by("indicator__sort_order", "evaluator__name", "id")
    )
    return render(
        request,
        "assessment/period_assign.html",
        {"period": period, "form": form, "assigned_forms": assigned_forms},
        status=status,
    )


@login_required
@require_POST
def period_run(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    period = get_object_or_404(Period.objects.select_related("scheme"), pk=pk)
    try:
        runs.queue_run(period, actor=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("The run has started; the results below are replaced when it is done."))
    return redirect(period.get_absolute_url())


@login_required
@require_POST
def period_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    period = get_object_or_404(Period, pk=pk)
    try:
        publishing.publish_period(period, actor=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("Published; everyone assessed has been told."))
    return redirect(period.get_absolute_url())


@login_required
@require_POST
def period_adjustment(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    period = get_object_or_404(Period.objects.select_related("scheme"), pk=pk)
    form = AdjustmentEntryForm(period, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            form_services.record_adjustment(
                period,
                rule=data["rule"],
                subject_id=data["subject"],
                quantity=data["quantity"],
                fact_date=data["fact_date"],
                note=data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Recorded; it counts from the next run."))
            return redirect(period.get_absolute_url())
    return render(
        request, "assessment/period_detail.html", _period_context(request, period, adjustment_form=form), status=400
    )


@login_required
@require_POST
def period_veto(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    period = get_object_or_404(Period.objects.select_related("scheme"), pk=pk)
    form = VetoEntryForm(period, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            form_services.record_veto(
                period, rule=data["rule"], subject_id=data["subject"], reason=data["reason"], actor=request.user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Veto recorded; it counts from the next run."))
            return redirect(period.get_absolute_url())
    return render(
        request, "assessment/period_detail.html", _period_context(request, period, veto_form=form), status=400
    )


def _delete_input(request: HttpRequest, entry, delete) -> HttpResponse:
    form = DeleteInputForm(request.POST)
    if form.is_valid():
        try:
            delete(entry, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as error:
            _flash_errors(request, error)
        else:
            messages.success(request, _("Deleted; the reason is logged. It no longer counts from the next run."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(entry.period.get_absolute_url())


@login_required
@require_POST
def adjustment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    entry = get_object_or_404(AdjustmentEntry.objects.select_related("period", "rule"), pk=pk)
    return _delete_input(request, entry, form_services.delete_adjustment_entry)


@login_required
@require_POST
def veto_entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    entry = get_object_or_404(VetoEntry.objects.select_related("period", "rule"), pk=pk)
    return _delete_input(request, entry, form_services.delete_veto_entry)


@login_required
@require_POST
def result_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    result = get_object_or_404(Result, pk=pk)
    form = AdjustGradeForm(request.POST)
    if form.is_valid():
        try:
            publishing.adjust_grade(
                result, grade=form.cleaned_data["grade"], reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            _flash_errors(request, error)
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
    _require_supervisor(request)
    appeal = get_object_or_404(Appeal.objects.select_related("result__period"), pk=pk)
    form = DecideAppealForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            publishing.decide_appeal(
                appeal, actor=request.user, upheld=data["upheld"], decision=data["decision"], grade=data["grade"]
            )
        except ValidationError as error:
            _flash_errors(request, error)
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
    _require_supervisor(request)
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
    _require_supervisor(request)
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


# --- Rankings and trends ------------------------------------------------------------------------------------------


def _ranking_period(request: HttpRequest) -> tuple[Period | None, list[Period]]:
    periods = list(selectors.ranked_periods(request.user)[:60])
    wanted = request.GET.get("period", "")
    chosen = next((p for p in periods if str(p.pk) == wanted), periods[0] if periods else None)
    return chosen, periods


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    if not selectors.may_rank(request.user):
        raise PermissionDenied
    scope = selectors.ranking_scope(request.user)
    period, periods = _ranking_period(request)
    rows, next_after = (
        selectors.keyset(selectors.ranking(period, scope), request.GET.get("after")) if period else ([], None)
    )
    chart = None
    if period is not None:
        chart = selectors.trend(period, scope)
        names = [_("Average points"), _("Excellent"), _("Incompetent / fail")]
        for series, name in zip(chart["series"], names, strict=True):
            series["label"] = name
    return render(
        request,
        "assessment/rankings.html",
        {"period": period, "periods": periods, "rows": rows, "chart": chart, "next_after": next_after},
    )


@login_required
def rankings_export(request: HttpRequest) -> HttpResponse:
    if not selectors.may_rank(request.user):
        raise PermissionDenied
    period, _periods = _ranking_period(request)
    if period is None:
        raise Http404
    kind = period.scheme.subject_kind
    rows = selectors.ranking(period, selectors.ranking_scope(request.user)).iterator(chunk_size=2000)
    columns = [
        (_("Rank"), "rank"),
        (_("Assessed"), "subject_name"),
        (_("Department"), "department__name"),
        (_("Points"), "total"),
        (_("Grade"), lambda r: grade_label(r.grade, kind)),
    ]
    if period.scheme.bonus_enabled:
        # A colleague's bonus is the supervisors' business; heads and leaders see only their own.
        own = request.user.staff.pk if is_staff_member(request.user) else None
        if is_supervisor(request.user):
            columns.append((_("Bonus (yuan)"), "bonus"))
        else:
            columns.append((_("Bonus (yuan)"), lambda r: r.bonus if own is not None and r.staff_id == own else None))
    return export(rows, columns, f"assessment-{period.pk}.xlsx", title=period.name)


# --- Schemes ------------------------------------------------------------------------------------------------------


@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    return render(request, "assessment/scheme_list.html", {"schemes": selectors.schemes()})


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    scheme = get_object_or_404(Scheme, pk=pk)
    form = WeightsForm(scheme, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                scheme_services.set_weights(scheme, form.weights(), quota=form.cleaned_data["excellent_quota"])
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Weights and quota saved."))
                return redirect(scheme.get_absolute_url())
        status = 400
    context = {
        "scheme": scheme,
        "form": form,
        "indicators": scheme.indicators.all(),
        "rules": scheme.adjustment_rules.all(),
        "vetoes": scheme.veto_rules.all(),
        "weight_total": scheme_parts.weight_total(scheme),
    }
    return render(request, "assessment/scheme_detail.html", context, status=status)


def _scheme_settings(request: HttpRequest, scheme: Scheme | None) -> HttpResponse:
    form = SchemeSettingsForm(request.POST or None, instance=scheme)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = scheme_services.save_scheme(scheme=scheme, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                if scheme is None:
                    messages.info(request, _("Now add its indicators; their weights must sum to 100."))
                return redirect(saved.get_absolute_url())
        status = 400
    title = _("Settings of the scheme") if scheme is not None else _("New assessment scheme")
    return render(
        request,
        "assessment/scheme_settings.html",
        {"scheme": scheme, "form": form, "title": title, "max_quota": max_quota()},
        status=status,
    )


@login_required
def scheme_create(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    return _scheme_settings(request, None)


@login_required
def scheme_settings(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    return _scheme_settings(request, get_object_or_404(Scheme, pk=pk))


# --- Editing a scheme's indicators, add/deduct rules and vetoes ---------------------------------------------------

SCHEME_PARTS = {
    # part (also the keyword of the instance in the save service): (model, page form, save service, delete service)
    "indicator": (Indicator, IndicatorEditForm, scheme_parts.save_indicator, scheme_parts.delete_indicator),
    "rule": (AdjustmentRule, RuleEditForm, scheme_parts.save_rule, scheme_parts.delete_rule),
    "veto": (VetoRule, VetoEditForm, scheme_parts.save_veto, scheme_parts.delete_veto),
}
PART_TITLES = {
    "indicator": (_lazy("Add an indicator"), _lazy("Change the indicator")),
    "rule": (_lazy("Add an add/deduct item"), _lazy("Change the add/deduct item")),
    "veto": (_lazy("Add a veto (一票否决)"), _lazy("Change the veto (一票否决)")),
}


def _scheme_part(request: HttpRequest, pk: int, part: str, part_pk: int | None):
    _require_supervisor(request)
    scheme = get_object_or_404(Scheme, pk=pk)
    model = SCHEME_PARTS[part][0]
    instance = get_object_or_404(model, pk=part_pk, scheme=scheme) if part_pk is not None else None
    return scheme, instance


@login_required
def scheme_part_edit(request: HttpRequest, pk: int, part: str, part_pk: int | None = None) -> HttpResponse:
    """Add or change an indicator, an add/deduct rule or a veto of a scheme; the service checks and writes."""
    scheme, instance = _scheme_part(request, pk, part, part_pk)
    _model, form_class, save, _delete = SCHEME_PARTS[part]
    form = form_class(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save(scheme, **{part: instance}, **form.cleaned_data, actor=request.user)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                _saved_message(request, scheme, part)
                return redirect(scheme.get_absolute_url())
        status = 400
    context = {
        "scheme": scheme,
        "instance": instance,
        "form": form,
        "part": part,
        "title": PART_TITLES[part][instance is not None],
    }
    return render(request, "assessment/scheme_part.html", context, status=status)


def _saved_message(request: HttpRequest, scheme: Scheme, part: str) -> None:
    messages.success(request, _("Saved."))
    if part == "indicator":
        total = scheme_parts.weight_total(scheme)
        if total != scheme_services.HUNDRED:
            messages.warning(
                request,
                _("The weights now sum to %(total)s; periods of this scheme cannot be run until they sum to 100.")
                % {"total": total},
            )


@login_required
@require_POST
def scheme_part_delete(request: HttpRequest, pk: int, part: str, part_pk: int) -> HttpResponse:
    scheme, instance = _scheme_part(request, pk, part, part_pk)
    try:
        SCHEME_PARTS[part][3](instance, actor=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        _saved_message(request, scheme, part)
    return redirect(scheme.get_absolute_url())
