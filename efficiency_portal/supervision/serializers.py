from __future__ import annotations

from rest_framework import serializers

from .explain import explain_deadline
from .models import Deadline, Warning, WarningRecipient


class DeadlineSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    responsible_name = serializers.CharField(source="responsible.__str__", read_only=True)
    explain = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "title",
            "department",
            "department_name",
            "responsible",
            "responsible_name",
            "started_at",
            "limit_days",
            "paused_days",
            "extension_days",
            "due_at",
            "due_provisional",
            "yellow_from",
            "light",
            "status",
            "finished_at",
            "outcome",
            "extended_at",
            "extension_reason",
            "explain",
            "url",
        ]
        read_only_fields = fields

    def get_explain(self, deadline: Deadline) -> list[str]:
        return explain_deadline(deadline)


class RecipientSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.__str__", read_only=True)

    class Meta:
        model = WarningRecipient
        fields = ["user", "name", "role", "told_at", "acknowledged_at"]
        read_only_fields = fields


class WarningSerializer(serializers.ModelSerializer):
    deadline_title = serializers.CharField(source="deadline.title", read_only=True)
    due_at = serializers.DateTimeField(source="deadline.due_at", read_only=True)
    recipients = RecipientSerializer(many=True, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Warning
        fields = [
            "id",
            "deadline",
            "deadline_title",
            "due_at",
            "level",
            "raised_at",
            "acknowledged_at",
            "acknowledged_by",
            "recipients",
            "url",
        ]
        read_only_fields = fields
