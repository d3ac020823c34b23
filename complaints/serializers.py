"""Serializers of the complaints API. Choice fields travel as plain strings (validated by the services), and
no serializer here has a field for the complainant's identity."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintNote,
    RectificationOrder,
    ResponseTemplate,
    ServiceRating,
)
from complaints.services.filing import normalise_phone

# History actions that are the complainant's own: they name nobody (the identity is revealed only on the page).
COMPLAINANT_ACTIONS = ("filed", "rated", "reopened")


def person_name(user) -> str:
    staff = getattr(user, "staff", None)
    if staff is not None:
        return staff.name
    return getattr(user, "display_name", "") or user.get_username()


def phone_field(value: str) -> str:
    try:
        return normalise_phone(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages) from error


class ComplaintSerializer(serializers.ModelSerializer):
    """For supervisors: everything but the complainant's name and contact (see the reveal page)."""

    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    category = serializers.CharField(read_only=True)
    channel = serializers.CharField(read_only=True)
    finding = serializers.CharField(read_only=True)
    handling_mode = serializers.CharField(read_only=True)
    extension_state = serializers.CharField(read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    staff_name = serializers.SerializerMethodField()
    clock_light = serializers.SerializerMethodField()
    clock_due = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "tracking_code",
            "channel",
            "anonymous",
            "category",
            "department",
            "department_name",
            "staff",
            "staff_name",
            "case",
            "description",
            "happened_on",
            "place",
            "status",
            "status_label",
            "received_at",
            "accepted_at",
            "decline_reason",
            "transferred_to",
            "handling_mode",
            "handler",
            "investigating_department",
            "extension_state",
            "extension_days",
            "finding",
            "finding_text",
            "concluded_at",
            "reply_text",
            "replied_at",
            "feedback_level",
            "reopen_count",
            "clock_light",
            "clock_due",
        ]
        read_only_fields = fields

    def get_staff_name(self, complaint: Complaint) -> str:
        return complaint.staff.name if complaint.staff_id else ""

    def get_clock_light(self, complaint: Complaint) -> str:
        return getattr(complaint, "clock_light", None) or ""

    def get_clock_due(self, complaint: Complaint) -> str | None:
        due = getattr(complaint, "clock_due", None)
        return due.isoformat() if due else None


class DepartmentComplaintSerializer(serializers.ModelSerializer):
    """For the investigating department: what it is about, never who complained or how to reach them."""

    status = serializers.CharField(read_only=True)
    category = serializers.CharField(read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = Complaint
        fields = ["id", "tracking_code", "category", "department_name", "description", "status", "received_at"]
        read_only_fields = fields


class PublicComplaintSerializer(serializers.ModelSerializer):
    """What the complainant reads after proving the tracking number and secret."""

    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    category = serializers.CharField(read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "tracking_code",
            "category",
            "department_name",
            "description",
            "status",
            "status_label",
            "received_at",
            "reply_text",
            "replied_at",
            "feedback_level",
            "reopen_count",
        ]
        read_only_fields = fields


class ComplaintFileInput(serializers.Serializer):
    category = serializers.CharField(max_length=20)
    description = serializers.CharField(max_length=5000)
    department = serializers.IntegerField()
    staff = serializers.IntegerField(required=False, allow_null=True)
    case = serializers.IntegerField(
        required=False, allow_null=True, help_text="One of the signed-in citizen's own applications."
    )
    happened_on = serializers.DateField(required=False, allow_null=True)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(required=False, default=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    phone = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text="A mainland mobile number, or a landline with its area code; at most 20 characters.",
    )
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    submission_key = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text="Evidence files (multipart only): PDF, JPEG or PNG, checked from the content.",
    )

    def validate_phone(self, value: str) -> str:
        return phone_field(value)


