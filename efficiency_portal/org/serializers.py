from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import AwayNotice, Department, Post, Staff
from .selectors import Board, BoardPost, BoardStaff, DepartmentNode, Presence


class DepartmentNodeSerializer(serializers.Serializer):
    def to_representation(self, node: DepartmentNode) -> dict:
        d = node.department
        return {
            "id": d.pk,
            "code": d.code,
            "name": d.name,
            "short_name": d.short_name,
            "kind": d.kind,
            "children": [self.to_representation(child) for child in node.children],
        }


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "kind"]


class StaffSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Staff
        fields = ["id", "name", "username", "title", "phone", "department"]


class StaffRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Staff
        fields = ["id", "name"]


class PostSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.filter(is_active=True))
    holder = serializers.PrimaryKeyRelatedField(queryset=Staff.objects.filter(is_active=True))
    backup = serializers.PrimaryKeyRelatedField(queryset=Staff.objects.filter(is_active=True))
    holder_name = serializers.CharField(source="holder.name", read_only=True)
    backup_name = serializers.CharField(source="backup.name", read_only=True)

    class Meta:
        model = Post
        fields = ["id", "department", "name", "duties", "holder", "holder_name", "backup", "backup_name"]
        # Uniqueness and A≠B are checked by the service with clearer messages.
        validators: list = []

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None and "department" in attrs and attrs["department"] != self.instance.department:
            raise serializers.ValidationError({"department": [_("A post cannot move to another department.")]})
        return attrs


class AwayNoticeSerializer(serializers.ModelSerializer):
    staff = serializers.PrimaryKeyRelatedField(queryset=Staff.objects.filter(is_active=True), required=False)
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = AwayNotice
        fields = [
            "id",
            "staff",
            "staff_name",
            "reason",
            "destination",
            "note",
            "starts_at",
            "ends_at",
            "cancelled_at",
            "state",
            "created_at",
        ]
        read_only_fields = ["cancelled_at", "created_at"]
        # The model's check constraint (ends after starts) is enforced by the service with a field error.
        validators: list = []

    def get_state(self, notice: AwayNotice) -> str:
        return notice.state()


def presence_data(presence: Presence) -> dict:
    # Public: reason category and return time only, never where or why in detail.
    until = serializers.DateTimeField().to_representation(presence.until) if presence.until else None
    return {"away": presence.away, "reason": presence.reason or None, "until": until}


class BoardSerializer(serializers.Serializer):
    def to_representation(self, board: Board) -> dict:
        def post(item: BoardPost) -> dict:
            on_duty = item.on_duty
            return {
                "post": item.post.name,
                "holder": {"id": item.holder.pk, "name": item.holder.name, **presence_data(item.holder_presence)},
                "backup": {"id": item.backup.pk, "name": item.backup.name, **presence_data(item.backup_presence)},
                "on_duty": {"id": on_duty.pk, "name": on_duty.name} if on_duty else None,
                "uncovered": item.uncovered,
            }

        def staff(row: BoardStaff) -> dict:
            return {"id": row.staff.pk, "name": row.staff.name, "title": row.staff.title, **presence_data(row.presence)}

        return {
            "department": {"code": board.department.code, "name": board.department.name},
            "at": serializers.DateTimeField().to_representation(board.at),
            "posts": [post(item) for item in board.posts],
            "staff": [staff(row) for row in board.staff],
        }
