"""Pages of intake: applying online and at the window, tracking, the applicant's cases, materials, pre-review."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from approvals.forms.applying import (
    ApplyForm,
    NoticeForm,
    RefuseForm,
    SupplementForm,
    TrackForm,
    WindowIntakeForm,
    apply_errors,
)
from approvals.models import Case, CaseStatus, Item
from approvals.selectors import tracking
from approvals.selectors.finished import FINISHED_STATUSES
from approvals.services import intake
from efficiency_portal.common import receipts

SESSION_TRACKED = "approvals_tracked"  # {case id: "secret" | "phone"} proved in this session
SESSION_NEW_CASE = "approvals_new_case"  # the secret, shown once on the next page
TRACK_FAILURE_LIMIT = 10
TRACK_FAILURE_WINDOW = 10 * 60


# --- session and rate limit -------------------------------------------------------------------------------------


def tracked(request: HttpRequest) -> dict[int, str]:
    return {int(k): v for k, v in request.session.get(SESSION_TRACKED, {}).items()}


def remember(request: HttpRequest, case: Case, proof: str) -> None:
    current = request.session.get(SESSION_TRACKED, {})
    if current.get(str(case.pk)) != tracking.PROOF_SECRET:
        current[str(case.pk)] = proof
    request.session[SESSION_TRACKED] = current


def secret_case_ids(request: HttpRequest) -> frozenset[int]:
    return frozenset(pk for pk, proof in tracked(request).items() if proof == tracking.PROOF_SECRET)


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _failures_key(request: HttpRequest) -> str:
    return f"approvals:track-failures:{_client(request)}"


def track_blocked(request: HttpRequest) -> bool:
    return (cache.get(_failures_key(request)) or 0) >= TRACK_FAILURE_LIMIT


def track_failed(request: HttpRequest) -> None:
    key = _failures_key(request)
    if cache.add(key, 1, TRACK_FAILURE_WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, TRACK_FAILURE_WINDOW)


def form_submission_key(token: str) -> str:
    """A page form's one-time token as stored on the case: random per form, so the form's holder is its scope."""
    return receipts.scoped_key("form", token)


# --- applying ---------------------------------------------------------------------------------------------------


def _apply(request: HttpRequest, item: Item, form: ApplyForm, **extra) -> Case | None:
    """The case of this form, created once whatever the number of clicks or retries (the token is unique on the
    case in the database, so every web worker sees it); the done page shows its number and secret again."""
    key = form_submission_key(form.cleaned_data["form_token"])
    try:
        submitted = intake.submit_once(
            item,
            submission_key=key,
            applicant_name=form.cleaned_data["applicant_name"],
            applicant_phone=form.cleaned_data["applicant_phone"],
            applicant_email=form.cleaned_data["applicant_email"],
            enterprise_name=form.cleaned_data["enterprise_name"],
            files=form.files_by_material(),
            **extra,
        )
    except ValidationError as error:
        apply_errors(form, error)
        return None
    except receipts.Conflict:
        messages.info(request, _("This form was already sent; your application was received once."))
        return None
    case = submitted.case
    request.session[SESSION_NEW_CASE] = {"pk": case.pk, "code": case.tracking_code, "key": key}
    return case


def apply(request: HttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(Item.objects.select_related("department"), code=code, is_published=True, online=True)
    user = request.user
    if request.method == "POST":
        form = ApplyForm(request.POST, request.FILES, item=item)
        if form.is_valid():
            case = _apply(request, item, form, applicant=user if user.is_authenticated else None)
            if case is not None:
                remember(request, case, tracking.PROOF_SECRET)
                return redirect("approvals:apply_done")
            if not form.errors:
                return redirect("approvals:track")
    else:
        initial = {}
        if user.is_authenticated:
            initial = {
                "applicant_name": user.display_name or user.get_full_name(),
                "applicant_phone": user.phone or "",
                "applicant_email": user.email,
                "enterprise_name": getattr(user, "enterprise_name", "") or "",
            }
        form = ApplyForm(initial=initial, item=item)
    return render(request, "approvals/apply/form.html", {"item": item, "form": form, "window": False})


def apply_done(request: HttpRequest) -> HttpResponse:
    """Number and secret of this session's latest application, from its receipt (shown again on a reload while
    the receipt keeps the secret)."""
    new_case = request.session.get(SESSION_NEW_CASE)
    if not new_case:
        return redirect("approvals:track")
    receipt = intake.receipt_for(new_case.get("key", ""))
    new_case = {**new_case, "secret": receipt.secret if receipt is not None else None}
    return render(
        request, "approvals/apply/done.html", {"new_case": new_case, "minutes": settings.RECEIPT_SECRET_MINUTES}
    )


@login_required
def window_intake(request: HttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(Item.objects.select_related("department"), code=code, is_published=True)
    if not tracking.can_take_in(request.user, item):
        raise PermissionDenied
    if request.method == "POST":
        form = WindowIntakeForm(request.POST, request.FILES, item=item)
        if form.is_valid():
            case = _apply(
                request, item, form, channel=form.cleaned_data["channel"], received_by=request.user, applicant=None
            )
            if case is not None:
                return redirect("approvals:apply_done")
            if not form.errors:
                return redirect("approvals:window_intake", code=item.code)
    else:
        form = WindowIntakeForm(item=item)
    return render(request, "approvals/apply/form.html", {"item": item, "form": form, "window": True})


# --- tracking ---------------------------------------------------------------------------------------------------


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    blocked = track_blocked(request)
    if request.method == "POST" and not blocked and form.is_valid():
        case, proof = tracking.prove(form.cleaned_data["code"], form.cleaned_data["proof"])
        if case is not None:
            remember(request, case, proof)
            return redirect("approvals:track_case", pk=case.pk)
        track_failed(request)
        blocked = track_blocked(request)
        if not blocked:
            form.add_error(None, _("No case matches this code and secret or phone. Please check both."))
    if blocked:
        limited = _("Too many failed look-ups from your address. Please try again in 10 minutes.")
        # A visitor may come back to the page (GET) while still blocked: an unbound form takes no errors.
        if form.is_bound:
            form.add_error(None, limited)
        else:
            messages.error(request, limited)
    return render(request, "approvals/track/form.html", {"form": form}, status=429 if blocked else 200)


def _case_for_applicant(request: HttpRequest, pk: int) -> tuple[Case, bool]:
    """The case if this visitor owns it or proved it this session (else 404); and whether files may be read."""
    case = get_object_or_404(Case.objects.select_related("item", "department"), pk=pk)
    proofs = tracked(request)
    owner = request.user.is_authenticated and case.applicant_id == request.user.pk
    if not owner and case.pk not in proofs:
        raise Http404
    return case, owner or proofs.get(case.pk) == tracking.PROOF_SECRET


def track_case(request: HttpRequest, pk: int) -> HttpResponse:
    case, may_read_files = _case_for_applicant(request, pk)
    notice = intake.open_notice(case) if case.status == CaseStatus.SUPPLEMENT else None
    form = None
    if notice is not None:
        missing = list(notice.missing.all())
        form = SupplementForm(request.POST or None, request.FILES or None, missing=missing)
        if request.method == "POST" and form.is_valid():
            try:
                intake.supplement_materials(
                    case,
                    files=form.files_by_material(),
                    actor=request.user if request.user.is_authenticated else None,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Thank you: the missing materials were received."))
                return redirect(request.path)
    elif request.method == "POST":
        messages.info(request, _("This case is not waiting for materials."))
        return redirect(request.path)
    context = {
        "case": case,
        "owner": request.user.is_authenticated and case.applicant_id == request.user.pk,
        # 好差评 reaches whoever proved the case here, with or without an account.
        "finished": case.status in FINISHED_STATUSES,
        "timeline": tracking.public_timeline(case),
        "notice": notice,
        "form": form,
        "materials": list(case.materials.select_related("material").order_by("round", "pk")) if may_read_files else [],
    }
    return render(request, "approvals/track/case.html", context)


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    cases = tracking.applicant_cases(request.user)[:200]
    return render(request, "approvals/track/my_cases.html", {"cases": cases})


def material_download(request: HttpRequest, pk: int) -> FileResponse:
    material = tracking.material_for_download(pk)
    if material is None or not tracking.can_read_materials(request.user, material.case, secret_case_ids(request)):
        raise Http404
    try:
        handle = material.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=material.original_name)
    response["Content-Type"] = material.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- pre-review (clerks) ----------------------------------------------------------------------------------------


def case_work_url(pk: int) -> str:
    try:
        return reverse("approvals:case_work", args=[pk])
    except NoReverseMatch:
        return reverse("approvals:prereview", args=[pk])


def _prereview_case(request: HttpRequest, pk: int) -> Case:
    case = get_object_or_404(Case.objects.select_related("item", "department"), pk=pk)
    if not tracking.can_prereview(request.user, case):
        raise Http404
    return case


@login_required
def prereview(request: HttpRequest, pk: int) -> HttpResponse:
    case = _prereview_case(request, pk)
    intake.note_first_receiver(case, request.user)
    context = {
        "case": case,
        "materials": list(case.materials.select_related("material").order_by("round", "pk")),
        "refuse_form": RefuseForm(),
        "notice_form": NoticeForm(item=case.item),
        "timeline": tracking.public_timeline(case),
    }
    return render(request, "approvals/apply/prereview.html", context)


def _act(request: HttpRequest, action) -> None:
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Done."))


@login_required
@require_POST
def prereview_accept(request: HttpRequest, pk: int) -> HttpResponse:
    case = _prereview_case(request, pk)
    _act(request, lambda: intake.accept_case(case, request.user))
    return redirect(case_work_url(pk))


@login_required
@require_POST
def prereview_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    case = _prereview_case(request, pk)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A refusal needs a written reason."))
        return redirect(case_work_url(pk))
    _act(request, lambda: intake.refuse_case(case, request.user, form.cleaned_data["reason"]))
    return redirect(case_work_url(pk))


@login_required
@require_POST
def prereview_notice(request: HttpRequest, pk: int) -> HttpResponse:
    case = _prereview_case(request, pk)
    form = NoticeForm(request.POST, item=case.item)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(case_work_url(pk))
    _act(
        request,
        lambda: intake.issue_supplement_notice(
            case, request.user, missing=list(form.cleaned_data["missing"]), note=form.cleaned_data["note"]
        ),
    )
    return redirect(case_work_url(pk))
