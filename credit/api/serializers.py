"""Serializers of the credit API: output of rules, entries, objections and scores; input of the actions."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from credit.models import CreditAttachment, CreditEntry, CreditObjection, CreditRule, ObjectionOutcome, Source
from efficiency_portal.org.models import Department, Staff


class RuleSerializer(serializers.ModelSerializer):
    # Plain strings: the choice sets are listed in the documentation, not as schema enums shared by name.
    kind = serializers.CharField(read_only=True)
    downgrade_to = serializers.CharField(read_only=True)

    class Meta:
        model = CreditRule
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "points",
            "downgrade_to",
            "validity_years",
            "for_staff",
            "for_departments",
            "is_active",
            "description",
        ]
        read_only_fields = fields


class CreditAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = CreditAttachment
        fields = ["id", "name", "content_type", "objection", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, attachment: CreditAttachment) -> str:
        return reverse("credit:attachment", args=[attachment.pk])


class EntrySerializer(serializers.ModelSerializer):
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    subject_name = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)
    downgrade_to = serializers.CharField(read_only=True)

    class Meta:
        model = CreditEntry
        fields = [
            "id",
            "staff",
            "department",
            "subject_name",
            "rule",
            "rule_code",
            "rule_name",
            "base_points",
            "points",
            "repeated",
            "downgrade_to",
            "source",
            "source_link",
            "detail",
            "fact_date",
            "recorded_at",
            "confirmed_at",
            "valid_until",
            "status",
            "decision_reason",
        ]
        read_only_fields = fields


class CreditEntryDetailSerializer(EntrySerializer):
    """One entry with the files the caller may open (its evidence; an objection's papers only for those concerned)."""

    attachments = serializers.SerializerMethodField()

    class Meta(EntrySerializer.Meta):
        fields = [*EntrySerializer.Meta.fields, "attachments"]
        read_only_fields = fields

    def get_attachments(self, entry: CreditEntry) -> list[dict]:
        from credit.permissions import may_open_attachment

        user = self.context["request"].user
        rows = entry.attachments.select_related("entry__staff", "entry__department", "objection")
        return CreditAttachmentSerializer([row for row in rows if may_open_attachment(user, row)], many=True).data


class ObjectionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    subject_name = serializers.CharField(source="entry.subject_name", read_only=True)

    class Meta:
        model = CreditObjection
        fields = [
            "id",
            "entry",
            "subject_name",
            "reasons",
            "status",
            "submitted_at",
            "accepted_at",
            "outcome",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields


class CreditFiledObjectionSerializer(ObjectionSerializer):
    papers = CreditAttachmentSerializer(source="attachments", many=True, read_only=True)

    class Meta(ObjectionSerializer.Meta):
        fields = [*ObjectionSerializer.Meta.fields, "papers"]
        read_only_fields = fields


class NoInput(serializers.Serializer):
    """The action takes no input."""


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ObjectionInput(serializers.Serializer):
    reasons = serializers.CharField(max_length=4000)
    papers = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text=_("Supporting papers (multipart).")
    )


class DecisionInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ObjectionOutcome.values)
    reason = serializers.CharField(max_length=4000)


class CreditEntryInput(serializers.Serializer):
    """A supervisor records an entry by hand: one civil servant or one department, a rule by its code."""

    staff = serializers.PrimaryKeyRelatedField(
        queryset=Staff.objects.filter(is_active=True), required=False, allow_null=True
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), required=False, allow_null=True
    )
    rule_code = serializers.SlugRelatedField(slug_field="code", queryset=CreditRule.objects.filter(is_active=True))
    points = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("Leave out to use the rule's points.")
    )
    fact_date = serializers.DateField()
    # A plain string checked below, so that the schema does not share a "source" enum with other apps.
    source = serializers.CharField(
        default=Source.MANUAL,
        help_text=_("One of: complaint, red_card, bad_rating, audit, police, procuratorate, assessment, manual."),
    )
    detail = serializers.CharField(max_length=500)
    evidence = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text=_("Evidence files (multipart).")
    )

    def validate_source(self, value: str) -> str:
        if value not in Source.values:
            raise serializers.ValidationError(_("Choose one of: %s.") % ", ".join(Source.values))
        return value

    def validate(self, data: dict) -> dict:
        if bool(data.get("staff")) == bool(data.get("department")):
            raise serializers.ValidationError(_("Choose either one civil servant or one department."))
        return data


class ScoreSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    department = serializers.IntegerField(allow_null=True)
    points = serializers.IntegerField()
    grade = serializers.CharField()
    downgraded_to = serializers.CharField()
    blacklisted = serializers.BooleanField()


class CreditGradeCountSerializer(serializers.Serializer):
    grade = serializers.CharField()
    count = serializers.IntegerField()


class CreditTimelineStepSerializer(serializers.Serializer):
    day = serializers.DateField()
    entry = serializers.IntegerField(source="entry.pk")
    rule_code = serializers.CharField(source="entry.rule.code")
    rule_name = serializers.CharField(source="entry.rule.name")
    status = serializers.CharField(source="entry.status")
    starts = serializers.BooleanField(help_text=_("True when the entry starts counting, false when its validity ends."))
    change = serializers.IntegerField()
    downgrade_to = serializers.CharField(source="entry.downgrade_to")
    points_after = serializers.IntegerField()
    grade_after = serializers.CharField()


class CreditSubjectRecordSerializer(ScoreSerializer):
    on = serializers.DateField()
    entries = serializers.IntegerField(help_text=_("Entries counting on that day."))
    timeline = CreditTimelineStepSerializer(many=True, help_text=_("Newest first."))
