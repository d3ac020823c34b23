"""Shared pieces of the credit pages: permission checks, the as-of date, form errors from a service."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone

PAGE_SIZE = 50


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def as_of(request: HttpRequest) -> dt.date:
    """The ``on`` date of the query string; today when absent or unreadable."""
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


def form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
