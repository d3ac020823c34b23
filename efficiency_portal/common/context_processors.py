"""The navigation of the base layout, which follows the user's roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from efficiency_portal.org.models import Role
from efficiency_portal.org.roles import is_staff_member, user_roles

ANYONE = "anyone"
SIGNED_IN = "signed_in"
CITIZEN = "citizen"
STAFF = "staff"
SUPERVISING = (Role.SUPERVISOR, Role.DEPARTMENT_HEAD, Role.LEADER, Role.ADMINISTRATOR)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    audience: tuple[str, ...]
    # Dotted path of a predicate ``(user) -> bool`` the page itself applies, for links that a role alone does not
    # decide; imported when used, so that this module imports no app above it.
    check: str = ""


@dataclass(frozen=True)
class NavGroup:
    """A menu of the navigation bar; a group with one visible item shows as a plain link."""

    label: str | Promise
    items: tuple[NavItem, ...]


NAVIGATION: tuple[NavGroup, ...] = (
    NavGroup(
        _("Public services"),
        (
            NavItem(_("Service guides"), "approvals:catalogue", (ANYONE,)),
            NavItem(_("Track an application"), "approvals:track", (ANYONE,)),
            NavItem(_("My applications"), "approvals:my_cases", (CITIZEN,)),
            NavItem(_("File a complaint"), "complaints:file", (ANYONE,)),
            NavItem(_("Follow a complaint"), "complaints:track", (ANYONE,)),
            NavItem(_("My complaints"), "complaints:my_complaints", (CITIZEN,)),
            NavItem(_("Public disclosure"), "dashboards:disclosure", (ANYONE,)),
            NavItem(_("Departments"), "org:department_list", (ANYONE,)),
            NavItem(_("Working-day calendar"), "workdays:calendar", (ANYONE,)),
        ),
    ),
    NavGroup(
        _("My work"),
        (
            NavItem(_("My page"), "dashboards:me", (STAFF,)),
            NavItem(_("My queue"), "approvals:my_queue", (STAFF,)),
            NavItem(_("My warnings"), "supervision:my_warnings", (STAFF,)),
            NavItem(_("My cards"), "approvals:my_cards", (STAFF,)),
            NavItem(_("Extension requests"), "approvals:extension_requests", (Role.LEADER,)),
            NavItem(_("My credit record"), "credit:my_record", (STAFF,)),
            NavItem(_("My assessment"), "assessment:my_results", (STAFF,)),
            NavItem(_("Evaluation forms"), "assessment:my_forms", (STAFF,)),
            NavItem(_("Complaints handed to us"), "complaints:department_list", (Role.DEPARTMENT_HEAD,)),
            NavItem(_("Rectification orders"), "complaints:rectification_list", (STAFF,)),
            NavItem(
                _("Supervised tasks"),
                "supervised_tasks:list",
                (STAFF, Role.SUPERVISOR, Role.ADMINISTRATOR),
                "efficiency_portal.supervised_tasks.selectors.may_open_list",
            ),
            NavItem(_("Away notices"), "org:away_notice_list", (STAFF,)),
            NavItem(_("Staff directory"), "org:staff_directory", (STAFF, Role.SUPERVISOR)),
        ),
    ),
    NavGroup(
        _("Supervision"),
        (
            NavItem(
                _("Command centre"),
                "dashboards:command_centre",
                (Role.SUPERVISOR, Role.LEADER, Role.ADMINISTRATOR),
                "efficiency_portal.dashboards.selectors.scope.may_open_command_centre",
            ),
            # Heads and leaders in charge, but only those who answer for a department (as the page itself checks).
            NavItem(
                _("Department dashboard"),
                "dashboards:department",
                (Role.DEPARTMENT_HEAD, Role.LEADER),
                "efficiency_portal.dashboards.selectors.scope.may_open_department_dashboard",
            ),
            NavItem(_("Department queue"), "approvals:department_queue", SUPERVISING),
            NavItem(_("Deadlines"), "supervision:deadline_list", SUPERVISING),
            NavItem(_("Case statistics"), "approvals:statistics", SUPERVISING),
            NavItem(_("Explanations to review"), "approvals:card_review_list", (Role.SUPERVISOR,)),
            NavItem(_("Talk flags"), "approvals:talk_flags", SUPERVISING),
            NavItem(_("Cases not accepted"), "approvals:refused_cases", (Role.SUPERVISOR,)),
            NavItem(_("Complaints"), "complaints:work_list", (Role.SUPERVISOR,)),
            NavItem(_("Hotline intake"), "complaints:intake", (Role.SUPERVISOR,)),
            NavItem(_("Ratings"), "complaints:rating_list", SUPERVISING),
            NavItem(_("Credit subjects"), "credit:subject_list", SUPERVISING),
            NavItem(_("Credit entries to confirm"), "credit:pending_list", (Role.SUPERVISOR,)),
            NavItem(_("Credit objections"), "credit:objection_list", (Role.SUPERVISOR,)),
            NavItem(_("Credit blacklist"), "credit:blacklist", SUPERVISING),
            NavItem(_("Assessment periods"), "assessment:period_list", (Role.SUPERVISOR, Role.ADMINISTRATOR)),
            NavItem(_("Assessment rankings"), "assessment:rankings", SUPERVISING, "assessment.selectors.may_rank"),
            NavItem(_("Audit log"), "audit:event_list", (Role.SUPERVISOR, Role.ADMINISTRATOR)),
        ),
    ),
    NavGroup(
        _("Management"),
        (
            NavItem(_("Service items"), "approvals:item_manage", (Role.DEPARTMENT_HEAD, Role.ADMINISTRATOR)),
            NavItem(_("A/B posts"), "org:post_manage", (Role.DEPARTMENT_HEAD, Role.ADMINISTRATOR)),
            NavItem(_("Credit rules"), "credit:rule_list", (Role.SUPERVISOR, Role.ADMINISTRATOR)),
            NavItem(_("Assessment schemes"), "assessment:scheme_list", (Role.SUPERVISOR, Role.ADMINISTRATOR)),
            NavItem(_("Calendar management"), "workdays:manage", (Role.ADMINISTRATOR,)),
        ),
    ),
)


def audiences_of(user) -> set[str]:
    audiences = {ANYONE} | set(user_roles(user))
    if user.is_authenticated:
        audiences.add(SIGNED_IN)
        if is_staff_member(user):
            audiences.add(STAFF)
        else:
            audiences.add(CITIZEN)
    return audiences


def visible_items(user) -> list[dict]:
    """The groups and links this user may use, each group as ``{"label", "items": [{"label", "url", "name"}]}``."""
    audiences = audiences_of(user)
    groups = []
    for group in NAVIGATION:
        items = []
        for item in group.items:
            if audiences.isdisjoint(item.audience):
                continue
            if item.check and not import_string(item.check)(user):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append({"label": item.label, "url": url, "name": item.url_name})
        if items:
            groups.append({"label": group.label, "items": items})
    return groups


def navigation(request: HttpRequest) -> dict:
    user = request.user
    return {"nav_groups": visible_items(user), "user_roles": user_roles(user)}
