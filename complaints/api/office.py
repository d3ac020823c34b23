"""The office's reference data: standard reply wording and the complaint statistics."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import serializers as s
from complaints.models import ResponseTemplate
from complaints.selectors import lists

from .common import IsSupervisor, pages


class ResponseTemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """Standard reply wording (supervisors; edited in the admin)."""

    serializer_class = s.ResponseTemplateSerializer
    permission_classes = [IsSupervisor]
    pagination_class = pages("title", "id")
    queryset = ResponseTemplate.objects.all()

    @extend_schema(parameters=[OpenApiParameter("category", str, description="a complaint category")])
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        rows = ResponseTemplate.objects.all()
        category = (
            self.request.query_params.get("category", "") if not getattr(self, "swagger_fake_view", False) else ""
        )
        return rows.filter(category__in=["", category]) if category else rows


class StatisticsView(APIView):
    permission_classes = [IsSupervisor]

    @extend_schema(responses=s.ComplaintStatisticsSerializer)
    def get(self, request: Request) -> Response:
        from complaints.views.work import _period

        start, end = _period(request)
        stats = lists.complaint_stats(start, end)
        for row in stats["by_month"]:
            row["month"] = row["month"].date().isoformat() if row.get("month") else None
        return Response(stats)
