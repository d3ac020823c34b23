"""Department heads: the complaints handed to their departments, their report or return."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from complaints import serializers as s
from complaints.models import Complaint
from complaints.selectors import lists
from complaints.selectors.access import headed_scope, may_investigate
from complaints.services import handling

from .common import api_error, pages


class DepartmentComplaintViewSet(viewsets.ReadOnlyModelViewSet):
    """Department heads: complaints handed to their departments, without the complainant's identity."""

    serializer_class = s.DepartmentComplaintSerializer
    pagination_class = pages("-received_at", "-id")

    queryset = Complaint.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Complaint.objects.none()
        if not headed_scope(self.request.user):
            raise PermissionDenied
        return lists.department_queue(self.request.user)

    def _complaint(self) -> Complaint:
        complaint = get_object_or_404(Complaint, pk=self.get_object().pk)
        if not may_investigate(self.request.user, complaint):
            raise PermissionDenied
        return complaint

    @extend_schema(request=s.ComplaintTextInput, responses=s.DepartmentComplaintSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk=None) -> Response:
        data = s.ComplaintTextInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            complaint = handling.department_report(self._complaint(), request.user, text=data.validated_data["text"])
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(s.DepartmentComplaintSerializer(complaint).data)

    @extend_schema(request=s.ComplaintReasonInput, responses=s.DepartmentComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request: Request, pk=None) -> Response:
        data = s.ComplaintReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            complaint = handling.department_return(
                self._complaint(), request.user, reason=data.validated_data["reason"]
            )
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(s.DepartmentComplaintSerializer(complaint).data)
