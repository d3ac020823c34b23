"""Pages of electronic supervision on cases: cards, explanations, their review, talk flags, flagged refusals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from approvals.forms.cards import ExplanationForm, MonthForm, NoteForm, ReviewFilterForm, ReviewForm, TalkHeldForm
from approvals.models import Case, CaseStatus
from approvals.models.cards import Card, ExplanationStatus, TalkFlag
from approvals.selectors import cards as selectors
from approvals.services import cards as services
from efficiency_portal.org.roles import is_staff_member, is_supervisor


def _require_staff(request: HttpRequest) -> None:
    if not is_staff_member(request.user) and not is_supervisor(request.user):
        raise PermissionDenied


def _require_supervisor(request: HttpRequest) -> None:
    if not is_supervisor(request.user):
        raise PermissionDenied


def _errors_to_form(form: Form, error: ValidationError) -> None:
    """Put a service's field errors next to the form's fields, the rest at the top."""
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
def my_cards(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    page = Paginator(selectors.my_cards(request.user), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "approvals/cards/my_cards.html", {"page": page})


@login_required
def card_explain(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    try:
        card = selectors.card_for_handler(request.user, pk)
    except Card.DoesNotExist as missing:
        raise Http404 from missing
    may_explain = card.explanation_status in (ExplanationStatus.AWAITING, ExplanationStatus.REJECTED)
    form = ExplanationForm(request.POST or None, initial={"explanation": card.explanation})
    status = 200
    if request.method == "POST":
        if not may_explain:
            form.add_error(None, _("This card does not need an explanation now."))
        elif form.is_valid():
            try:
                services.submit_explanation(card, request.user, form.cleaned_data["explanation"])
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Your explanation was sent for review."))
                return redirect("approvals:my_cards")
        status = 400
    context = {"card": card, "form": form, "may_explain": may_explain}
    return render(request, "approvals/cards/explain.html", context, status=status)


@login_required
def card_review_list(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    data = request.GET if request.GET else None
    form = ReviewFilterForm(data, initial={"status": ExplanationStatus.SUBMITTED})
    page, status = None, 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        cleaned = form.cleaned_data if form.is_bound else {"status": ExplanationStatus.SUBMITTED}
        filters = selectors.ReviewFilters(
            department=cleaned.get("department"),
            level=cleaned.get("level") or "",
            month=cleaned.get("month"),
            status=cleaned.get("status") or "",
        )
        try:
            page = selectors.keyset_page(selectors.review_queue(filters), request.GET.get("cursor"))
        except ValidationError as error:
            form.add_error(None, error.message_dict["cursor"])
            status = 400
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "approvals/cards/review_list.html", context, status=status)


@login_required
def card_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    try:
        card = selectors.card_with_history(pk)
    except Card.DoesNotExist as missing:
        raise Http404 from missing
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_explanation(
                    card,
                    request.user,
                    accept=form.cleaned_data["decision"] == "accept",
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("The review was recorded."))
                return redirect("approvals:card_review_list")
        status = 400
    context = {"card": card, "form": form, "may_review": card.explanation_status == ExplanationStatus.SUBMITTED}
    return render(request, "approvals/cards/review.html", context, status=status)


@login_required
def talk_flags(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see_talk_flags(request.user):
        raise PermissionDenied
    form = MonthForm(request.GET or None)
    status = 200
    month = selectors.month_start(timezone.now())
    if form.is_bound:
        if form.is_valid():
            month = form.cleaned_data["month"] or month
        else:
            status = 400
    flags = selectors.visible_talk_flags(request.user).filter(month=month).order_by("department__sort_order")
    context = {
        "form": form,
        "month": month,
        "flags": flags,
        "may_record": is_supervisor(request.user),
        "held_form": TalkHeldForm(),
    }
    return render(request, "approvals/cards/talk_flags.html", context, status=status)


@login_required
@require_POST
def talk_held(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    flag = get_object_or_404(TalkFlag.objects.select_related("department"), pk=pk)
    form = TalkHeldForm(request.POST)
    if form.is_valid():
        try:
            services.record_talk_held(flag, request.user, form.cleaned_data["note"])
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("The talk was recorded as held."))
            return redirect(f"{reverse('approvals:talk_flags')}?month={flag.month:%Y-%m}")
    context = {"flag": flag, "form": form}
    return render(request, "approvals/cards/talk_held.html", context, status=400)


@login_required
def flag_refusal(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    case = get_object_or_404(Case.objects.select_related("item", "department", "handler"), pk=pk)
    form = NoteForm(request.POST or None)
    refused = case.status == CaseStatus.REFUSED
    status = 200
    if request.method == "POST" and not refused:
        status = 400
    elif request.method == "POST":
        if form.is_valid():
            try:
                services.flag_refusal_without_reason(case, request.user, form.cleaned_data["note"])
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("A red card was raised for the handler."))
                return redirect("approvals:refused_cases")
        status = 400
    flagged = case.cards.filter(trigger="refusal_without_reason").exists()
    context = {"case": case, "form": form, "flagged": flagged, "refused": refused}
    return render(request, "approvals/cards/flag_refusal.html", context, status=status)


@login_required
def refused_cases(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    try:
        page = selectors.refused_page(selectors.refused_cases(), request.GET.get("cursor"))
    except ValidationError as error:
        context = {"page": None, "error": error.message_dict["cursor"][0]}
        return render(request, "approvals/cards/refused_cases.html", context, status=400)
    return render(request, "approvals/cards/refused_cases.html", {"page": page})
