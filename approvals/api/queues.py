"""API: work queues (same scope, filters and urgency order as the pages; keyset pages with an opaque cursor)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.filters import QueueFilter
from approvals.models import Case, Item
from approvals.selectors import queues
from efficiency_portal.org.models import Department
from efficiency_portal.org.roles import is_staff_member


class QueueCaseSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.name")
    light = serializers.CharField(allow_null=True)
    due_at = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "tracking_code",
            "item",
            "applicant_name",
            "status",
            "channel",
            "submitted_at",
            "light",
            "due_at",
        ]

    def get_due_at(self, case: Case) -> str | None:
        return None if case.due_at == queues.NO_DUE else serializers.DateTimeField().to_representation(case.due_at)


class QueuePageSerializer(serializers.Serializer):
    results = QueueCaseSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


def _page(request: Request, build, items) -> Response:
    filterset = QueueFilter(request.query_params or None, queryset=Case.objects.none(), items=items)
    if filterset.is_bound and not filterset.is_valid():
        raise ApiValidationError(filterset.errors)
    try:
        page = queues.queue_page(build(filterset), request.query_params.get("cursor"))
    except ValidationError as error:
        raise ApiValidationError(error.message_dict) from error
    return Response({"results": QueueCaseSerializer(page.items, many=True).data, "next_cursor": page.next_cursor})


class MyQueueView(APIView):
    """The signed-in clerk's open cases, most urgent first."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=QueuePageSerializer)
    def get(self, request: Request) -> Response:
        if not is_staff_member(request.user):
            raise PermissionDenied
        return _page(
            request, lambda filterset: queues.clerk_queue(request.user, filterset), queues.clerk_items(request.user)
        )


class DepartmentQueueView(APIView):
    """A department's open cases, for its head, its leader in charge and supervisors."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=QueuePageSerializer)
    def get(self, request: Request, code: str) -> Response:
        department = get_object_or_404(Department, code=code)
        if not queues.may_read_department_queue(request.user, department):
            raise PermissionDenied
        return _page(
            request,
            lambda filterset: queues.department_queue(request.user, department, filterset),
            Item.objects.filter(department=department),
        )
