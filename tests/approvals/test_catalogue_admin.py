"""Admin of approvals: every model listed, items read-only with publishing actions through the service."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from approvals.models import Item
from efficiency_portal.audit.models import AuditEvent
from tests.factories import ItemFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return client


def test_every_approvals_model_is_registered():
    for model in apps.get_app_config("approvals").get_models():
        if model._meta.model_name in {"itemmaterial", "itemstep"}:
            continue  # shown inline on the item
        assert admin.site.is_registered(model), model


def test_changelists_render(superuser_client):
    ItemFactory()
    for model in apps.get_app_config("approvals").get_models():
        if not admin.site.is_registered(model):
            continue
        url = reverse(f"admin:approvals_{model._meta.model_name}_changelist")
        assert superuser_client.get(url).status_code == 200, url


def test_item_is_read_only_and_published_through_the_service(superuser_client):
    draft = ItemFactory(is_published=False)
    broken = ItemFactory(is_published=False, legal_basis="")
    change = reverse("admin:approvals_item_change", args=[draft.pk])
    superuser_client.post(change, {"name": "改名"})
    assert Item.objects.get(pk=draft.pk).name == draft.name
    url = reverse("admin:approvals_item_changelist")
    data = {"action": "publish", "_selected_action": [draft.pk, broken.pk]}
    assert superuser_client.post(url, data).status_code == 302
    assert Item.objects.get(pk=draft.pk).is_published
    assert not Item.objects.get(pk=broken.pk).is_published
    assert AuditEvent.objects.filter(action="approvals.item_publish").count() == 1
