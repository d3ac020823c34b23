"""Finished cases, read by the service ratings (好差评) of the complaints app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce

from approvals.models import Case, CaseStatus

FINISHED_STATUSES = (CaseStatus.APPROVED, CaseStatus.DENIED, CaseStatus.DELIVERED)


def finished_cases() -> QuerySet[Case]:
    """Cases that ended with a decision, annotated with ``ended_at`` (delivery, else decision)."""
    return Case.objects.filter(status__in=FINISHED_STATUSES, decided_at__isnull=False).annotate(
        ended_at=Coalesce(F("delivered_at"), F("decided_at"))
    )


def finished_before(moment: dt.datetime) -> QuerySet[Case]:
    return finished_cases().filter(ended_at__lt=moment)


def rateable_cases(user) -> QuerySet[Case]:
    """The signed-in applicant's finished cases (newest first)."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return finished_cases().filter(applicant=user).select_related("item", "department").order_by("-decided_at", "-pk")


def proven_rateable_cases(proven_case_ids: Collection[int]) -> QuerySet[Case]:
    """Finished cases the visitor proved on the tracking page in this session (code with secret or phone)."""
    return finished_cases().filter(pk__in=list(proven_case_ids)).select_related("item", "department")


def applicant_cases_for_complaints(user) -> QuerySet[Case]:
    """All of the signed-in applicant's cases, to pick the one a complaint is about."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return Case.objects.filter(applicant=user).select_related("item", "department").order_by("-submitted_at", "-pk")
