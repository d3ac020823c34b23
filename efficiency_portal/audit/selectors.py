"""Reading the audit log."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from django.db.models import QuerySet

from .filters import AuditEventFilter
from .models import AuditEvent
from .pagination import Cursor, KeysetPage, keyset_page


def base_events() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.select_related("target_type")


def filter_events(params: Mapping[str, str]) -> AuditEventFilter:
    """A bound filter over all events; when its form is invalid, its ``qs`` is not to be trusted (see ``events``)."""
    return AuditEventFilter(params or None, queryset=base_events())


def filtered_events(filterset: AuditEventFilter) -> QuerySet[AuditEvent]:
    # An invalid filter shows nothing rather than everything: an export must never widen by mistake.
    if filterset.is_bound and not filterset.is_valid():
        return AuditEvent.objects.none()
    return filterset.qs


def event_page(filterset: AuditEventFilter, cursor: str | None, size: int) -> KeysetPage[AuditEvent]:
    return keyset_page(filtered_events(filterset), Cursor.decode(cursor), size)


def export_rows(filterset: AuditEventFilter, limit: int) -> Iterator[AuditEvent]:
    return filtered_events(filterset).order_by("-at", "-id")[:limit].iterator(chunk_size=2000)
