"""Object ids in API URLs are numbers: any other text is a 404 from the router, never a server error in a view."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from efficiency_portal.org.models import Role
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/complaints/ratings/{id}/appeal/",
        "/api/complaints/complaints/{id}/accept/",
        "/api/credit/entries/{id}/",
        "/api/assessment/periods/{id}/run/",
        "/api/org/posts/{id}/",
        "/api/supervision/deadlines/{id}/",
        "/api/approvals/cards/{id}/",
    ],
)
@pytest.mark.parametrize("bad_id", ["abc", "1x", "%F1%A4%A1%97%23", "1234567890123456789012"])
def test_a_detail_route_with_text_or_an_endless_number_is_404(path, bad_id):
    client = APIClient()
    client.force_authenticate(StaffFactory(roles=[Role.SUPERVISOR]).user)
    method = client.get if path.endswith("}/") else client.post
    response = method(path.format(id=bad_id))
    assert response.status_code == 404


def test_a_numeric_id_still_reaches_the_view():
    client = APIClient()
    client.force_authenticate(StaffFactory(roles=[Role.SUPERVISOR]).user)
    assert client.get("/api/credit/entries/999999/").status_code == 404
    assert client.get("/api/credit/entries/").status_code == 200
