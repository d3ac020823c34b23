"""Credit API: scoped lists, actions with field errors, scores."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from credit import services
from credit.models import EntryStatus, Source
from tests.credit.conftest import NOW

pytestmark = pytest.mark.django_db


def api(world, who: str) -> APIClient:
    client = APIClient()
    if world.users[who] is not None:
        client.force_authenticate(world.users[who])
    return client


@pytest.mark.parametrize(
    ("who", "entries", "scores"),
    [
        ("anonymous", 403, 403),
        ("citizen", 0, 403),
        ("clerk_x", 1, 403),
        ("clerk_x2", 0, 403),
        ("clerk_y", 0, 403),
        ("head_x", 1, 200),
        ("leader", 1, 200),
        ("supervisor", 1, 200),
        ("admin", 1, 200),
    ],
)
def test_api_scope_matrix(world, who, entries, scores):
    client = api(world, who)
    response = client.get("/api/credit/entries/")
    if entries == 403:
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 200 and len(response.json()["results"]) == entries
    score = client.get("/api/credit/scores/")
    assert score.status_code == (scores if who != "anonymous" else score.status_code)
    if scores == 200:
        names = {row["name"]: row for row in score.json()}
        assert names[world.clerk_x.name]["points"] == 990


def test_api_filters_and_bad_parameters(world):
    client = api(world, "supervisor")
    assert client.get("/api/credit/entries/?status=pending").json()["results"] == []
    assert len(client.get("/api/credit/entries/?status=confirmed&subject=staff").json()["results"]) == 1
    bad = client.get("/api/credit/scores/?kind=people&grade=Z&on=yesterday")
    assert bad.status_code == 400 and {"kind", "grade"} <= set(bad.json())
    assert client.get("/api/credit/scores/?on=yesterday").status_code == 400
    grade_a = client.get(f"/api/credit/scores/?grade=A&department={world.x.pk}").json()
    assert world.clerk_x.name in {row["name"] for row in grade_a}
    assert len(client.get("/api/credit/rules/").json()) >= 18
    mine = api(world, "clerk_x").get("/api/credit/scores/mine/").json()
    assert (mine["points"], mine["grade"]) == (990, "A")


def test_api_confirm_dismiss_object_decide(world):
    supervisor = api(world, "supervisor")
    with time_machine.travel(NOW, tick=False):
        pending = services.propose_entry(
            rule_code="red_card_case", fact_date=dt.date(2026, 5, 3), source=Source.RED_CARD, staff=world.clerk_x
        )
        assert api(world, "clerk_x").post(f"/api/credit/entries/{pending.pk}/confirm/").status_code == 403
        assert supervisor.post(f"/api/credit/entries/{pending.pk}/dismiss/", {}).status_code == 400
        assert supervisor.post(f"/api/credit/entries/{pending.pk}/confirm/").json()["status"] == "confirmed"
        again = supervisor.post(f"/api/credit/entries/{pending.pk}/confirm/")
        assert again.status_code == 400 and "status" in again.json()
        assert (
            api(world, "clerk_x2").post(f"/api/credit/entries/{world.entry.pk}/object/", {"reasons": "x"}).status_code
            == 404
        )
        assert (
            api(world, "head_x").post(f"/api/credit/entries/{world.entry.pk}/object/", {"reasons": "x"}).status_code
            == 403
        )
        filed = api(world, "clerk_x").post(f"/api/credit/entries/{world.entry.pk}/object/", {"reasons": "非本人"})
        assert filed.status_code == 201
        objection_id = filed.json()["id"]
        assert api(world, "clerk_x").get("/api/credit/objections/").json()["results"][0]["id"] == objection_id
        bad = supervisor.post(f"/api/credit/objections/{objection_id}/decide/", {"outcome": "maybe"})
        assert bad.status_code == 400 and {"outcome", "reason"} <= set(bad.json())
        assert supervisor.post(f"/api/credit/objections/{objection_id}/accept/").json()["status"] == "accepted"
        decided = supervisor.post(
            f"/api/credit/objections/{objection_id}/decide/", {"outcome": "upheld", "reason": "证据充分"}
        )
        assert decided.json()["outcome"] == "upheld"
    world.entry.refresh_from_db()
    assert world.entry.status == EntryStatus.CONFIRMED
