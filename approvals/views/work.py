"""Staff case page: the case, its clocks and timeline, and the action forms the case's state allows."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from approvals.forms.work import (
    AssignForm,
    CompleteStepForm,
    DecideForm,
    DeliverForm,
    ExtensionDecisionForm,
    ExtensionForm,
    JointForm,
    OpinionForm,
    PauseForm,
    ResultForm,
    ResumeForm,
    WorkForm,
)
from approvals.models import Case, CaseDepartment, CaseStatus, ExtensionRequest, StepCode
from approvals.selectors import cases as selectors
from approvals.selectors import tracking
from approvals.services import processing
from efficiency_portal.supervision.selectors import visible_deadlines


def _start_joint(case: Case, user, data: dict) -> Any:
    return processing.start_joint(
        case,
        user,
        lead=case.department,
        co_departments=[(department, data["limit_days"]) for department in data["departments"]],
    )


@dataclass(frozen=True)
class Action:
    label: Any
    form: type[WorkForm]
    run: Callable[[Case, Any, dict], Any]
    states: tuple[str, ...]
    needs_case: bool = False


ACTIONS: dict[str, Action] = {
    "assign": Action(
        gettext_lazy("Assign"),
        AssignForm,
        lambda case, user, d: processing.assign_case(case, d["handler"], user),
        (CaseStatus.ACCEPTED, CaseStatus.PROCESSING, CaseStatus.PAUSED),
        needs_case=True,
    ),
    "complete-step": Action(
        gettext_lazy("Finish the step"),
        CompleteStepForm,
        lambda case, user, d: processing.complete_step(case, user, d["opinion"]),
        (CaseStatus.PROCESSING,),
    ),
    "pause": Action(
        gettext_lazy("Pause for a special procedure"),
        PauseForm,
        lambda case, user, d: processing.pause_case(
            case, user, procedure=d["procedure"], reason=d["reason"], expected_days=d["expected_days"]
        ),
        (CaseStatus.PROCESSING,),
    ),
    "resume": Action(
        gettext_lazy("Resume"),
        ResumeForm,
        lambda case, user, d: processing.resume_case(case, user),
        (CaseStatus.PAUSED,),
    ),
    "extension": Action(
        gettext_lazy("Request an extension"),
        ExtensionForm,
        lambda case, user, d: processing.request_extension(case, user, d["days"], d["reason"]),
        (CaseStatus.ACCEPTED, CaseStatus.PROCESSING, CaseStatus.PAUSED),
    ),
    "joint": Action(
        gettext_lazy("Start a joint approval"), JointForm, _start_joint, (CaseStatus.PROCESSING,), needs_case=True
    ),
    "decide": Action(
        gettext_lazy("Decide"),
        DecideForm,
        lambda case, user, d: processing.decide_case(case, user, approve=d["approve"] == "yes", reason=d["reason"]),
        (CaseStatus.PROCESSING,),
    ),
    "result": Action(
        gettext_lazy("Record the result"),
        ResultForm,
        lambda case, user, d: processing.record_result(
            case, user, licence_number=d["licence_number"], document=d["document"]
        ),
        (CaseStatus.APPROVED, CaseStatus.DENIED),
    ),
    "deliver": Action(
        gettext_lazy("Deliver"),
        DeliverForm,
        lambda case, user, d: processing.deliver_case(case, user, method=d["method"], fee_charged=d["fee_charged"]),
        (CaseStatus.APPROVED, CaseStatus.DENIED),
    ),
}


def _make_form(name: str, case: Case, data=None, files=None) -> WorkForm:
    action = ACTIONS[name]
    kwargs: dict[str, Any] = {"prefix": name}
    if action.needs_case:
        kwargs["case"] = case
    return action.form(data, files, **kwargs)


def _allowed_actions(work: selectors.CaseWork) -> list[str]:
    case = work.case
    names = [name for name, action in ACTIONS.items() if case.status in action.states]
    running = work.running_step
    if "complete-step" in names and (running is None or running.step.code in (StepCode.DECIDE, StepCode.DELIVER)):
        names.remove("complete-step")
    if "decide" in names and (work.open_parts or (running is not None and running.step.code != StepCode.DECIDE)):
        names.remove("decide")
    if "joint" in names and (case.is_joint or work.parts):
        names.remove("joint")
    if "extension" in names and (
        work.pending_extension is not None or work.case_clock is None or work.case_clock.extended_at is not None
    ):
        names.remove("extension")
    return names


def _safe_reverse(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _prereview_forms(case: Case) -> dict[str, Any]:
    """The pre-review forms of intake, posted to intake's own views."""
    if case.status != CaseStatus.SUBMITTED:
        return {}
    accept = _safe_reverse("approvals:prereview_accept", case.pk)
    if not accept:
        return {}
    try:
        from approvals.forms.applying import NoticeForm, RefuseForm
    except ImportError:
        return {}
    return {
        "accept_url": accept,
        "refuse_url": _safe_reverse("approvals:prereview_refuse", case.pk),
        "notice_url": _safe_reverse("approvals:prereview_notice", case.pk),
        "refuse_form": RefuseForm(),
        "notice_form": NoticeForm(item=case.item),
    }


