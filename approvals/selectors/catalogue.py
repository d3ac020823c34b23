"""Reads of the catalogue: public search with facets, guide pages, and the items a manager may edit."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from approvals.models import Item, ItemMaterial, ItemStep, Topic
from approvals.models.stats import MonthlyCaseStat
from efficiency_portal.org.models import Department, Role
from efficiency_portal.org.roles import has_role
from efficiency_portal.org.selectors import descendant_ids, headed_department_ids
from efficiency_portal.search import selectors as search

MAX_QUERY_WORDS = 8


# --- Who may manage ---------------------------------------------------------------------------------------------


def is_catalogue_admin(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or has_role(user, Role.ADMINISTRATOR)))


def can_manage_department(user, department: Department | None) -> bool:
    if department is None or not (user and user.is_authenticated):
        return False
    return is_catalogue_admin(user) or department.pk in headed_department_ids(user)


def can_manage_item(user, item: Item) -> bool:
    if not (user and user.is_authenticated):
        return False
    return is_catalogue_admin(user) or item.department_id in headed_department_ids(user)


def may_manage_any(user) -> bool:
    return is_catalogue_admin(user) or bool(headed_department_ids(user))


def manageable_departments(user) -> QuerySet[Department]:
    if is_catalogue_admin(user):
        return Department.objects.filter(is_active=True)
    return Department.objects.filter(pk__in=headed_department_ids(user), is_active=True)


def manageable_items(user) -> QuerySet[Item]:
    """Items (drafts included) whose guide ``user`` may edit."""
    items = Item.objects.select_related("department", "topic").annotate(
        material_count=Count("materials", distinct=True), step_count=Count("steps", distinct=True)
    )
    if is_catalogue_admin(user):
        return items
    return items.filter(department_id__in=headed_department_ids(user))


# --- Public search ----------------------------------------------------------------------------------------------

SEARCH_SCOPE = "approvals.item"  # as in approvals.services.catalogue
MAX_RESULTS = 200  # a search shows at most this many items, best first


def _words(q: str | None) -> list[str]:
    return [word for word in (q or "").split() if word][:MAX_QUERY_WORDS]


def _substring_matches(q: str) -> QuerySet[Item]:
    """Items whose name, summary, conditions, code or a material contain every word of ``q`` (the fallback for
    what the segmenter cannot cut, such as a single character)."""
    items = Item.objects.all()
    for word in _words(q):
        # Exists rather than a join keeps one row per item without DISTINCT.
        in_materials = Exists(ItemMaterial.objects.filter(item=OuterRef("pk"), name__icontains=word))
        items = items.filter(
            Q(name__icontains=word)
            | Q(summary__icontains=word)
            | Q(conditions__icontains=word)
            | Q(code__icontains=word)
            | in_materials
        )
    return items


def _filtered(items: QuerySet[Item], department: Department | None, topic: Topic | None) -> QuerySet[Item]:
    items = items.filter(is_published=True)
    if department is not None:
        items = items.filter(department_id__in=descendant_ids([department.pk]))
    if topic is not None:
        items = items.filter(topic=topic)
    return items


def popularity(item_ids: list[int], today: dt.date | None = None) -> dict[int, int]:
    """Cases received per item over the last ``SEARCH_POPULARITY_DAYS``, from the monthly figures (one query)."""
    if not item_ids:
        return {}
    today = today or timezone.localdate()
    since = (today - dt.timedelta(days=settings.SEARCH_POPULARITY_DAYS)).replace(day=1)
    rows = (
        MonthlyCaseStat.objects.filter(item_id__in=item_ids, month__gte=since)
        .values("item_id")
        .annotate(received=Sum("received"))
        .values_list("item_id", "received")
    )
    return {item_id: received or 0 for item_id, received in rows}


@dataclass(frozen=True)
class SearchOutcome:
    """A ranked search: item ids best first, and what the page tells about the query."""

    ids: list[int]
    suggestion: str = ""  # 您是不是要找
    synonyms: tuple[str, ...] = ()  # the phrases of the synonym list that widened the query
    ranked: bool = False  # False: no words, catalogue order


def rank_items(q: str | None) -> SearchOutcome:
    """Published items for ``q``: relevance from the index (segmented words, synonyms) × popularity.

    Popularity multiplies relevance by 1 + SEARCH_POPULARITY_WEIGHT × ln(1 + cases received), so among items that
    match about as well the one people apply for most comes first, but a popular item never outranks a much
    better match.
    """
    text = (q or "").strip()
    if not text:
        return SearchOutcome(ids=[])
    query_plan = search.plan(text)
    hits = {hit.object_id: hit.score for hit in search.rank(SEARCH_SCOPE, query_plan)}
    if not hits:
        # What the segmenter could not cut (a single character, a code): plain substring matching.
        for pk in _substring_matches(text).values_list("pk", flat=True)[:MAX_RESULTS]:
            hits[pk] = 1.0
    allowed = list(Item.objects.filter(pk__in=list(hits), is_published=True).values_list("pk", flat=True))
    counts = popularity(allowed)
    weight = settings.SEARCH_POPULARITY_WEIGHT
    scored = sorted(allowed, key=lambda pk: (-hits[pk] * (1 + weight * math.log1p(counts.get(pk, 0))), pk))
    suggestion = ""
    # A query the synonym list understood needs no correction; one with words the index does not know may.
    if not scored or (not query_plan.synonyms and search.unknown_terms(SEARCH_SCOPE, query_plan)):
        vocabulary = list(Item.objects.filter(is_published=True).values_list("name", flat=True))
        suggestion = search.suggest(query_plan, vocabulary + search.synonym_phrases() + search.vocabulary(SEARCH_SCOPE))
    return SearchOutcome(ids=scored[:MAX_RESULTS], suggestion=suggestion, synonyms=query_plan.synonyms, ranked=True)


def _in_order(ids: list[int]) -> Case:
    return Case(*[When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)], output_field=IntegerField())


def _matching(
    q: str | None, department: Department | None, topic: Topic | None, outcome: SearchOutcome | None = None
) -> QuerySet[Item]:
    outcome = outcome if outcome is not None else rank_items(q)
    items = Item.objects.filter(pk__in=outcome.ids) if outcome.ranked else Item.objects.all()
    return _filtered(items, department, topic)


def search_items(
    q: str | None = "",
    department: Department | None = None,
    topic: Topic | None = None,
    outcome: SearchOutcome | None = None,
) -> QuerySet[Item]:
    """Published items for ``q``, best first (see rank_items); without words, in catalogue order.

    A department includes the units below it (an agency's items include its sections' and windows'). Pass the
    ``outcome`` of rank_items to rank once for the list and its facets.
    """
    outcome = outcome if outcome is not None else rank_items(q)
    items = _matching(q, department, topic, outcome).select_related("department", "topic")
    if not outcome.ranked:
        return items.order_by("department__sort_order", "name", "pk")
    if not outcome.ids:
        return items.none()
    return items.order_by(_in_order(outcome.ids), "pk")


@dataclass(frozen=True)
class Facet:
    pk: int
    name: str
    count: int


def department_facets(
    q: str | None = "", topic: Topic | None = None, outcome: SearchOutcome | None = None
) -> list[Facet]:
    """Departments with published items matching the search, and how many (one query)."""
    rows = (
        _matching(q, None, topic, outcome)
        .values("department_id", "department__name", "department__sort_order")
        .annotate(count=Count("pk"))
        .order_by("department__sort_order", "department__name")
    )
    return [Facet(row["department_id"], row["department__name"], row["count"]) for row in rows]


def topic_facets(
    q: str | None = "", department: Department | None = None, outcome: SearchOutcome | None = None
) -> list[Facet]:
    """Topics with published items matching the search, and how many (one query)."""
    rows = (
        _matching(q, department, None, outcome)
        .filter(topic__isnull=False)
        .values("topic_id", "topic__name", "topic__sort_order")
        .annotate(count=Count("pk"))
        .order_by("topic__sort_order", "topic__name")
    )
    return [Facet(row["topic_id"], row["topic__name"], row["count"]) for row in rows]


def guide_items() -> QuerySet[Item]:
    """Items with everything the guide page shows, in three queries whatever the number of materials and steps."""
    return Item.objects.select_related("department", "topic").prefetch_related(
        Prefetch("materials", queryset=ItemMaterial.objects.order_by("sort_order", "pk")),
        Prefetch("steps", queryset=ItemStep.objects.order_by("sort_order", "pk")),
    )


def item_for_guide(code: str, user=None) -> Item | None:
    """The published item ``code``; a draft only for those who manage it (to preview it)."""
    item = guide_items().filter(code=code).first()
    if item is None:
        return None
    if item.is_published or (user is not None and can_manage_item(user, item)):
        return item
    return None
