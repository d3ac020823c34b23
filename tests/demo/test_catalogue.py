"""The demo catalogue: consistent, realistic, published and searchable items, loaded once."""

from __future__ import annotations

from io import StringIO

from django.db.models import Count, Sum

from approvals import demo
from approvals.models import Item, ItemKind, ItemMaterial, ItemStep, Topic
from approvals.selectors.catalogue import search_items


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Topic, Item, ItemMaterial, ItemStep)}


def test_loads_again_without_duplicates(demo_city):
    first = counts()
    assert "items" in demo_city
    demo.load(StringIO())
    assert counts() == first
    assert first["Item"] >= 50
    assert first["Topic"] >= 8


def test_items_are_consistent_and_published():
    assert not Item.objects.filter(is_published=False).exists()
    totals = dict(ItemStep.objects.values_list("item").annotate(total=Sum("limit_days")))
    for item in Item.objects.annotate(materials_count=Count("materials")):
        assert item.promised_limit_days <= item.statutory_limit_days, item
        assert totals[item.pk] <= item.promised_limit_days, item
        assert item.materials_count >= 1, item
        assert item.legal_basis and item.conditions and item.complaint_channel, item
        if item.kind == ItemKind.INSTANT:
            assert item.promised_limit_days == 0
        if item.fee_amount > 0:
            assert item.fee_basis, item
    food = Item.objects.get(code="food-business-licence")
    assert (food.statutory_limit_days, food.promised_limit_days) == (20, 8)
    assert food.department.code == "scjgj-spk"
    assert Item.objects.values("department").distinct().count() >= 15


def test_demo_items_are_searchable():
    assert search_items("施工许可").filter(code="construction-permit").exists()
    assert search_items("护照").filter(code="passport-first").exists()
