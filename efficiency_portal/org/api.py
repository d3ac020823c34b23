"""REST API of the organisation; the same selectors and services as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .models import AwayNotice, Department, Post
from .roles import is_staff_member
from .serializers import (
    AwayNoticeSerializer,
    BoardSerializer,
    DepartmentNodeSerializer,
    PostSerializer,
    StaffSerializer,
)


def drf_errors(error: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as DRF field errors (``__all__`` becomes ``non_field_errors``)."""
    if hasattr(error, "error_dict"):
        return ValidationError(
            {("non_field_errors" if key == "__all__" else key): value for key, value in error.message_dict.items()}
        )
    return ValidationError({"non_field_errors": error.messages})


class ById(CursorPagination):
    ordering = "id"


class CanViewDirectory(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return selectors.can_view_directory(request.user)


class IsStaffMember(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_staff_member(request.user)


@extend_schema(responses=DepartmentNodeSerializer(many=True))
class DepartmentTreeView(APIView):
    """The public department tree (agency → department → service window)."""

    permission_classes = [permissions.AllowAny]

    def get(self, request: Request) -> Response:
        return Response(DepartmentNodeSerializer(selectors.department_tree(), many=True).data)


@extend_schema(responses=BoardSerializer)
class BoardView(APIView):
    """The public away-notice board of one department."""

    permission_classes = [permissions.AllowAny]

    def get(self, request: Request, code: str) -> Response:
        department = get_object_or_404(Department, code=code, is_active=True)
        return Response(BoardSerializer(selectors.board(department)).data)


class StaffViewSet(viewsets.ReadOnlyModelViewSet):
    """Staff with titles and office phones: for staff and supervisors only."""

    serializer_class = StaffSerializer
    permission_classes = [permissions.IsAuthenticated, CanViewDirectory]
    pagination_class = ById
    filterset_fields = {"department__code": ["exact"]}

    def get_queryset(self):
        return selectors.directory().order_by("id")


class PostViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Posts with their A and B holders; heads change their department's posts, administrators any."""

    serializer_class = PostSerializer
    permission_classes = [permissions.IsAuthenticated, CanViewDirectory]
    pagination_class = ById
    filterset_fields = {"department__code": ["exact"]}

    def get_queryset(self):
        return Post.objects.select_related("department", "holder", "backup").order_by("id")

    def _save(self, serializer: PostSerializer, post=None) -> None:
        data = serializer.validated_data
        department = post.department if post is not None else data["department"]
        try:
            serializer.instance = services.assign_post(
                department,
                data.get("name", getattr(post, "name", "")),
                data.get("holder", getattr(post, "holder", None)),
                data.get("backup", getattr(post, "backup", None)),
                duties=data.get("duties", getattr(post, "duties", "")),
                post=post,
                must_be_new=post is None,
                actor=self.request.user,
            )
        except DjangoValidationError as error:
            raise drf_errors(error) from error

    def perform_create(self, serializer: PostSerializer) -> None:
        self._save(serializer)

    def perform_update(self, serializer: PostSerializer) -> None:
        self._save(serializer, post=serializer.instance)


class AwayNoticeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Own away notices and, for a head, the department's. Create registers one; cancel and return end it."""

    serializer_class = AwayNoticeSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffMember]
    pagination_class = ById

    def get_queryset(self):
        return selectors.visible_notices(self.request.user).order_by("id")

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            notice = services.register_away_notice(
                data.get("staff") or request.user.staff,
                reason=data["reason"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                destination=data.get("destination", ""),
                note=data.get("note", ""),
                actor=request.user,
            )
        except DjangoValidationError as error:
            raise drf_errors(error) from error
        return Response(self.get_serializer(notice).data, status=status.HTTP_201_CREATED)

    def _transition(self, service) -> Response:
        notice: AwayNotice = self.get_object()
        try:
            notice = service(notice, actor=self.request.user)
        except DjangoValidationError as error:
            raise drf_errors(error) from error
        return Response(self.get_serializer(notice).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        return self._transition(services.cancel_away_notice)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="return")
    def return_early(self, request: Request, pk=None) -> Response:
        return self._transition(services.return_early)
