"""REST API: a user's own notifications. Another user's notification is never found (404)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .models import Notification
from .serializers import CountSerializer, MarkReadSerializer, NotificationSerializer


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 50


class OwnNotificationsMixin:
    serializer_class = NotificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Notification.objects.none()
        return selectors.notifications_for(self.request.user)


class NotificationListView(OwnNotificationsMixin, generics.ListAPIView):
    pagination_class = NewestFirst


class NotificationDetailView(OwnNotificationsMixin, generics.RetrieveAPIView):
    pass


class MarkOneReadView(APIView):
    @extend_schema(operation_id="notifications_mark_one_read", request=None, responses=CountSerializer)
    def post(self, request: Request, pk: int) -> Response:
        try:
            count = services.mark_read(request.user, [pk])
        except Notification.DoesNotExist as exc:
            raise Http404 from exc
        return Response({"count": count})


class MarkReadView(APIView):
    @extend_schema(operation_id="notifications_mark_read", request=MarkReadSerializer, responses=CountSerializer)
    def post(self, request: Request) -> Response:
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            count = services.mark_read(request.user, serializer.validated_data["ids"])
        except Notification.DoesNotExist as exc:
            raise Http404 from exc
        return Response({"count": count})


class MarkAllReadView(APIView):
    @extend_schema(request=None, responses=CountSerializer)
    def post(self, request: Request) -> Response:
        return Response({"count": services.mark_all_read(request.user)}, status=status.HTTP_200_OK)


class UnreadCountView(APIView):
    @extend_schema(responses=CountSerializer)
    def get(self, request: Request) -> Response:
        return Response({"count": selectors.unread_count(request.user)})
