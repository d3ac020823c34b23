"""The bell, the list page, marking read and opening a notification: each user sees only their own."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from efficiency_portal.notifications.context_processors import unread
from efficiency_portal.notifications.models import Notification
from efficiency_portal.org.models import Role
from tests.factories import NotificationFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def citizen():
    return UserFactory()


def clerk():
    return StaffFactory(roles=[Role.CLERK]).user


def department_head():
    return StaffFactory(roles=[Role.DEPARTMENT_HEAD]).user


def supervisor():
    return StaffFactory(roles=[Role.SUPERVISOR]).user


def administrator():
    return UserFactory(is_superuser=True, is_staff=True, roles=[Role.ADMINISTRATOR])


VIEWERS = [citizen, clerk, department_head, supervisor, administrator]


# --- The bell -------------------------------------------------------------------------------------------------


def test_bell_count_is_the_users_own_unread_count(client):
    alice, bob = UserFactory.create_batch(2)
    NotificationFactory.create_batch(2, recipient=alice)
    NotificationFactory(recipient=alice, read_at="2026-03-01T10:00:00+08:00")
    NotificationFactory.create_batch(5, recipient=bob)

    client.force_login(alice)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="bell-count">2<' in html
    assert "notifications/bell." in html
    assert reverse("notifications_api:unread_count") in html


def test_bell_badge_is_hidden_at_zero_and_absent_for_anonymous(client):
    user = UserFactory()
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert 'class="badge rounded-pill bg-danger d-none"' in html
    client.logout()
    html = client.get(reverse("home")).content.decode()
    assert 'id="bell"' not in html
    assert "notifications/bell." not in html


def test_context_processor_costs_one_query_and_is_none_for_anonymous(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    user = UserFactory()
    NotificationFactory.create_batch(3, recipient=user)
    request = RequestFactory().get("/")
    request.user = user
    with django_assert_num_queries(1):
        assert unread(request) == {"unread_notifications": 3}
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread(request) == {"unread_notifications": None}


# --- The list page --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        lambda: reverse("notifications:list"),
        lambda: reverse("notifications:open", args=[NotificationFactory().pk]),
    ],
)
def test_anonymous_is_sent_to_login(client, url):
    target = url()
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("make_viewer", VIEWERS)
def test_every_role_sees_only_its_own_notifications(client, make_viewer):
    viewer = make_viewer()
    other = UserFactory()
    NotificationFactory(recipient=viewer, title="给我的通知")
    NotificationFactory(recipient=other, title="别人的通知")
    client.force_login(viewer)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "给我的通知" in html
    assert "别人的通知" not in html


def test_list_is_newest_first_with_unread_highlighted(client):
    user = UserFactory()
    older = NotificationFactory(recipient=user, title="较早", read_at="2026-03-01T10:00:00+08:00")
    newer = NotificationFactory(recipient=user, title="较新")
    client.force_login(user)
    html = client.get(reverse("notifications:list")).content.decode()
    assert html.index("较新") < html.index("较早")
    assert f'notification notification-unread"\n          data-testid="notification" data-id="{newer.pk}"' in html
    assert f'notification"\n          data-testid="notification" data-id="{older.pk}"' in html


def test_keyset_pagination_walks_all_notifications(client):
    user = UserFactory()
    created = NotificationFactory.create_batch(45, recipient=user)
    client.force_login(user)
    seen: list[int] = []
    url = reverse("notifications:list")
    for _page in range(5):
        response = client.get(url)
        seen += [n.pk for n in response.context["notifications"]]
        if response.context["next_before"] is None:
            break
        url = f"{reverse('notifications:list')}?before={response.context['next_before']}"
    assert seen == sorted((n.pk for n in created), reverse=True)


@pytest.mark.parametrize("before", ["abc", "-1", "1.5", "1;DROP"])
def test_bad_page_cursor_is_400(client, before):
    client.force_login(UserFactory())
    assert client.get(reverse("notifications:list"), {"before": before}).status_code == 400


def test_list_query_count_does_not_grow_with_rows(client):
    user = UserFactory()
    client.force_login(user)

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("notifications:list")).status_code == 200
        return len(queries)

    NotificationFactory.create_batch(2, recipient=user)
    few = queries_for_list()
    NotificationFactory.create_batch(30, recipient=user, read_at="2026-03-01T10:00:00+08:00")
    assert queries_for_list() == few


# --- Marking read ---------------------------------------------------------------------------------------------


def test_mark_one_read(client):
    user = UserFactory()
    mine = NotificationFactory(recipient=user)
    client.force_login(user)
    response = client.post(reverse("notifications:mark_read", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


@pytest.mark.parametrize("make_viewer", VIEWERS)
def test_nobody_marks_or_opens_another_users_notification(client, make_viewer):
    viewer = make_viewer()
    theirs = NotificationFactory(recipient=UserFactory(), link="/")
    client.force_login(viewer)
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_needs_post(client):
    user = UserFactory()
    mine = NotificationFactory(recipient=user)
    client.force_login(user)
    assert client.get(reverse("notifications:mark_read", args=[mine.pk])).status_code == 405
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


def test_mark_all_read_touches_only_own(client):
    alice, bob = UserFactory.create_batch(2)
    NotificationFactory.create_batch(3, recipient=alice)
    NotificationFactory.create_batch(2, recipient=bob)
    client.force_login(alice)
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert response.status_code == 200
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).count() == 2


# --- Opening --------------------------------------------------------------------------------------------------


def test_open_marks_read_and_redirects_to_a_local_link(client):
    user = UserFactory()
    mine = NotificationFactory(recipient=user, link="/supervision/warnings/?deadline=3")
    client.force_login(user)
    response = client.get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/supervision/warnings/?deadline=3"
    mine.refresh_from_db()
    assert mine.read_at is not None


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example/phish",
        "",
    ],
)
def test_open_refuses_links_leaving_the_portal(client, link):
    user = UserFactory()
    mine = NotificationFactory(recipient=user, link=link)
    client.force_login(user)
    response = client.get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")
    mine.refresh_from_db()
    assert mine.read_at is not None
