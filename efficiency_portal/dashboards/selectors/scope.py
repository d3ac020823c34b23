"""Who may open which dashboard, and over which departments."""

from __future__ import annotations

from django.db.models import QuerySet

from efficiency_portal.org.models import Department, Role
from efficiency_portal.org.roles import has_role, is_staff_member
from efficiency_portal.supervision.selectors import supervised_departments

CITY_WIDE = (Role.SUPERVISOR, Role.LEADER, Role.ADMINISTRATOR)


def may_open_command_centre(user) -> bool:
    return bool(user and user.is_authenticated and has_role(user, *CITY_WIDE))


SCOPE_CACHE_ATTR = "_dashboard_department_scope"


def department_scope(user) -> set[int]:
    """Departments a department head or leader in charge answers for (and the units directly below them).

    Cached on the user object for the request, like the roles: the navigation asks on every page of a head or a
    leader, and the department dashboard asks again."""
    if not user or not user.is_authenticated:
        return set()
    cached = getattr(user, SCOPE_CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(supervised_departments(user).filter(is_active=True).values_list("pk", flat=True))
        setattr(user, SCOPE_CACHE_ATTR, cached)
    return set(cached)


def may_open_department_dashboard(user) -> bool:
    return bool(department_scope(user))


def may_open_my_page(user) -> bool:
    return is_staff_member(user)


def scope_departments(department_ids: set[int] | None) -> QuerySet[Department]:
    departments = Department.objects.filter(is_active=True)
    if department_ids is not None:
        departments = departments.filter(pk__in=department_ids)
    return departments.order_by("sort_order", "name")
