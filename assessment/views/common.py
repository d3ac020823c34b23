"""What the assessment pages share: who may act, and how a service's refusal reaches the form or the page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from efficiency_portal.org.roles import is_supervisor


def require_supervisor(request: HttpRequest) -> None:
    if not is_supervisor(request.user):
        raise PermissionDenied


def form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def flash_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)
