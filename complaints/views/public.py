"""Citizens' pages: filing, the secret shown once, tracking, the reply with rating and reopening, my complaints,
and the rating of a window visit."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from approvals.selectors.finished import applicant_cases_for_complaints
from complaints import captcha
from complaints.forms import (
    EvidenceForm,
    FilingForm,
    RateHandlingForm,
    RateWindowForm,
    ReopenForm,
    TrackForm,
    apply_errors,
)
from complaints.models import Complaint, ComplaintAttachment, ComplaintChannel, ComplaintStatus
from complaints.selectors.access import may_see_identity
from complaints.selectors.lists import complainant_complaints
from complaints.services import handling, ratings, tracking
from complaints.services.filing import EVIDENCE_STATES, add_evidence, file_complaint, receipt_for
from efficiency_portal.common import receipts
from efficiency_portal.org.models import Department

SESSION_TRACKED = "complaints_tracked"  # complaint ids proved with number + secret in this session
SESSION_NEW = "complaints_new"  # number and secret for the next page (staff intake)
SESSION_FORM_TOKENS = "complaints_form_tokens"  # one-time tokens of the filing forms this session was given
SESSION_DONE = "complaints_done"  # the token of the filing whose done page comes next
FORM_TOKENS_KEPT = 10


def tracked_ids(request: HttpRequest) -> set[int]:
    return {int(pk) for pk in request.session.get(SESSION_TRACKED, [])}


def remember(request: HttpRequest, complaint: Complaint) -> None:
    request.session[SESSION_TRACKED] = sorted(tracked_ids(request) | {complaint.pk})


def file_form_context(request: HttpRequest, form: FilingForm, *, intake: bool = False) -> dict:
    # Larger text is the site-wide elder mode (common/display.py), switched from the page's header or its top.
    return {"form": form, "intake": intake}


def _issued_tokens(request: HttpRequest) -> list[str]:
    return list(request.session.get(SESSION_FORM_TOKENS, []))


def _issue_token(request: HttpRequest, token: str) -> None:
    tokens = [t for t in _issued_tokens(request) if t != token]
    request.session[SESSION_FORM_TOKENS] = [*tokens, token][-FORM_TOKENS_KEPT:]


def _keep_new(request: HttpRequest, token: str) -> None:
    """The done page comes next. Its number and secret are read from the filing's receipt in the database (not
    from this process's memory nor the cache), so another web worker, a Redis restart or a second click shows
    them as well."""
    _issue_token(request, token)  # the session that sent it, even without having loaded the form first
    request.session[SESSION_DONE] = token


def filed_from_form(request: HttpRequest, form: FilingForm, **extra):
    data = form.cleaned_data
    case = None
    if data.get("case"):
        case = applicant_cases_for_complaints(request.user).filter(pk=data["case"]).first()
    return file_complaint(
        category=data["category"],
        description=data["description"],
        department=data["department"],
        staff=form.staff(),
        case=case,
        happened_on=data.get("happened_on"),
        place=data.get("place") or "",
        anonymous=data.get("anonymous") or False,
        name=data.get("name") or "",
        phone=data.get("phone") or "",
        email=data.get("email") or "",
        files=data.get("attachments") or [],
        submission_key=data["form_token"],
        send_secret=data.get("send_secret") or False,
        **extra,
    )


def file(request: HttpRequest) -> HttpResponse:
    """效能投诉: named or anonymous, by anyone; rate-limited per address with a sum to solve near the limit."""
    if captcha.blocked(request):
        return render(request, "complaints/public/limited.html", status=429)
    cases = list(applicant_cases_for_complaints(request.user)[:50])
    need_captcha = captcha.captcha_needed(request)
    if request.method == "POST":
        form = FilingForm(request.POST, request.FILES, cases=cases, need_captcha=need_captcha)
        if form.is_valid():
            try:
                filed = filed_from_form(
                    request,
                    form,
                    complainant=request.user if request.user.is_authenticated else None,
                    channel=ComplaintChannel.ONLINE,
                )
            except ValidationError as error:
                apply_errors(form, error)
            except receipts.Conflict:
                form.add_error(
                    None,
                    _(
                        "This form was already sent with other content, and that complaint was received. To file "
                        "another complaint, please open a new form."
                    ),
                )
                return render(request, "complaints/public/file.html", file_form_context(request, form), status=422)
            else:
                token = form.cleaned_data["form_token"]
                if filed.duplicate:
                    if token in _issued_tokens(request):
                        # A double click, a reload or a retry after a lost answer: the done page again.
                        _keep_new(request, token)
                        return redirect("complaints:file_done")
                    messages.info(request, _("This form was already sent; your complaint was received once."))
                    return redirect("complaints:track")
                captcha.count_filing(request)
                remember(request, filed.complaint)
                _keep_new(request, token)
                return redirect("complaints:file_done")
    else:
        initial = {}
        if request.user.is_authenticated:
            initial = {
                "name": getattr(request.user, "display_name", "") or request.user.get_full_name(),
                "phone": getattr(request.user, "phone", "") or "",
                "email": request.user.email,
            }
        if request.GET.get("case", "").isdigit():
            initial["case"] = int(request.GET["case"])
        if request.GET.get("department", "").isdigit():  # from a case's tracking page
            initial["department"] = int(request.GET["department"])
        form = FilingForm(initial=initial, cases=cases, need_captcha=need_captcha)
        _issue_token(request, form.initial["form_token"])
    return render(request, "complaints/public/file.html", file_form_context(request, form))


def file_done(request: HttpRequest) -> HttpResponse:
    """The number and secret of this session's latest filing, from its receipt: shown again on a reload or a retry
    for as long as the receipt keeps the secret (``RECEIPT_SECRET_MINUTES``), then the number alone."""
    intake = request.session.pop(SESSION_NEW, None)
    if intake:
        return render(request, "complaints/public/done.html", {"new": intake, "minutes": None})
    token = request.session.get(SESSION_DONE)
    if not token or token not in _issued_tokens(request):
        return redirect("complaints:track")
    receipt = receipt_for(token)
    if receipt is not None:
        new = {"pk": receipt.object_id, "code": receipt.code, "secret": receipt.secret}
    else:
        complaint = Complaint.objects.filter(submission_key=token).first()
        if complaint is None:
            return redirect("complaints:track")
        new = {"pk": complaint.pk, "code": complaint.tracking_code, "secret": None}
    request.session[SESSION_TRACKED] = sorted(tracked_ids(request) | {new["pk"]})
    context = {"new": new, "minutes": settings.RECEIPT_SECRET_MINUTES}
    return render(request, "complaints/public/done.html", context)


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    client = captcha.client(request)
    blocked = tracking.lookups_blocked(client)
    if request.method == "POST" and not blocked and form.is_valid():
        try:
            complaint = tracking.prove(form.cleaned_data["code"], form.cleaned_data["secret"], client=client)
        except tracking.LookupLimited:
            complaint = None
        if complaint is not None:
            remember(request, complaint)
            return redirect("complaints:track_detail", pk=complaint.pk)
        blocked = tracking.lookups_blocked(client)
        if not blocked:
            form.add_error(None, _("No complaint matches this number and secret. Please check both."))
    if blocked:
        limited = _("Too many failed look-ups from your address. Please try again in 10 minutes.")
        # A visitor may come back to the page (GET) while still blocked: an unbound form takes no errors.
        if form.is_bound:
            form.add_error(None, limited)
        else:
            messages.error(request, limited)
    return render(request, "complaints/public/track.html", {"form": form}, status=429 if blocked else 200)


def _own(request: HttpRequest, pk: int) -> Complaint:
    complaint = get_object_or_404(Complaint.objects.select_related("department"), pk=pk)
    owner = request.user.is_authenticated and complaint.complainant_id == request.user.pk
    if not owner and complaint.pk not in tracked_ids(request):
        raise Http404
    return complaint


def track_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _own(request, pk)
    rate_form = RateHandlingForm(prefix="rate")
    reopen_form = ReopenForm(prefix="reopen")
    evidence_form = EvidenceForm(prefix="evidence")
    if request.method == "POST":
        try:
            if "evidence" in request.POST:
                evidence_form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
                if evidence_form.is_valid():
                    add_evidence(complaint, evidence_form.cleaned_data["attachments"])
                    messages.success(request, _("Thank you: your files were added to the complaint."))
                    return redirect(request.path)
            elif "rate" in request.POST:
                rate_form = RateHandlingForm(request.POST, prefix="rate")
                if rate_form.is_valid():
                    handling.rate_handling(
                        complaint,
                        level=rate_form.cleaned_data["level"],
                        comment=rate_form.cleaned_data["comment"],
                    )
                    messages.success(request, _("Thank you for your rating."))
                    return redirect(request.path)
            elif "reopen" in request.POST:
                reopen_form = ReopenForm(request.POST, prefix="reopen")
                if reopen_form.is_valid():
                    handling.reopen(complaint, reason=reopen_form.cleaned_data["reason"])
                    messages.success(request, _("Your complaint was reopened."))
                    return redirect(request.path)
        except ValidationError as error:
            failed = {"evidence": evidence_form, "rate": rate_form}
            apply_errors(next((form for key, form in failed.items() if key in request.POST), reopen_form), error)
    context = {
        "complaint": complaint,
        "timeline": complaint.events.exclude(public_text="").order_by("at", "pk"),
        "attachments": complaint.attachments.all(),
        "rate_form": rate_form,
        "reopen_form": reopen_form,
        "evidence_form": evidence_form,
        "may_add_evidence": complaint.status in EVIDENCE_STATES,
        "may_rate": complaint.status == ComplaintStatus.REPLIED,
        "may_reopen": complaint.status == ComplaintStatus.REPLIED and complaint.reopen_count == 0,
    }
    return render(request, "complaints/public/detail.html", context)


@login_required
def my_complaints(request: HttpRequest) -> HttpResponse:
    return render(
        request, "complaints/public/my_complaints.html", {"complaints": complainant_complaints(request.user)[:200]}
    )


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence: for supervisors and the complainant (account or tracked this session); nobody else. Photos and
    papers may show who complained, so the rule is that of the identity: not administrators either."""
    attachment = get_object_or_404(ComplaintAttachment.objects.select_related("complaint"), pk=pk)
    complaint = attachment.complaint
    owner = request.user.is_authenticated and complaint.complainant_id == request.user.pk
    if not (may_see_identity(request.user) or owner or complaint.pk in tracked_ids(request)):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name)
    response["Content-Type"] = attachment.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _window(request: HttpRequest) -> Department | None:
    raw = request.POST.get("department") or request.GET.get("department") or ""
    return Department.objects.filter(pk=raw, is_active=True).first() if raw.isdigit() else None


def rate_window(request: HttpRequest) -> HttpResponse:
    """A window visit rated by anyone (no login), limited per address like filing; the board of the department
    and its disclosure page link here with ``?department=``, which offers the window's staff to choose from."""
    department = _window(request)
    if captcha.blocked(request, captcha.WINDOW_RATINGS):
        return render(request, "complaints/ratings/rate.html", {"limited": True, "case": None}, status=429)
    form = RateWindowForm(request.POST or None, department=department)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data_department = data.pop("department")
        try:
            ratings.rate_window_visit(data_department, rater=request.user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            captcha.count_filing(request, captcha.WINDOW_RATINGS)
            messages.success(request, _("Thank you for rating the service."))
            # The next visitor at the same window (an evaluator device) starts from the same window.
            return redirect(f"{reverse('complaints:rate_window')}?department={data_department.pk}")
    return render(request, "complaints/ratings/rate.html", {"form": form, "case": None, "department": department})
