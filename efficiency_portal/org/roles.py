"""Roles are Django groups named after :class:`Role`; these helpers answer "may this user ...?"."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from .models import Role

ROLE_CACHE_ATTR = "_portal_roles"


def user_roles(user) -> frozenset[str]:
    """The role names of ``user`` (cached on the user object for the request)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, ROLE_CACHE_ATTR, None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True)) & set(Role.values)
        if user.is_superuser:
            names.add(Role.ADMINISTRATOR)
        cached = frozenset(names)
        setattr(user, ROLE_CACHE_ATTR, cached)
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_staff_member(user) -> bool:
    return bool(user and user.is_authenticated and hasattr(user, "staff"))


def is_supervisor(user) -> bool:
    return has_role(user, Role.SUPERVISOR, Role.ADMINISTRATOR)


class RoleRequiredMixin(AccessMixin):
    """Class-based views: allow only users holding one of ``required_roles``."""

    required_roles: Iterable[str] = ()

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_role(request.user, *self.required_roles):
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)
