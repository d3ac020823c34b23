"""The rule table and the entries: reads scoped like the pages, manual recording, confirm, dismiss, object."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from credit import services
from credit.api.common import api_error
from credit.api.serializers import (
    CreditEntryDetailSerializer,
    CreditEntryInput,
    CreditFiledObjectionSerializer,
    EntrySerializer,
    NoInput,
    ObjectionInput,
    ReasonInput,
    RuleSerializer,
)
from credit.filters import EntryFilter
from credit.models import CreditEntry, CreditRule
from credit.permissions import visible_entries
from credit.services.common import may_object
from efficiency_portal.org.roles import is_supervisor

FORMS_AND_JSON = [JSONParser, MultiPartParser, FormParser]


class EntryOrder(CursorPagination):
    ordering = ("-fact_date", "-id")


class RuleViewSet(viewsets.ReadOnlyModelViewSet):
    """The rule table (read here; supervisors and administrators edit it on its pages)."""

    serializer_class = RuleSerializer
    queryset = CreditRule.objects.all()
    pagination_class = None
    filterset_fields = ["is_active"]


class EntryViewSet(viewsets.ReadOnlyModelViewSet):
    """Entries: a civil servant sees their own, heads and leaders their departments', supervisors all."""

    serializer_class = EntrySerializer
    filterset_class = EntryFilter
    pagination_class = EntryOrder

    def get_queryset(self):
        return visible_entries(self.request.user).select_related("rule", "staff", "department")

    def get_serializer_class(self):
        return CreditEntryDetailSerializer if self.action == "retrieve" else super().get_serializer_class()

    def _supervised(self) -> CreditEntry:
        if not is_supervisor(self.request.user):
            raise PermissionDenied
        return self.get_object()

    @extend_schema(
        request={"multipart/form-data": CreditEntryInput, "application/json": CreditEntryInput},
        responses={201: CreditEntryDetailSerializer},
    )
    def create(self, request: Request) -> Response:
        """A supervisor records an entry by hand, confirmed at once, with evidence files (multipart ``evidence``)."""
        if not is_supervisor(request.user):
            raise PermissionDenied
        data = CreditEntryInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            entry = services.record_entry(
                rule_code=values["rule_code"].code,
                fact_date=values["fact_date"],
                source=values["source"],
                staff=values.get("staff"),
                department=values.get("department"),
                detail=values["detail"],
                points=values.get("points"),
                actor=request.user,
                evidence=values["evidence"],
            )
        except DjangoValidationError as error:
            raise api_error(error, {"rule": "rule_code"}) from error
        return Response(CreditEntryDetailSerializer(entry, context={"request": request}).data, status=201)

    @action(detail=True, methods=["post"], serializer_class=NoInput)
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """A supervisor confirms a pending entry."""
        entry = self._supervised()
        try:
            entry = services.confirm_entry(entry, request.user)
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(EntrySerializer(entry).data)

    @action(detail=True, methods=["post"], serializer_class=ReasonInput)
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        """A supervisor dismisses a pending entry with a reason."""
        entry = self._supervised()
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            entry = services.dismiss_entry(entry, request.user, data.validated_data["reason"])
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(EntrySerializer(entry).data)

    @extend_schema(
        request={"multipart/form-data": ObjectionInput, "application/json": ObjectionInput},
        responses={201: CreditFiledObjectionSerializer},
    )
    @action(detail=True, methods=["post"], url_path="object", parser_classes=FORMS_AND_JSON)
    def file_objection(self, request: Request, pk: str | None = None) -> Response:
        """The civil servant concerned (or the department's head) objects to a confirmed entry, with papers
        (multipart ``papers``)."""
        entry = self.get_object()
        if not may_object(request.user, entry):
            raise PermissionDenied
        data = ObjectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            objection = services.file_objection(
                entry, request.user, data.validated_data["reasons"], files=data.validated_data["papers"]
            )
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(CreditFiledObjectionSerializer(objection).data, status=201)
