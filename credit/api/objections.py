"""Objections in the API: listed within the caller's scope, accepted and decided by supervisors."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from credit import services
from credit.api.common import api_error
from credit.api.serializers import DecisionInput, NoInput, ObjectionSerializer
from credit.models import CreditObjection
from credit.permissions import visible_objections
from efficiency_portal.org.roles import is_supervisor


class SubmittedOrder(CursorPagination):
    ordering = ("-submitted_at", "-id")


class ObjectionViewSet(viewsets.ReadOnlyModelViewSet):
    """Objections: supervisors see all; heads and leaders those of their departments' people and departments (as
    on the entry pages); anyone their own."""

    serializer_class = ObjectionSerializer
    filterset_fields = ["status"]
    pagination_class = SubmittedOrder
    queryset = CreditObjection.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CreditObjection.objects.none()
        return (
            visible_objections(self.request.user)
            .select_related("entry__staff", "entry__department")
            .order_by("-submitted_at", "-id")
        )

    def _supervised(self) -> CreditObjection:
        if not is_supervisor(self.request.user):
            raise PermissionDenied
        return self.get_object()

    @action(detail=True, methods=["post"], serializer_class=NoInput)
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept the objection for review (starts the decision clock)."""
        objection = self._supervised()
        try:
            objection = services.accept_objection(objection, request.user)
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(ObjectionSerializer(objection).data)

    @action(detail=True, methods=["post"], serializer_class=DecisionInput)
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Uphold or withdraw the entry, with reasons; the objector is told."""
        objection = self._supervised()
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            objection = services.decide_objection(objection, request.user, **data.validated_data)
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(ObjectionSerializer(objection).data)
