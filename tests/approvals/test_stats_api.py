"""Statistics API: the page's figures as JSON, the same scope, bad periods refused with field errors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.approvals.test_stats_pages import PERIOD, world  # noqa: F401  (the shared fixture)

pytestmark = pytest.mark.django_db


def test_figures_match_the_hand_computed_rates(client, world):  # noqa: F811
    client.force_login(world["supervisor"])
    data = client.get(reverse("approvals_api:statistics"), PERIOD).json()
    rows = {row["label"]: row for row in data["rows"]}
    x = rows["市X局"]
    assert (x["received"], x["finished"], x["warned"]) == (10, 4, 3)
    assert (x["on_time_rate"], x["early_rate"], x["late_rate"]) == ("75.0", "25.0", "25.0")
    assert (x["warning_rate"], x["supplement_rate"], x["refusal_rate"]) == ("16.7", "20.0", "10.0")
    assert x["average_working_days"] == "4.5"
    assert rows["市Y局"]["on_time_rate"] is None
    assert data["total"]["received"] == 15  # the 99 received in December lie outside the period


def test_scope_follows_the_pages(client, world):  # noqa: F811
    url = reverse("approvals_api:statistics")
    assert client.get(url, PERIOD).status_code == 403  # anonymous
    for who, status in {"citizen": 403, "clerk": 403, "head_x": 200, "leader": 200}.items():
        client.force_login(world[who])
        assert client.get(url, PERIOD).status_code == status, who
    client.force_login(world["head_x"])
    labels = {row["label"] for row in client.get(url, PERIOD).json()["rows"]}
    assert "市X局" in labels and "市Y局" not in labels
    assert client.get(reverse("approvals_api:department_statistics", args=["sy"]), PERIOD).status_code == 404
    by_item = client.get(reverse("approvals_api:department_statistics", args=["sx"]), PERIOD).json()
    assert [row["label"] for row in by_item["rows"]] == ["X许可"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-03-01", "end": "2026-01-01"}, "end"),
        ({"start": "nonsense"}, "start"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "end"),
    ],
)
def test_bad_periods_are_400_with_field_errors(client, world, params, field):  # noqa: F811
    client.force_login(world["supervisor"])
    response = client.get(reverse("approvals_api:statistics"), params)
    assert response.status_code == 400
    assert field in response.json()
