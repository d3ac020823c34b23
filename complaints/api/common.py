"""What the complaints API views share: service errors as 400s, cursor pages, the supervisor permission and the
look-up of a department or civil servant named by id."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import CursorPagination

from efficiency_portal.org.models import Department, Role, Staff
from efficiency_portal.org.roles import has_role


def api_error(error: DjangoValidationError) -> ApiValidationError:
    return ApiValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


def pages(*fields: str) -> type[CursorPagination]:
    return type("Pages", (CursorPagination,), {"ordering": fields, "page_size": 50})


class IsSupervisor(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return has_role(request.user, Role.SUPERVISOR, Role.ADMINISTRATOR)


def active_department(pk) -> Department | None:
    return Department.objects.filter(pk=pk, is_active=True).first() if pk else None


def active_staff(pk) -> Staff | None:
    return Staff.objects.filter(pk=pk, is_active=True).first() if pk else None
