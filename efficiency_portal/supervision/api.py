"""REST API of the deadline clock: the same scoping and filters as the pages, read-only."""

from __future__ import annotations

from rest_framework import viewsets
from rest_framework.pagination import CursorPagination

from . import selectors
from .filters import DeadlineFilter, WarningFilter
from .serializers import DeadlineSerializer, WarningSerializer


class DueOrderPagination(CursorPagination):
    ordering = ("due_at", "id")


class RaisedOrderPagination(CursorPagination):
    ordering = ("-raised_at", "-id")


class DeadlineViewSet(viewsets.ReadOnlyModelViewSet):
    """Deadlines the user may see, ordered by due moment (keyset pagination), each with its explanation."""

    serializer_class = DeadlineSerializer
    filterset_class = DeadlineFilter
    pagination_class = DueOrderPagination

    def get_queryset(self):
        return selectors.deadline_rows(selectors.visible_deadlines(self.request.user))


class WarningViewSet(viewsets.ReadOnlyModelViewSet):
    """Warnings the user was told of or whose deadline they may see, with who was told."""

    serializer_class = WarningSerializer
    filterset_class = WarningFilter
    pagination_class = RaisedOrderPagination

    def get_queryset(self):
        return (
            selectors.visible_warnings(self.request.user)
            .select_related("deadline")
            .prefetch_related("recipients__user")
        )
