"""API of the catalogue: public reading of the guides, and changes by those who manage them, through the services."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.models import Item, ItemMaterial, Topic
from approvals.selectors import catalogue as selectors
from approvals.services import catalogue as services
from efficiency_portal.org.models import Department

from .catalogue_serializers import (
    ItemDetailSerializer,
    ItemListSerializer,
    ItemWriteSerializer,
    MaterialInputSerializer,
    MaterialSerializer,
    PublishInputSerializer,
    StepsInputSerializer,
)


def service_errors(error: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as a 400 with field errors."""
    if hasattr(error, "error_dict"):
        return ValidationError({field: [str(m) for m in messages] for field, messages in error.message_dict.items()})
    return ValidationError({"non_field_errors": [str(m) for m in error.messages]})


class ItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_nothing", max_length=100, label="search words")
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.filter(is_active=True), method="filter_nothing"
    )
    topic = django_filters.ModelChoiceFilter(queryset=Topic.objects.all(), method="filter_nothing")

    class Meta:
        model = Item
        fields = ["q", "department", "topic"]

    def filter_nothing(self, queryset, name, value):
        # The three filters act together in the selector (one query), see ItemListView.get_queryset.
        return queryset

    @property
    def qs(self):
        if not self.is_valid():
            return super().qs
        data = self.form.cleaned_data
        return selectors.search_items(data.get("q") or "", data.get("department"), data.get("topic"))


class CataloguePagination(PageNumberPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"


class ItemListView(generics.ListCreateAPIView):
    """Published items: search words (name, summary, conditions, materials), department (with the units below), topic.

    POST creates a draft item (department heads for their departments, administrators).
    """

    pagination_class = CataloguePagination
    filterset_class = ItemFilter

    def get_permissions(self):
        if self.request.method == "GET":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self):
        return selectors.search_items("")

    def get_serializer_class(self):
        return ItemListSerializer if self.request.method == "GET" else ItemWriteSerializer

    @extend_schema(request=ItemWriteSerializer, responses={201: ItemDetailSerializer})
    def post(self, request: Request) -> Response:
        if not selectors.may_manage_any(request.user):
            raise PermissionDenied
        serializer = ItemWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            item = services.save_item(request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            raise service_errors(error) from error
        item = selectors.guide_items().get(pk=item.pk)
        return Response(ItemDetailSerializer(item, context={"request": request}).data, status=status.HTTP_201_CREATED)


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, allow_blank=False, trim_whitespace=True)
    limit = serializers.IntegerField(min_value=1, max_value=50, default=10)


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    suggestion = serializers.CharField(help_text="您是不是要找: a close query the catalogue knows, or empty")
    synonyms = serializers.ListField(child=serializers.CharField(), help_text="synonym phrases that widened it")
    count = serializers.IntegerField()
    results = ItemListSerializer(many=True)


class SearchView(APIView):
    """The catalogue search as the pages run it: segmented words and synonyms, ranked by relevance and popularity,
    with a suggestion (您是不是要找) for a query with unknown words. Public."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[SearchQuerySerializer], responses=SearchResultSerializer)
    def get(self, request: Request) -> Response:
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q, limit = query.validated_data["q"], query.validated_data["limit"]
        outcome = selectors.rank_items(q)
        items = list(selectors.search_items(q, outcome=outcome)[:limit])
        data = {
            "query": q,
            "suggestion": outcome.suggestion,
            "synonyms": list(outcome.synonyms),
            "count": len(outcome.ids),
            "results": ItemListSerializer(items, many=True, context={"request": request}).data,
        }
        return Response(data)


class ItemDetailView(APIView):
    """One item's guide with materials and steps; PATCH changes it (those who manage it)."""

    def get_permissions(self):
        if self.request.method == "GET":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    @extend_schema(responses=ItemDetailSerializer)
    def get(self, request: Request, code: str) -> Response:
        item = selectors.item_for_guide(code, request.user)
        if item is None:
            raise NotFound
        return Response(ItemDetailSerializer(item, context={"request": request}).data)

    @extend_schema(request=ItemWriteSerializer, responses=ItemDetailSerializer)
    def patch(self, request: Request, code: str) -> Response:
        item = get_object_or_404(Item, code=code)
        if not selectors.can_manage_item(request.user, item):
            raise PermissionDenied
        serializer = ItemWriteSerializer(item, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            services.save_item(request.user, item=item, **serializer.validated_data)
        except DjangoValidationError as error:
            raise service_errors(error) from error
        fresh = selectors.guide_items().get(pk=item.pk)
        return Response(ItemDetailSerializer(fresh, context={"request": request}).data)


class ItemStepsView(APIView):
    """Replace an item's steps (their limits together fit in the promised limit)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=StepsInputSerializer, responses=ItemDetailSerializer)
    def put(self, request: Request, code: str) -> Response:
        item = get_object_or_404(Item, code=code)
        serializer = StepsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        specs = [services.StepSpec(**row) for row in serializer.validated_data["steps"]]
        try:
            services.save_steps(request.user, item, specs)
        except DjangoValidationError as error:
            raise service_errors(error) from error
        fresh = selectors.guide_items().get(pk=item.pk)
        return Response(ItemDetailSerializer(fresh, context={"request": request}).data)


class ItemPublishView(APIView):
    """Publish (all seven disclosures present) or take back to a draft."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=PublishInputSerializer, responses=ItemDetailSerializer)
    def post(self, request: Request, code: str) -> Response:
        item = get_object_or_404(Item, code=code)
        serializer = PublishInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.publish_item(request.user, item, publish=serializer.validated_data["published"])
        except DjangoValidationError as error:
            raise service_errors(error) from error
        fresh = selectors.guide_items().get(pk=item.pk)
        return Response(ItemDetailSerializer(fresh, context={"request": request}).data)


class ItemMaterialsView(APIView):
    """Add a material to an item (multipart when it carries a sample file, checked by its content)."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=MaterialInputSerializer, responses={201: MaterialSerializer})
    def post(self, request: Request, code: str) -> Response:
        item = get_object_or_404(Item, code=code)
        if not selectors.can_manage_item(request.user, item):
            raise PermissionDenied
        serializer = MaterialInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            material = services.save_material(request.user, item, **serializer.validated_data)
        except DjangoValidationError as error:
            raise service_errors(error) from error
        return Response(MaterialSerializer(material, context={"request": request}).data, status=status.HTTP_201_CREATED)


class ItemMaterialDetailView(APIView):
    """Remove one material of an item."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, code: str, pk: int) -> Response:
        material = get_object_or_404(ItemMaterial.objects.select_related("item"), pk=pk, item__code=code)
        services.delete_material(request.user, material)
        return Response(status=status.HTTP_204_NO_CONTENT)
