"""Shared pieces of the credit API: service refusals as 400s, the as-of date, score rows."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as ApiValidationError

from credit.selectors import CreditScore


def api_error(error: DjangoValidationError, rename: dict[str, str] | None = None) -> ApiValidationError:
    """A service's refusal as a 400 with field errors (``rename`` maps service fields to the API's names)."""
    if not hasattr(error, "error_dict"):
        return ApiValidationError({"detail": error.messages})
    rename = rename or {}
    return ApiValidationError({rename.get(field, field): messages for field, messages in error.message_dict.items()})


def as_of(value: str | None) -> dt.date:
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ApiValidationError({"on": [_("Give the date as YYYY-MM-DD.")]}) from error


def score_row(subject, kind: str, score: CreditScore) -> dict:
    return {
        "id": subject.pk,
        "name": str(subject),
        "kind": kind,
        "department": getattr(subject, "department_id", None),
        "points": score.points,
        "grade": score.grade,
        "downgraded_to": score.downgraded_to,
        "blacklisted": score.blacklisted,
    }
