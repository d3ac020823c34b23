"""Citizens' pages: filing, the secret shown once, tracking, the reply with rating and reopening, my complaints."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from approvals.selectors.finished import applicant_cases_for_complaints
from complaints import captcha
from complaints.forms import FilingForm, RateHandlingForm, ReopenForm, TrackForm, apply_errors
from complaints.models import Complaint, ComplaintAttachment, ComplaintChannel, ComplaintStatus
from complaints.selectors.lists import complainant_complaints
from complaints.services import handling
from complaints.services.filing import file_complaint
from efficiency_portal.org.roles import is_supervisor

SESSION_TRACKED = "complaints_tracked"  # complaint ids proved with number + secret in this session
SESSION_NEW = "complaints_new"  # number and secret, shown once on the next page
TRACK_FAILURE_LIMIT = 10
TRACK_FAILURE_WINDOW = 10 * 60
_DUMMY_HASH = make_password("not-a-complaint-secret")


def tracked_ids(request: HttpRequest) -> set[int]:
    return {int(pk) for pk in request.session.get(SESSION_TRACKED, [])}


def remember(request: HttpRequest, complaint: Complaint) -> None:
    request.session[SESSION_TRACKED] = sorted(tracked_ids(request) | {complaint.pk})


def file_form_context(request: HttpRequest, form: FilingForm, *, intake: bool = False) -> dict:
    return {
        "form": form,
        "intake": intake,
        "large": request.GET.get("large") == "1" or request.POST.get("large") == "1",
    }


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
            else:
                if filed.duplicate:
                    messages.info(request, _("This form was already sent; your complaint was received once."))
                    return redirect("complaints:track")
                captcha.count_filing(request)
                remember(request, filed.complaint)
                request.session[SESSION_NEW] = {
                    "pk": filed.complaint.pk,
                    "code": filed.complaint.tracking_code,
                    "secret": filed.secret,
                }
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
        form = FilingForm(initial=initial, cases=cases, need_captcha=need_captcha)
    return render(request, "complaints/public/file.html", file_form_context(request, form))


def file_done(request: HttpRequest) -> HttpResponse:
    new = request.session.pop(SESSION_NEW, None)
    if not new:
        return redirect("complaints:track")
    return render(request, "complaints/public/done.html", {"new": new})


def _failures_key(request: HttpRequest) -> str:
    return f"complaints:track-failures:{captcha.client(request)}"


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    blocked = (cache.get(_failures_key(request)) or 0) >= TRACK_FAILURE_LIMIT
    if request.method == "POST" and not blocked and form.is_valid():
        code = "".join(form.cleaned_data["code"].split()).upper()
        secret = form.cleaned_data["secret"].strip().upper()
        complaint = Complaint.objects.filter(tracking_code=code).first()
        if complaint is not None and check_password(secret, complaint.tracking_secret_hash):
            remember(request, complaint)
            return redirect("complaints:track_detail", pk=complaint.pk)
        if complaint is None:
            check_password(secret or "-", _DUMMY_HASH)  # same time for an unknown number
        key = _failures_key(request)
        if not cache.add(key, 1, TRACK_FAILURE_WINDOW):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, TRACK_FAILURE_WINDOW)
        blocked = (cache.get(key) or 0) >= TRACK_FAILURE_LIMIT
        if not blocked:
            form.add_error(None, _("No complaint matches this number and secret. Please check both."))
    if blocked:
        form.add_error(None, _("Too many failed look-ups from your address. Please try again in 10 minutes."))
    return render(request, "complaints/public/track.html", {"form": form}, status=429 if blocked else 200)


def _own(request: HttpRequest, pk: int) -> Complaint:
    complaint = get_object_or_404(Complaint.objects.select_related("department"), pk=pk)
    owner = request.user.is_authenticated and complaint.complainant_id == request.user.pk
    if not owner and complaint.pk not in tracked_ids(request):
        raise Http404
    return complaint


def track_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _own(request, pk)
    actor = request.user if request.user.is_authenticated else None
    rate_form = RateHandlingForm(prefix="rate")
    reopen_form = ReopenForm(prefix="reopen")
    if request.method == "POST":
        try:
            if "rate" in request.POST:
                rate_form = RateHandlingForm(request.POST, prefix="rate")
                if rate_form.is_valid():
                    handling.rate_handling(
                        complaint,
                        level=rate_form.cleaned_data["level"],
                        comment=rate_form.cleaned_data["comment"],
                        actor=actor,
                    )
                    messages.success(request, _("Thank you for your rating."))
                    return redirect(request.path)
            elif "reopen" in request.POST:
                reopen_form = ReopenForm(request.POST, prefix="reopen")
                if reopen_form.is_valid():
                    handling.reopen(complaint, reason=reopen_form.cleaned_data["reason"], actor=actor)
                    messages.success(request, _("Your complaint was reopened."))
                    return redirect(request.path)
        except ValidationError as error:
            apply_errors(rate_form if "rate" in request.POST else reopen_form, error)
    context = {
        "complaint": complaint,
        "timeline": complaint.events.exclude(public_text="").order_by("at", "pk"),
        "attachments": complaint.attachments.all(),
        "rate_form": rate_form,
        "reopen_form": reopen_form,
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
    """Evidence: for supervisors and the complainant (account or tracked this session); nobody else."""
    attachment = get_object_or_404(ComplaintAttachment.objects.select_related("complaint"), pk=pk)
    complaint = attachment.complaint
    owner = request.user.is_authenticated and complaint.complainant_id == request.user.pk
    if not (is_supervisor(request.user) or owner or complaint.pk in tracked_ids(request)):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name)
    response["Content-Type"] = attachment.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response
