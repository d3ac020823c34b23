"""Where a person lands after signing in when no ``?next=`` says otherwise: the page where their work is.

Read from the first rule that fits, so a person with several roles lands where the most pressing work is: a
supervisor on the command centre, a department head on the department queue, a leader in charge on the dashboard of
the departments they answer for, a clerk (any other staff member) on their own queue, a citizen on their
applications or complaints when they have some, else on the home page. Each rule also asks the page's own
predicate, so nobody lands on a page that refuses them (a head who heads no department goes on to the next rule).

The sign-in and registration views call :func:`landing_url` through the ``LOGIN_LANDING`` setting, so the accounts
app, which sits below every other, imports none of the apps it sends people to.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from efficiency_portal.org.models import Role

from .context_processors import CITIZEN, STAFF, audiences_of


@dataclass(frozen=True)
class Landing:
    url_name: str
    audience: tuple[str, ...]
    # Dotted path of the page's own predicate ``(user) -> bool``, imported when asked (see the module's note).
    check: str = ""


LANDINGS: tuple[Landing, ...] = (
    Landing(
        "dashboards:command_centre",
        (Role.SUPERVISOR,),
        "efficiency_portal.dashboards.selectors.scope.may_open_command_centre",
    ),
    Landing("approvals:department_queue", (Role.DEPARTMENT_HEAD,), "approvals.selectors.queues.may_open_queues"),
    Landing(
        "dashboards:department",
        (Role.LEADER,),
        "efficiency_portal.dashboards.selectors.scope.may_open_department_dashboard",
    ),
    Landing(
        "dashboards:command_centre",
        (Role.LEADER, Role.ADMINISTRATOR),
        "efficiency_portal.dashboards.selectors.scope.may_open_command_centre",
    ),
    Landing("approvals:my_queue", (STAFF,)),
    Landing("approvals:my_cases", (CITIZEN,), "approvals.selectors.tracking.has_applications"),
    Landing("complaints:my_complaints", (CITIZEN,), "complaints.selectors.lists.has_complaints"),
)


def landing_url(user) -> str:
    """The address of the first landing that fits ``user``; ``LOGIN_REDIRECT_URL`` (the home page) otherwise."""
    if user is not None and user.is_authenticated:
        audiences = audiences_of(user)
        for landing in LANDINGS:
            if audiences.isdisjoint(landing.audience):
                continue
            if landing.check and not import_string(landing.check)(user):
                continue
            try:
                return reverse(landing.url_name)
            except NoReverseMatch:
                continue
    return resolve_url(settings.LOGIN_REDIRECT_URL)