def _render_case(
    request: HttpRequest, case: Case, *, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    work = selectors.case_work(case)
    can_act = selectors.can_act_on(request.user, work.case)
    action_forms = []
    if can_act:
        allowed = _allowed_actions(work)
        # A form just posted with errors stays on the page, so its errors are seen next to its fields.
        allowed += [name for name in (bound or {}) if name in ACTIONS and name not in allowed]
        for name in allowed:
            form = (bound or {}).get(name) or _make_form(name, work.case)
            action_forms.append(
                {
                    "name": name,
                    "label": ACTIONS[name].label,
                    "form": form,
                    "url": reverse("approvals:case_action", args=[work.case.pk, name]),
                    "multipart": name == "result",
                }
            )
    opinion_forms = []
    for part in work.open_parts:
        if work.case.status == CaseStatus.PROCESSING and processing.may_give_opinion(request.user, part):
            form = (bound or {}).get(f"opinion-{part.pk}") or OpinionForm(prefix=f"opinion-{part.pk}")
            opinion_forms.append(
                {"part": part, "form": form, "url": reverse("approvals:joint_opinion", args=[work.case.pk, part.pk])}
            )
    _mark_viewable_clocks(request.user, work)
    context = {
        "work": work,
        "case": work.case,
        "can_act": can_act,
        "action_forms": action_forms,
        "opinion_forms": opinion_forms,
        "prereview": _prereview_forms(work.case) if can_act else {},
        "material_url_name": (
            "approvals:material_download"
            if _safe_reverse("approvals:material_download", 1) and tracking.can_read_materials(request.user, work.case)
            else ""
        ),
    }
    return render(request, "approvals/work/case.html", context, status=status)


def _mark_viewable_clocks(user, work: selectors.CaseWork) -> None:
    """Each clock of the page knows whether its own page would open for this viewer (one query): a leader or a
    colleague who may read the case may not be shown every step's clock."""
    clocks = [
        clock
        for clock in (work.case_clock, work.prereview_clock, *work.step_clocks.values(), *work.part_clocks.values())
        if clock is not None
    ]
    viewable = set(visible_deadlines(user).filter(pk__in=[c.pk for c in clocks]).values_list("pk", flat=True))
    for clock in clocks:
        clock.viewable = clock.pk in viewable


@login_required
@require_GET
def case_work(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_staff(request.user, pk)
    return _render_case(request, case)


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    case = selectors.case_for_staff(request.user, pk)
    if not selectors.can_act_on(request.user, case):
        raise PermissionDenied
    form = _make_form(action, case, request.POST, request.FILES)
    if form.is_valid():
        try:
            ACTIONS[action].run(case, request.user, form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": ACTIONS[action].label})
            return redirect("approvals:case_work", pk=case.pk)
    messages.error(request, _("Please correct the errors below."))
    return _render_case(request, case, bound={action: form}, status=400)


@login_required
@require_POST
def joint_opinion(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    case = selectors.case_for_staff(request.user, pk)
    part = get_object_or_404(CaseDepartment.objects.select_related("department"), pk=part_pk, case=case)
    if not processing.may_give_opinion(request.user, part):
        raise PermissionDenied
    form = OpinionForm(request.POST, prefix=f"opinion-{part.pk}")
    if form.is_valid():
        try:
            processing.give_joint_opinion(
                part, request.user, agreed=form.cleaned_data["agreed"] == "yes", opinion=form.cleaned_data["opinion"]
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("Your department's opinion is recorded."))
            return redirect("approvals:case_work", pk=case.pk)
    messages.error(request, _("Please correct the errors below."))
    return _render_case(request, case, bound={f"opinion-{part.pk}": form}, status=400)


def _extension_page(request: HttpRequest, bound: dict[int, forms.Form] | None = None, status: int = 200):
    pending = list(selectors.pending_extensions(request.user))
    clocks = selectors.case_clocks([ext.case_id for ext in pending])
    rows = [
        {
            "request": ext,
            "form": (bound or {}).get(ext.pk) or ExtensionDecisionForm(prefix=f"ext-{ext.pk}"),
            "clock": clocks.get(ext.case_id),
        }
        for ext in pending
    ]
    return render(request, "approvals/work/extension_requests.html", {"rows": rows}, status=status)


@login_required
@require_GET
def extension_requests(request: HttpRequest) -> HttpResponse:
    if not hasattr(request.user, "staff"):
        raise PermissionDenied
    return _extension_page(request)


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    ext = get_object_or_404(ExtensionRequest.objects.select_related("case__department__leader_in_charge"), pk=pk)
    if not processing.may_decide_extension(request.user, ext):
        raise PermissionDenied
    form = ExtensionDecisionForm(request.POST, prefix=f"ext-{ext.pk}")
    if form.is_valid():
        try:
            processing.decide_extension(
                ext, request.user, form.cleaned_data["approve"] == "yes", note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The extension request is decided."))
            return redirect("approvals:extension_requests")
    messages.error(request, _("Please correct the errors below."))
    return _extension_page(request, bound={ext.pk: form}, status=400)


@login_required
@require_GET
def result_download(request: HttpRequest, pk: int) -> FileResponse:
    """The decision document, to staff who may see the case, always as an attachment."""
    case = selectors.case_for_staff(request.user, pk)
    if not case.result_document:
        raise Http404
    try:
        handle = case.result_document.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = f"{case.tracking_code}{PurePath(case.result_document.name).suffix}"
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Content-Type"] = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response
