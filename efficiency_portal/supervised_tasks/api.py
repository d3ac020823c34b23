"""API of supervised tasks: list, detail, assign, report progress, close out, return (same services as the pages)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from efficiency_portal.org.models import Department, Staff

from . import selectors, services
from .models import Task, TaskAttachment, TaskKind, TaskReport


def _drf_error(error: DjangoValidationError) -> ValidationError:
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


class TaskSerializer(serializers.ModelSerializer):
    lead_department = serializers.CharField(source="lead_department.name")
    # Plain strings in the schema: the choices are listed in the help text (one enum name per choice set would
    # collide with the other apps' "kind" and "status").
    kind = serializers.CharField(help_text="reform, commitment, instruction or other")
    status = serializers.CharField(help_text="in_progress, awaiting or closed")
    status_label = serializers.CharField(source="get_status_display")
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "kind",
            "lead_department",
            "status",
            "status_label",
            "progress",
            "is_public",
            "assigned_at",
            "due_at",
            "closed_at",
            "url",
        ]


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField(help_text="Download, for those who may see the task (else 404).")

    class Meta:
        model = TaskAttachment
        fields = ["id", "name", "content_type", "size", "url"]

    def get_url(self, attachment: TaskAttachment) -> str:
        return reverse("supervised_tasks:attachment", args=[attachment.pk])


class ReportSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    author = serializers.CharField(source="author.get_full_name")
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = TaskReport
        fields = ["id", "department", "author", "text", "progress", "asks_close_out", "reported_at", "attachments"]


class TaskDetailSerializer(TaskSerializer):
    description = serializers.CharField()
    reports = ReportSerializer(many=True, read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "description", "reports"]


class AssignSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.CharField(default=TaskKind.OTHER, help_text="reform, commitment, instruction or other")
    description = serializers.CharField()
    lead_department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.filter(is_active=True))
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=Staff.objects.filter(is_active=True), help_text="Staff id in the lead department."
    )
    co_departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), many=True, required=False
    )
    limit_days = serializers.IntegerField(min_value=1, max_value=750)
    is_public = serializers.BooleanField(default=False)


class ReportInSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    text = serializers.CharField()
    progress = serializers.IntegerField(min_value=0, max_value=100)
    asks_close_out = serializers.BooleanField(default=False)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ExtendSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=250, help_text="Working days added, once per task.")
    reason = serializers.CharField(max_length=500)


class TaskCursor(CursorPagination):
    ordering = ("-assigned_at", "-id")
    page_size = 50


class TaskListApi(generics.ListAPIView):
    serializer_class = TaskSerializer
    pagination_class = TaskCursor
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return (
            selectors.visible_tasks(self.request.user).select_related("lead_department").order_by("-assigned_at", "-id")
        )

    @extend_schema(request=AssignSerializer, responses={201: TaskSerializer}, operation_id="tasks_assign")
    def post(self, request: Request) -> Response:
        if not selectors.may_assign(request.user):
            raise PermissionDenied
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            task = services.assign_task(
                title=values["title"],
                description=values["description"],
                kind=values["kind"],
                lead_department=values["lead_department"],
                responsible=values["responsible"].user,
                co_departments=values.get("co_departments", []),
                limit_days=values["limit_days"],
                is_public=values["is_public"],
                actor=request.user,
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


def _visible(request: Request, pk: int) -> Task:
    if not selectors.visible_tasks(request.user).filter(pk=pk).exists():
        raise NotFound
    return get_object_or_404(Task.objects.select_related("lead_department"), pk=pk)


class TaskDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TaskDetailSerializer, operation_id="tasks_detail")
    def get(self, request: Request, pk: int) -> Response:
        task = _visible(request, pk)
        task = (
            Task.objects.select_related("lead_department")
            .prefetch_related("reports__department", "reports__author", "reports__attachments")
            .get(pk=task.pk)
        )
        return Response(TaskDetailSerializer(task).data)


class TaskReportApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=ReportInSerializer, responses={201: ReportSerializer}, operation_id="tasks_report")
    def post(self, request: Request, pk: int) -> Response:
        task = _visible(request, pk)
        allowed = selectors.reporting_departments(request.user, task)
        if not allowed:
            raise PermissionDenied
        data = ReportInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["department"].pk not in {d.pk for d in allowed}:
            raise ValidationError({"department": [gettext("You cannot report for this department.")]})
        try:
            report = services.report_progress(
                task,
                department=values["department"],
                author=request.user,
                text=values["text"],
                progress=values["progress"],
                files=values["files"],
                asks_close_out=values["asks_close_out"],
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class TaskCloseApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=CloseSerializer, responses=TaskSerializer, operation_id="tasks_close_out")
    def post(self, request: Request, pk: int) -> Response:
        if not selectors.may_assign(request.user):
            raise PermissionDenied
        task = _visible(request, pk)
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            task = services.close_out(task, actor=request.user, note=data.validated_data["note"])
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(TaskSerializer(task).data)


class TaskReturnApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReturnSerializer, responses=TaskSerializer, operation_id="tasks_return")
    def post(self, request: Request, pk: int) -> Response:
        if not selectors.may_assign(request.user):
            raise PermissionDenied
        task = _visible(request, pk)
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            task = services.return_task(task, actor=request.user, reason=data.validated_data["reason"])
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(TaskSerializer(task).data)


class TaskExtendApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ExtendSerializer, responses=TaskSerializer, operation_id="tasks_extend")
    def post(self, request: Request, pk: int) -> Response:
        if not selectors.may_assign(request.user):
            raise PermissionDenied
        task = _visible(request, pk)
        data = ExtendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            task = services.extend_task(task, actor=request.user, days=values["days"], reason=values["reason"])
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(TaskSerializer(task).data)
