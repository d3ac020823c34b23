"""Who may act, page and API alike: confirm, dismiss, accept, decide, object and record, for every role (including a
head and a leader of another department). A refused action writes nothing; an allowed one does what it says."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from credit import services
from credit.models import CreditEntry, CreditObjection, CreditRule, EntryStatus, ObjectionStatus, Source
from tests.credit.conftest import NOW, World

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "citizen",
    "clerk_x",
    "clerk_x2",
    "clerk_y",
    "head_x",
    "leader",
    "head_y",
    "leader_y",
    "supervisor",
    "admin",
]
SUPERVISORS = {"supervisor", "admin"}
# Those who see the clerk's entry but do not answer for it: told "forbidden"; to anyone else it does not exist.
SEE_THE_ENTRY = {"head_x", "leader", "supervisor", "admin"}


def _supervisors_only(done: int, api: bool) -> dict[str, int]:
    """Supervisors and administrators do it; the anonymous are sent to log in (pages); everyone else is refused."""
    anonymous = 403 if api else 302
    return {who: done if who in SUPERVISORS else (anonymous if who == "anonymous" else 403) for who in ROLES}


def _subject_only(done: int, api: bool) -> dict[str, int]:
    codes = {}
    for who in ROLES:
        if who == "clerk_x":
            codes[who] = done
        elif who == "anonymous":
            codes[who] = 403 if api else 302
        else:
            codes[who] = 403 if who in SEE_THE_ENTRY else 404
    return codes


def _pending(world: World) -> CreditEntry:
    with time_machine.travel(NOW, tick=False):
        return services.propose_entry(
            rule_code="red_card_case", fact_date=dt.date(2026, 5, 3), source=Source.RED_CARD, staff=world.clerk_x
        )


def _objection(world: World) -> CreditObjection:
    with time_machine.travel(NOW, tick=False):
        return services.file_objection(world.entry, world.users["clerk_x"], "不属实")


def _setup(world: World, action: str):
    """The thing acted on, the page URL, the API URL, the data, and a check that it was done."""
    if action in ("confirm", "dismiss"):
        entry = _pending(world)
        data = {"reason": "评价人撤回"} if action == "dismiss" else {}
        to = EntryStatus.CONFIRMED if action == "confirm" else EntryStatus.DISMISSED
        return (
            reverse(f"credit:entry_{action}", args=[entry.pk]),
            f"/api/credit/entries/{entry.pk}/{action}/",
            data,
            lambda: CreditEntry.objects.get(pk=entry.pk).status == to,
        )
    if action in ("accept", "decide"):
        objection = _objection(world)
        data = {"outcome": "upheld", "reason": "证据充分"} if action == "decide" else {}
        to = ObjectionStatus.ACCEPTED if action == "accept" else ObjectionStatus.DECIDED
        return (
            reverse(f"credit:objection_{action}", args=[objection.pk]),
            f"/api/credit/objections/{objection.pk}/{action}/",
            data,
            lambda: CreditObjection.objects.get(pk=objection.pk).status == to,
        )
    if action == "object":
        return (
            reverse("credit:entry_object", args=[world.entry.pk]),
            f"/api/credit/entries/{world.entry.pk}/object/",
            {"reasons": "当日系统故障"},
            lambda: CreditObjection.objects.filter(entry=world.entry).exists(),
        )
    staff = world.clerk_x
    rule = CreditRule.objects.get(code="talk_reminder")
    before = CreditEntry.objects.count()
    return (
        reverse("credit:entry_create"),
        "/api/credit/entries/",
        {"staff": staff.pk, "fact_date": "2026-05-02", "source": "manual", "detail": "暗访发现脱岗", "rule": rule.pk},
        lambda: CreditEntry.objects.count() == before + 1,
    )


PAGE_EXPECTED = {
    "confirm": _supervisors_only(302, api=False),
    "dismiss": _supervisors_only(302, api=False),
    "accept": _supervisors_only(302, api=False),
    "decide": _supervisors_only(302, api=False),
    "object": _subject_only(302, api=False),
    "create": _supervisors_only(302, api=False),
}
API_EXPECTED = {
    "confirm": _supervisors_only(200, api=True),
    "dismiss": _supervisors_only(200, api=True),
    "accept": _supervisors_only(200, api=True),
    "decide": _supervisors_only(200, api=True),
    "object": _subject_only(201, api=True),
    "create": _supervisors_only(201, api=True),
}
CASES = [(action, who) for action in PAGE_EXPECTED for who in ROLES]


@pytest.mark.parametrize(("action", "who"), CASES)
def test_page_action_matrix(world, action, who):
    page_url, _api_url, data, done = _setup(world, action)
    with time_machine.travel(NOW, tick=False):
        response = world.client(who).post(page_url, data)
    expected = PAGE_EXPECTED[action][who]
    assert response.status_code == expected, response.content.decode()[:500]
    if expected == 302 and who == "anonymous":
        assert "login" in response["Location"]
    assert done() is (expected == 302 and who != "anonymous")


@pytest.mark.parametrize(("action", "who"), CASES)
def test_api_action_matrix(world, action, who):
    _page_url, api_url, data, done = _setup(world, action)
    if action == "create":
        data = {**data, "rule_code": "talk_reminder"}
        del data["rule"]
    client = APIClient()
    if world.users[who] is not None:
        client.force_authenticate(world.users[who])
    with time_machine.travel(NOW, tick=False):
        response = client.post(api_url, data)
    expected = API_EXPECTED[action][who]
    if who == "anonymous":
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == expected, response.content.decode()[:500]
    assert done() is (expected in (200, 201) and who != "anonymous")
