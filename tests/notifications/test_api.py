"""The notifications API: own notifications only, 400 on bad input, 404 for anyone else's."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from efficiency_portal.notifications.models import Notification
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return UserFactory()


@pytest.fixture
def bob():
    return UserFactory()


@pytest.fixture
def api(alice) -> APIClient:
    client = APIClient()
    client.force_authenticate(alice)
    return client


def test_anonymous_is_refused_everywhere():
    client = APIClient()
    n = NotificationFactory()
    for method, url in [
        ("get", reverse("notifications_api:list")),
        ("get", reverse("notifications_api:unread_count")),
        ("get", reverse("notifications_api:detail", args=[n.pk])),
        ("post", reverse("notifications_api:mark_one_read", args=[n.pk])),
        ("post", reverse("notifications_api:mark_read")),
        ("post", reverse("notifications_api:mark_all_read")),
    ]:
        assert getattr(client, method)(url).status_code in (401, 403), url
    n.refresh_from_db()
    assert n.read_at is None


def test_list_returns_own_notifications_newest_first(api, alice, bob):
    first = NotificationFactory(recipient=alice)
    second = NotificationFactory(recipient=alice)
    NotificationFactory(recipient=bob)
    response = api.get(reverse("notifications_api:list"))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [second.pk, first.pk]
    assert set(response.json()["results"][0]) == {
        "id",
        "kind",
        "title",
        "body",
        "link",
        "urgent",
        "created_at",
        "read_at",
        "is_read",
    }


def test_list_query_count_does_not_grow(api, alice, django_assert_max_num_queries):
    NotificationFactory.create_batch(40, recipient=alice)
    with django_assert_max_num_queries(3):
        assert len(api.get(reverse("notifications_api:list")).json()["results"]) == 40


def test_detail_of_another_users_notification_is_404(api, bob):
    theirs = NotificationFactory(recipient=bob)
    assert api.get(reverse("notifications_api:detail", args=[theirs.pk])).status_code == 404


def test_unread_count(api, alice, bob):
    NotificationFactory.create_batch(3, recipient=alice)
    NotificationFactory(recipient=alice, read_at="2026-03-01T10:00:00+08:00")
    NotificationFactory.create_batch(4, recipient=bob)
    assert api.get(reverse("notifications_api:unread_count")).json() == {"count": 3}


def test_mark_one_read_own_and_not_others(api, alice, bob):
    mine = NotificationFactory(recipient=alice)
    theirs = NotificationFactory(recipient=bob)
    assert api.post(reverse("notifications_api:mark_one_read", args=[theirs.pk])).status_code == 404
    response = api.post(reverse("notifications_api:mark_one_read", args=[mine.pk]))
    assert response.status_code == 200
    assert response.json() == {"count": 1}
    # Idempotent: marking again changes nothing.
    assert api.post(reverse("notifications_api:mark_one_read", args=[mine.pk])).json() == {"count": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_by_ids(api, alice):
    a, b, c = NotificationFactory.create_batch(3, recipient=alice)
    response = api.post(reverse("notifications_api:mark_read"), {"ids": [a.pk, b.pk]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"count": 2}
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("id", flat=True)) == {c.pk}


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"ids": []},
        {"ids": "1,2"},
        {"ids": ["x"]},
        {"ids": [0]},
        {"ids": [-3]},
        {"ids": [None]},
        {"ids": 5},
        {"ids": [10**30]},
    ],
)
def test_mark_read_bad_ids_is_400_with_field_errors(api, alice, payload):
    mine = NotificationFactory(recipient=alice)
    response = api.post(reverse("notifications_api:mark_read"), payload, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()
    mine.refresh_from_db()
    assert mine.read_at is None


def test_mark_read_too_many_ids_is_400(api):
    response = api.post(reverse("notifications_api:mark_read"), {"ids": list(range(1, 502))}, format="json")
    assert response.status_code == 400


def test_mark_read_with_another_users_id_is_404_and_marks_nothing(api, alice, bob):
    mine = NotificationFactory(recipient=alice)
    theirs = NotificationFactory(recipient=bob)
    response = api.post(reverse("notifications_api:mark_read"), {"ids": [mine.pk, theirs.pk]}, format="json")
    assert response.status_code == 404
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is None
    assert theirs.read_at is None


def test_mark_all_read_only_own(api, alice, bob):
    NotificationFactory.create_batch(2, recipient=alice)
    NotificationFactory(recipient=bob)
    assert api.post(reverse("notifications_api:mark_all_read")).json() == {"count": 2}
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_malformed_json_is_400(api):
    response = api.generic("POST", reverse("notifications_api:mark_read"), "{not json", content_type="application/json")
    assert response.status_code == 400
