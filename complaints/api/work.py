"""Supervisors' handling of complaints: the work list and every action on one complaint."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from complaints import serializers as s
from complaints.models import Complaint
from complaints.selectors import lists
from complaints.services import handling

from .common import IsSupervisor, active_department, active_staff, api_error, pages


class ComplaintViewSet(viewsets.ReadOnlyModelViewSet):
    """Supervisors: every complaint with its clock; actions call the same services as the pages."""

    serializer_class = s.ComplaintSerializer
    permission_classes = [IsSupervisor]
    pagination_class = pages("-received_at", "-id")

    queryset = Complaint.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Complaint.objects.none()
        keys = ("status", "category", "department", "light", "channel", "q")
        return lists.work_list({key: self.request.query_params.get(key, "") for key in keys})

    def _run(self, fn) -> Response:
        try:
            complaint = fn()
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(s.ComplaintSerializer(lists.work_list().get(pk=complaint.pk)).data)

    @extend_schema(request=None, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk=None) -> Response:
        return self._run(lambda: handling.accept(self.get_object(), request.user))

    @extend_schema(request=s.ComplaintReasonInput, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk=None) -> Response:
        data = s.ComplaintReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(lambda: handling.decline(self.get_object(), request.user, **data.validated_data))

    @extend_schema(request=None, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="handle-self")
    def handle_self(self, request: Request, pk=None) -> Response:
        return self._run(lambda: handling.handle_self(self.get_object(), request.user))

    @extend_schema(request=s.ComplaintHandInput, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def hand(self, request: Request, pk=None) -> Response:
        data = s.ComplaintHandInput(data=request.data)
        data.is_valid(raise_exception=True)
        department = active_department(data.validated_data["department"])
        if department is None:
            raise ApiValidationError({"department": [_("Please choose a department that exists.")]})
        return self._run(
            lambda: handling.hand_to_department(
                self.get_object(),
                request.user,
                department=department,
                instructions=data.validated_data["instructions"],
            )
        )

    @extend_schema(request=s.ComplaintAssignInput, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk=None) -> Response:
        """交办: another supervisor investigates."""
        data = s.ComplaintAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        supervisor = get_user_model().objects.filter(pk=data.validated_data["supervisor"], is_active=True).first()
        if supervisor is None:
            raise ApiValidationError({"supervisor": [_("Please choose a supervisor.")]})
        return self._run(lambda: handling.assign(self.get_object(), request.user, supervisor=supervisor))

    @extend_schema(methods=["GET"], request=None, responses=s.ComplaintNoteSerializer(many=True))
    @extend_schema(methods=["POST"], request=s.ComplaintTextInput, responses={201: s.ComplaintNoteSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def notes(self, request: Request, pk=None) -> Response:
        """Investigation notes, the department's reports and returns; POST adds a note."""
        complaint = self.get_object()
        if request.method == "POST":
            data = s.ComplaintTextInput(data=request.data)
            data.is_valid(raise_exception=True)
            try:
                note = handling.add_note(complaint, request.user, text=data.validated_data["text"])
            except DjangoValidationError as error:
                raise api_error(error) from error
            return Response(s.ComplaintNoteSerializer(note).data, status=status.HTTP_201_CREATED)
        rows = complaint.notes.select_related("author__staff", "department").order_by("created_at", "pk")
        return Response(s.ComplaintNoteSerializer(rows, many=True).data)

    @extend_schema(request=None, responses=s.ComplaintEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request: Request, pk=None) -> Response:
        """Every action on the complaint; the complainant's own actions name no one."""
        complaint = self.get_object()
        rows = complaint.events.select_related("actor__staff").order_by("at", "pk")
        return Response(s.ComplaintEventSerializer(rows, many=True, context={"complaint": complaint}).data)

    @extend_schema(request=s.ComplaintExtensionInput, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def extension(self, request: Request, pk=None) -> Response:
        data = s.ComplaintExtensionInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(lambda: handling.request_extension(self.get_object(), request.user, **data.validated_data))

    @extend_schema(request=s.ComplaintDecisionInput, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="extension-decision")
    def extension_decision(self, request: Request, pk=None) -> Response:
        data = s.ComplaintDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(
            lambda: handling.decide_extension(self.get_object(), request.user, approve=data.validated_data["approve"])
        )

    @extend_schema(request=s.ComplaintFindingInput, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def finding(self, request: Request, pk=None) -> Response:
        data = s.ComplaintFindingInput(data=request.data)
        data.is_valid(raise_exception=True)
        items = []
        for item in data.validated_data["sanctions"]:
            staff = active_staff(item.get("staff"))
            department = active_department(item.get("department"))
            if (item.get("staff") and staff is None) or (item.get("department") and department is None):
                raise ApiValidationError({"sanctions": [_("A civil servant or department named is not known.")]})
            items.append(handling.SanctionInput(item["sanction"], staff=staff, department=department))
        return self._run(
            lambda: handling.record_finding(
                self.get_object(),
                request.user,
                finding=data.validated_data["finding"],
                text=data.validated_data["text"],
                sanctions=items,
            )
        )

    @extend_schema(request=s.ComplaintTextInput, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk=None) -> Response:
        data = s.ComplaintTextInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(lambda: handling.reply(self.get_object(), request.user, text=data.validated_data["text"]))