class ComplaintFiledOutput(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    secret = serializers.CharField(allow_null=True)
    duplicate = serializers.BooleanField()


class ComplaintTrackInput(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    secret = serializers.CharField(max_length=40)


class ComplaintReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    transfer_to = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ComplaintTextInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class ComplaintHandInput(serializers.Serializer):
    department = serializers.IntegerField()
    instructions = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ComplaintSanctionItem(serializers.Serializer):
    sanction = serializers.CharField(max_length=20)
    staff = serializers.IntegerField(required=False, allow_null=True)
    department = serializers.IntegerField(required=False, allow_null=True)


class ComplaintFindingInput(serializers.Serializer):
    finding = serializers.CharField(max_length=12)
    text = serializers.CharField(max_length=5000)
    sanctions = ComplaintSanctionItem(many=True, required=False, default=list)


class ComplaintExtensionInput(serializers.Serializer):
    days = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=300)


class ComplaintDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()


class ComplaintNoteSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    author_name = serializers.SerializerMethodField()
    department_name = serializers.SerializerMethodField()

    class Meta:
        model = ComplaintNote
        fields = ["id", "kind", "kind_label", "text", "author_name", "department_name", "created_at"]
        read_only_fields = fields

    def get_author_name(self, note: ComplaintNote) -> str | None:
        # A reopening's reason is the complainant's note: no author.
        return person_name(note.author) if note.author_id else None

    def get_department_name(self, note: ComplaintNote) -> str | None:
        return note.department.name if note.department_id else None


class ComplaintAssignInput(serializers.Serializer):
    supervisor = serializers.IntegerField(help_text="The user id of the supervisor who investigates.")


class ComplaintEventSerializer(serializers.ModelSerializer):
    """One history entry. The complainant's own actions carry ``by_complainant`` and no name."""

    action_label = serializers.CharField(source="get_action_display", read_only=True)
    actor_name = serializers.SerializerMethodField()
    by_complainant = serializers.SerializerMethodField()
    # Stored untranslated with its placeholders: read in the language of the request.
    public_text = serializers.CharField(source="public_message", read_only=True)

    class Meta:
        model = ComplaintEvent
        fields = [
            "id",
            "action",
            "action_label",
            "from_status",
            "to_status",
            "at",
            "actor_name",
            "by_complainant",
            "public_text",
            "note",
        ]
        read_only_fields = fields

    def _complainant_id(self) -> int | None:
        complaint = self.context.get("complaint")
        return complaint.complainant_id if complaint is not None else None

    def get_by_complainant(self, event: ComplaintEvent) -> bool:
        own = event.actor_id is None or event.actor_id == self._complainant_id()
        return event.action in COMPLAINANT_ACTIONS and own

    def get_actor_name(self, event: ComplaintEvent) -> str | None:
        if event.actor_id is None or event.actor_id == self._complainant_id():
            return None
        return person_name(event.actor)


class TrackRateInput(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    secret = serializers.CharField(max_length=40)
    level = serializers.IntegerField(min_value=1, max_value=5, help_text="1 very dissatisfied … 5 very satisfied")
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TrackEvidenceInput(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    secret = serializers.CharField(max_length=40)
    attachments = serializers.ListField(
        child=serializers.FileField(),
        allow_empty=False,
        help_text="Evidence files (multipart): PDF, JPEG or PNG, checked from the content; until the finding.",
    )


class TrackReopenInput(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    secret = serializers.CharField(max_length=40)
    reason = serializers.CharField(max_length=2000)


class CaseRatingInput(serializers.Serializer):
    case = serializers.IntegerField()
    level = serializers.IntegerField()
    service_level = serializers.IntegerField(required=False, allow_null=True)
    window_level = serializers.IntegerField(required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False, default=list)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RatingAppealInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RatingAppealDecisionInput(serializers.Serializer):
    uphold = serializers.BooleanField(help_text="true sets the rating aside; false lets it stand")
    decision = serializers.CharField(max_length=2000)


class ResponseTemplateSerializer(serializers.ModelSerializer):
    category = serializers.CharField(read_only=True)

    class Meta:
        model = ResponseTemplate
        fields = ["id", "title", "category", "body"]
        read_only_fields = fields


class ServiceRatingSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(read_only=True)
    level = serializers.IntegerField(read_only=True)
    service_level = serializers.IntegerField(read_only=True, allow_null=True)
    window_level = serializers.IntegerField(read_only=True, allow_null=True)
    appeal_status = serializers.CharField(read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = ServiceRating
        fields = [
            "id",
            "subject",
            "case",
            "department",
            "department_name",
            "handler",
            "level",
            "service_level",
            "window_level",
            "tags",
            "comment",
            "is_default",
            "rated_at",
            "appeal_status",
        ]
        read_only_fields = fields


class WindowRatingInput(serializers.Serializer):
    department = serializers.IntegerField()
    handler = serializers.IntegerField(required=False, allow_null=True)
    level = serializers.IntegerField()
    window_level = serializers.IntegerField(required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False, default=list)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RectificationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = RectificationOrder
        fields = [
            "id",
            "rating",
            "department",
            "department_name",
            "status",
            "opened_at",
            "contacted_at",
            "contact_note",
            "rectified_at",
            "rectification_note",
            "followed_up_at",
            "follow_up_note",
        ]
        read_only_fields = fields


class RectificationNoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class ComplaintStatisticsSerializer(serializers.Serializer):
    total = serializers.DictField()
    by_category = serializers.ListField(child=serializers.DictField())
    by_department = serializers.ListField(child=serializers.DictField())
    by_month = serializers.ListField(child=serializers.DictField())
