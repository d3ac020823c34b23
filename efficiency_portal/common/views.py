from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ServiceCard:
    title: str | Promise
    text: str | Promise
    url_name: str
    action: str | Promise


# What citizens and enterprises come for, in the order they usually need it.
PUBLIC_SERVICES: tuple[ServiceCard, ...] = (
    ServiceCard(
        _("Service guides"),
        _("What each approval item needs, how long it takes by law and by promise, the fees, and where to apply."),
        "approvals:catalogue",
        _("Find a service"),
    ),
    ServiceCard(
        _("Track an application"),
        _("Follow your case with its tracking code: where it is, who handles it and when it is due."),
        "approvals:track",
        _("Track"),
    ),
    ServiceCard(
        _("File a complaint"),
        _("Passed from desk to desk, asked for favours, kept waiting? Tell the efficiency office, named or anonymous."),
        "complaints:file",
        _("File a complaint"),
    ),
    ServiceCard(
        _("Follow a complaint"),
        _("Read the progress and the reply with your tracking number and secret, rate the handling."),
        "complaints:track",
        _("Follow"),
    ),
    ServiceCard(
        _("Public disclosure"),
        _("Each department's on-time rate, satisfaction, complaints by category, results and public commitments."),
        "dashboards:disclosure",
        _("Open"),
    ),
    ServiceCard(
        _("Departments"),
        _("Every department's away-notice board: who is at their post, who stands in."),
        "org:department_list",
        _("Open"),
    ),
    ServiceCard(
        _("Working-day calendar"),
        _("Holidays and make-up working days that every time limit counts with."),
        "workdays:calendar",
        _("Open"),
    ),
)


def _cards() -> list[dict]:
    cards = []
    for card in PUBLIC_SERVICES:
        try:
            url = reverse(card.url_name)
        except NoReverseMatch:
            continue
        cards.append({"title": card.title, "text": card.text, "url": url, "action": card.action, "name": card.url_name})
    return cards


def home(request: HttpRequest) -> HttpResponse:
    # The working menus come from the navigation the context processor already built for this user.
    return render(request, "home.html", {"service_cards": _cards()})
