"""Reads of the catalogue: public search with facets, guide pages, and the items a manager may edit."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from approvals.models import Item, ItemMaterial, ItemStep, Topic
from efficiency_portal.org.models import Department, Role
from efficiency_portal.org.roles import has_role
from efficiency_portal.org.selectors import descendant_ids, headed_department_ids

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


def _words(q: str | None) -> list[str]:
    return [word for word in (q or "").split() if word][:MAX_QUERY_WORDS]


def _matching(q: str | None, department: Department | None, topic: Topic | None) -> QuerySet[Item]:
    items = Item.objects.filter(is_published=True)
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
    if department is not None:
        items = items.filter(department_id__in=descendant_ids([department.pk]))
    if topic is not None:
        items = items.filter(topic=topic)
    return items


def search_items(q: str | None = "", department: Department | None = None, topic: Topic | None = None):
    """Published items matching every word of ``q`` (name, summary, conditions, materials), in catalogue order.

    A department includes the units below it (an agency's items include its sections' and windows').
    """
    return (
        _matching(q, department, topic)
        .select_related("department", "topic")
        .order_by("department__sort_order", "name", "pk")
    )


@dataclass(frozen=True)
class Facet:
    pk: int
    name: str
    count: int


def department_facets(q: str | None = "", topic: Topic | None = None) -> list[Facet]:
    """Departments with published items matching the search, and how many (one query)."""
    rows = (
        _matching(q, None, topic)
        .values("department_id", "department__name", "department__sort_order")
        .annotate(count=Count("pk"))
        .order_by("department__sort_order", "department__name")
    )
    return [Facet(row["department_id"], row["department__name"], row["count"]) for row in rows]


def topic_facets(q: str | None = "", department: Department | None = None) -> list[Facet]:
    """Topics with published items matching the search, and how many (one query)."""
    rows = (
        _matching(q, department, None)
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
