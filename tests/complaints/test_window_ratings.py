"""Rating a window visit: no login, limited per address like filing (page and API share the count), the staff of
the window offered as the handler, linked from the department's board and its disclosure page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.models import ServiceRating
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db


def visitor(address: str = "10.1.1.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.cookies["django_language"] = "en"
    return client


def test_the_page_offers_the_staff_of_the_window_and_records_the_handler():
    window = DepartmentFactory(name="社保窗口")
    clerk = StaffFactory(department=window, name="孙办事员", roles=[Role.CLERK])
    StaffFactory(department=window, name="离职人员", is_active=False)
    elsewhere = StaffFactory(name="别处的人")
    client = visitor()
    url = reverse("complaints:rate_window") + f"?department={window.pk}"
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "孙办事员" in body and "离职人员" not in body and "别处的人" not in body
    assert 'name="handler"' in body
    response = client.post(url, {"department": window.pk, "handler": clerk.pk, "level": "5", "tags": ["态度好"]})
    assert response.status_code == 302 and response.url.endswith(f"?department={window.pk}")
    rating = ServiceRating.objects.get()
    assert rating.handler == clerk and rating.department == window and rating.rater is None
    # Someone of another window cannot be named.
    refused = client.post(url, {"department": window.pk, "handler": elsewhere.pk, "level": "5"})
    assert refused.status_code == 200 and ServiceRating.objects.count() == 1


def test_the_handler_is_optional_and_the_page_works_without_a_window_chosen():
    window = DepartmentFactory()
    client = visitor()
    page = client.get(reverse("complaints:rate_window")).content.decode()
    assert 'name="department"' in page and 'name="handler"' not in page
    response = client.post(reverse("complaints:rate_window"), {"department": window.pk, "level": "4"})
    assert response.status_code == 302 and ServiceRating.objects.get().handler is None


def test_ratings_are_limited_per_address_on_the_page_and_the_api_together(settings):
    settings.RATINGS_WINDOW_LIMIT = 3
    window = DepartmentFactory()
    page = visitor()
    api = APIClient(REMOTE_ADDR="10.1.1.1")
    api.cookies["django_language"] = "en"
    assert page.post(reverse("complaints:rate_window"), {"department": window.pk, "level": "5"}).status_code == 302
    assert api.post("/api/complaints/window-ratings/", {"department": window.pk, "level": 5}).status_code == 201
    assert page.post(reverse("complaints:rate_window"), {"department": window.pk, "level": "1"}).status_code == 302
    blocked = page.post(reverse("complaints:rate_window"), {"department": window.pk, "level": "1"})
    assert blocked.status_code == 429 and 'id="rating-limited"' in blocked.content.decode()
    assert api.post("/api/complaints/window-ratings/", {"department": window.pk, "level": 1}).status_code == 429
    assert ServiceRating.objects.count() == 3
    # Another address may still rate; a refused rating did not count.
    assert (
        visitor("10.1.1.2").post(reverse("complaints:rate_window"), {"department": window.pk, "level": "5"}).status_code
        == 302
    )


def test_invalid_ratings_do_not_count_towards_the_limit(settings):
    settings.RATINGS_WINDOW_LIMIT = 1
    window = DepartmentFactory()
    client = visitor()
    assert client.post(reverse("complaints:rate_window"), {"department": window.pk, "level": "9"}).status_code == 200
    assert client.post(reverse("complaints:rate_window"), {"department": window.pk, "level": "3"}).status_code == 302


def test_board_and_disclosure_pages_link_to_the_rating_of_their_window(client):
    window = DepartmentFactory(name="不动产窗口", code="bdc-window")
    link = reverse("complaints:rate_window") + f"?department={window.pk}"
    board = client.get(reverse("org:department_board", args=[window.code])).content.decode()
    assert f'href="{link}"' in board
    disclosure = client.get(reverse("dashboards:disclosure_department", args=[window.code]))
    assert disclosure.status_code == 200 and f'href="{link}"' in disclosure.content.decode()
