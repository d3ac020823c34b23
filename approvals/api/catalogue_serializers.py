"""Serializers of the catalogue API."""

from __future__ import annotations

from rest_framework import serializers

from approvals.models import Item, ItemMaterial, ItemStep, StepCode, Topic
from approvals.services.catalogue import ITEM_FIELDS


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "code", "name"]


class MaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItemMaterial
        fields = ["id", "name", "description", "required", "sample"]


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItemStep
        fields = ["code", "name", "limit_days"]


class ItemListSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    topic = TopicSerializer(read_only=True)
    is_free = serializers.BooleanField(read_only=True)

    class Meta:
        model = Item
        fields = [
            "code",
            "name",
            "department",
            "department_name",
            "topic",
            "kind",
            "summary",
            "statutory_limit_days",
            "promised_limit_days",
            "fee_amount",
            "is_free",
            "online",
        ]


class ItemDetailSerializer(ItemListSerializer):
    """The whole guide: the seven disclosures with the materials and steps."""

    materials = MaterialSerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)

    class Meta(ItemListSerializer.Meta):
        fields = [
            *ItemListSerializer.Meta.fields,
            "legal_basis",
            "procedure",
            "conditions",
            "fee_basis",
            "fee_standard",
            "complaint_channel",
            "window_address",
            "is_published",
            "updated_at",
            "materials",
            "steps",
        ]


class ItemWriteSerializer(serializers.ModelSerializer):
    """Input of create and change; the rules between fields are the service's."""

    class Meta:
        model = Item
        fields = list(ITEM_FIELDS)
        # Model check constraints are the service's to explain, with messages on the right fields.
        validators: list = []


class StepInputSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=StepCode.choices)
    limit_days = serializers.IntegerField(min_value=0, max_value=365)
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class StepsInputSerializer(serializers.Serializer):
    steps = StepInputSerializer(many=True, allow_empty=True)


class PublishInputSerializer(serializers.Serializer):
    published = serializers.BooleanField()


class MaterialInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    required = serializers.BooleanField(required=False, default=True)
    sample = serializers.FileField(required=False, allow_null=True, default=None)
