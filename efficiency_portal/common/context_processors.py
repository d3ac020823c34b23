"""The navigation of the base layout, which follows the user's roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from efficiency_portal.org.models import Role
from efficiency_portal.org.roles import is_staff_member, user_roles

ANYONE = "anyone"
SIGNED_IN = "signed_in"
STAFF = "staff"


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    audience: tuple[str, ...]


NAVIGATION: tuple[NavItem, ...] = (
    NavItem(_("Departments"), "org:department_list", (ANYONE,)),
    NavItem(_("Working-day calendar"), "workdays:calendar", (ANYONE,)),
    NavItem(_("My warnings"), "supervision:my_warnings", (STAFF,)),
    NavItem(_("Away notices"), "org:away_notice_list", (STAFF,)),
    NavItem(_("Staff directory"), "org:staff_directory", (STAFF, Role.SUPERVISOR)),
    NavItem(_("A/B posts"), "org:post_manage", (Role.DEPARTMENT_HEAD, Role.ADMINISTRATOR)),
    NavItem(
        _("Deadlines"),
        "supervision:deadline_list",
        (Role.SUPERVISOR, Role.DEPARTMENT_HEAD, Role.LEADER, Role.ADMINISTRATOR),
    ),
    NavItem(_("Calendar management"), "workdays:manage", (Role.ADMINISTRATOR,)),
    NavItem(_("Audit log"), "audit:event_list", (Role.SUPERVISOR, Role.ADMINISTRATOR)),
)


def visible_items(user) -> list[dict]:
    roles = user_roles(user)
    audiences = {ANYONE} | set(roles)
    if user.is_authenticated:
        audiences.add(SIGNED_IN)
    if is_staff_member(user):
        audiences.add(STAFF)
    items = []
    for item in NAVIGATION:
        if audiences.isdisjoint(item.audience):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "name": item.url_name})
    return items


def navigation(request: HttpRequest) -> dict:
    user = request.user
    return {"nav_items": visible_items(user), "user_roles": user_roles(user)}
