"""Pages and API: the permission matrix, acknowledgement, constant query counts, bad input."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from efficiency_portal.supervision.models import Deadline, Warning, WarningLevel, WarningRecipient
from efficiency_portal.supervision.services import pause_deadline, sweep_deadlines
from tests.factories import make_deadline

from .conftest import MATRIX, at

pytestmark = pytest.mark.django_db

API_LIST = "/api/supervision/deadlines/"


@pytest.fixture
def red(world) -> Warning:
    """A red warning on a deadline of the clerk of department X (told: clerk, head of X, leader in charge)."""
    deadline = make_deadline(
        responsible=world.clerk_x.user, title="企业设立登记", started_at=at(2025, 9, 26, 10), limit_days=5
    )
    with time_machine.travel(at(2025, 10, 13, 9), tick=False):
        sweep_deadlines()
    return Warning.objects.get(deadline=deadline, level=WarningLevel.RED)


DETAIL = {
    "anonymous": 302,
    "citizen": 403,
    "clerk_x": 200,
    "clerk_y": 403,
    "head_x": 200,
    "head_y": 403,
    "leader": 200,
    "supervisor": 200,
    "admin": 200,
}


@pytest.mark.parametrize("who", MATRIX)
def test_deadline_detail_matrix(world, red, login, who):
    response = login(world.user(who)).get(reverse("supervision:deadline_detail", args=[red.deadline_id]))
    assert response.status_code == DETAIL[who]
    if response.status_code == 200:
        text = response.content.decode()
        assert "企业设立登记" in text
        assert "Public holidays skipped" in text or "节假日" in text


@pytest.mark.parametrize("who", MATRIX)
def test_warning_detail_matrix_and_acknowledgement(world, red, login, who):
    response = login(world.user(who)).get(reverse("supervision:warning_detail", args=[red.pk]))
    assert response.status_code == DETAIL[who]
    red.refresh_from_db()
    told = who in {"clerk_x", "head_x", "leader"}
    assert (red.acknowledged_by_id is not None) == told
    if told:
        assert red.acknowledged_by_id == world.user(who).pk
        assert WarningRecipient.objects.get(warning=red, user=world.user(who)).acknowledged_at is not None


LIST = {
    "anonymous": 302,
    "citizen": 403,
    "clerk_x": 403,
    "clerk_y": 403,
    "head_x": 200,
    "head_y": 200,
    "leader": 200,
    "supervisor": 200,
    "admin": 200,
}


@pytest.mark.parametrize("who", MATRIX)
def test_deadline_list_matrix_and_scope(world, red, login, who):
    response = login(world.user(who)).get(reverse("supervision:deadline_list"))
    assert response.status_code == LIST[who]
    if response.status_code == 200:
        assert ("企业设立登记" in response.content.decode()) == (who != "head_y")


MY_WARNINGS = {
    "anonymous": 302,
    "citizen": 403,
    "clerk_x": 200,
    "clerk_y": 200,
    "head_x": 200,
    "head_y": 200,
    "leader": 200,
    "supervisor": 200,
    "admin": 403,  # a superuser without a staff record has no warnings of their own
}


@pytest.mark.parametrize("who", MATRIX)
def test_my_warnings_matrix(world, red, login, who):
    response = login(world.user(who)).get(reverse("supervision:my_warnings"))
    assert response.status_code == MY_WARNINGS[who]
    if response.status_code == 200:
        assert ("企业设立登记" in response.content.decode()) == (who in {"clerk_x", "head_x", "leader"})


API_VISIBLE = {"clerk_x", "head_x", "leader", "supervisor", "admin"}


@pytest.mark.parametrize("who", MATRIX)
def test_api_scoping(world, red, login, who):
    client = login(world.user(who))
    listing = client.get(API_LIST)
    detail = client.get(f"{API_LIST}{red.deadline_id}/")
    warnings = client.get("/api/supervision/warnings/")
    if who == "anonymous":
        assert (listing.status_code, detail.status_code, warnings.status_code) == (403, 403, 403)
        return
    assert listing.status_code == 200
    ids = [row["id"] for row in listing.json()["results"]]
    assert ids == ([red.deadline_id] if who in API_VISIBLE else [])
    assert detail.status_code == (200 if who in API_VISIBLE else 404)
    if detail.status_code == 200:
        body = detail.json()
        assert body["light"] == "red" and body["due_at"].startswith("2025-10-10T17:30")
        assert any("17:30" in line for line in body["explain"])
    warning_ids = [row["id"] for row in warnings.json()["results"]]
    assert warning_ids == ([red.pk] if who in API_VISIBLE else [])


def test_api_warning_shows_who_was_told(world, red, login):
    body = login(world.user("supervisor")).get(f"/api/supervision/warnings/{red.pk}/").json()
    assert {row["user"] for row in body["recipients"]} == {
        world.clerk_x.user.pk,
        world.head_x.user.pk,
        world.leader.user.pk,
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("light=purple", "light"),
        ("department=abc", "department"),
        ("status=gone", "status"),
        ("kind=" + "x" * 40, "kind"),
    ],
)
def test_bad_filters(world, red, login, query, field):
    client = login(world.user("supervisor"))
    api = client.get(f"{API_LIST}?{query}")
    assert api.status_code == 400
    assert field in api.json()
    page = client.get(f"{reverse('supervision:deadline_list')}?{query}")
    assert page.status_code == 400
    assert "invalid-feedback" in page.content.decode()


def test_bad_cursor(world, red, login):
    client = login(world.user("supervisor"))
    response = client.get(f"{reverse('supervision:deadline_list')}?cursor=not-a-cursor")
    assert response.status_code == 400
    assert client.get(f"{API_LIST}?cursor=not-a-cursor").status_code == 404


def test_filters_and_keyset_pages(world, red, login, settings):
    for number in range(55):
        make_deadline(responsible=world.clerk_y.user, started_at=at(2025, 11, 3, 9), limit_days=5 + number % 3)
    client = login(world.user("supervisor"))
    first = client.get(reverse("supervision:deadline_list"), {"department": world.y.pk})
    assert first.status_code == 200
    page = first.context["page"]
    assert len(page.items) == 50 and page.next_cursor
    second = client.get(reverse("supervision:deadline_list"), {"department": world.y.pk, "cursor": page.next_cursor})
    rest = second.context["page"]
    assert len(rest.items) == 5 and rest.next_cursor is None
    seen = [d.pk for d in page.items] + [d.pk for d in rest.items]
    assert sorted(seen) == sorted(Deadline.objects.filter(department=world.y).values_list("pk", flat=True))
    dues = [d.due_at for d in page.items + rest.items]
    assert dues == sorted(dues)
    reds = client.get(reverse("supervision:deadline_list"), {"light": "red"}).context["page"].items
    assert [d.pk for d in reds] == [red.deadline_id]
    api = client.get(API_LIST, {"light": "red"}).json()
    assert [row["id"] for row in api["results"]] == [red.deadline_id]


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [reverse("supervision:deadline_list"), API_LIST, reverse("supervision:my_warnings")])
def test_query_count_does_not_grow_with_rows(world, login, url):
    def add(n: int) -> None:
        for number in range(n):
            deadline = make_deadline(responsible=world.clerk_x.user, started_at=at(2025, 9, 26, 10))
            if number % 2:
                # Pauses too, so the explanations in the API have something to read.
                pause_deadline(deadline, "听证", None, at=at(2025, 9, 29, 9))
        with time_machine.travel(at(2025, 10, 13, 9), tick=False):
            sweep_deadlines()

    client = login(world.user("head_x") if "warnings" in url else world.user("supervisor"))
    add(2)
    few = count_queries(client, url)
    add(20)
    many = count_queries(client, url)
    assert many == few
