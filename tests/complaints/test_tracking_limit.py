"""One limit on failed tracking look-ups per address, shared by the tracking page, the API (track, rate, reopen)
and Open311's ``?secret=``: failures anywhere count everywhere, and a blocked address cannot move on."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.services import tracking

from .factories import file

pytestmark = pytest.mark.django_db
LIMIT = 4
OPEN311 = "/api/complaints/open311/v2/requests"


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.COMPLAINTS_TRACK_FAILURE_LIMIT = LIMIT


def page_client(address: str = "10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.cookies["django_language"] = "en"
    return client


def api_client(address: str = "10.0.0.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.cookies["django_language"] = "en"
    return client


def fail_on_page(client, code):
    return client.post(reverse("complaints:track"), {"code": code, "secret": "WRONGWRONG"})


def fail_on_api(client, code):
    return client.post("/api/complaints/track/", {"code": code, "secret": "WRONGWRONG"})


def fail_on_open311(client, code):
    return client.get(f"{OPEN311}/{code}.json", {"secret": "WRONGWRONG"})


def fail_on_rate(client, code):
    return client.post("/api/complaints/track/rate/", {"code": code, "secret": "WRONGWRONG", "level": 5})


def fail_on_reopen(client, code):
    return client.post("/api/complaints/track/reopen/", {"code": code, "secret": "WRONGWRONG", "reason": "x"})


def succeed_on_page(client, code, secret):
    return client.post(reverse("complaints:track"), {"code": code, "secret": secret})


def succeed_on_api(client, code, secret):
    return client.post("/api/complaints/track/", {"code": code, "secret": secret})


def succeed_on_open311(client, code, secret):
    return client.get(f"{OPEN311}/{code}.json", {"secret": secret})


ENTRY_POINTS = {
    "page": (page_client, fail_on_page, succeed_on_page, 200, 302),
    "api": (api_client, fail_on_api, succeed_on_api, 404, 200),
    "open311": (api_client, fail_on_open311, succeed_on_open311, 403, 200),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_each_entry_point_counts_failures_and_stops_at_the_limit(entry):
    make_client, fail, succeed, failed_status, ok_status = ENTRY_POINTS[entry]
    complaint, secret = file()
    client = make_client()
    for attempt in range(LIMIT - 1):
        assert fail(client, complaint.tracking_code).status_code == failed_status, attempt
        assert tracking.failures("10.0.0.1") == attempt + 1
    # The failure that reaches the limit: the page says so at once, the API from the next request on.
    assert fail(client, complaint.tracking_code).status_code == (429 if entry == "page" else failed_status)
    assert fail(client, complaint.tracking_code).status_code == 429
    assert tracking.failures("10.0.0.1") == LIMIT
    # Blocked: even the right secret is not checked any more, from this address.
    assert succeed(client, complaint.tracking_code, secret).status_code == 429
    # Another address is not affected.
    assert succeed(make_client("10.0.0.2"), complaint.tracking_code, secret).status_code == ok_status


@pytest.mark.parametrize("first", sorted(ENTRY_POINTS))
def test_failures_on_one_entry_point_block_the_others(first):
    complaint, secret = file()
    make_client, fail, *_ = ENTRY_POINTS[first]
    client = make_client()
    for _ in range(LIMIT):
        fail(client, complaint.tracking_code)
    for name, (other_client, _fail, succeed, *_rest) in ENTRY_POINTS.items():
        assert succeed(other_client(), complaint.tracking_code, secret).status_code == 429, name
    api = api_client()
    assert fail_on_rate(api, complaint.tracking_code).status_code == 429
    assert fail_on_reopen(api, complaint.tracking_code).status_code == 429


def test_unknown_numbers_count_too_and_rate_and_reopen_count():
    complaint, _secret = file()
    api = api_client()
    assert fail_on_api(api, "TSNOTANUMBER").status_code == 404
    assert fail_on_rate(api, complaint.tracking_code).status_code == 404
    assert fail_on_reopen(api, complaint.tracking_code).status_code == 404
    assert fail_on_open311(api, "TSNOTANUMBER").status_code == 403
    assert tracking.failures("10.0.0.1") == LIMIT
    assert fail_on_api(api, complaint.tracking_code).status_code == 429


def test_reading_without_a_secret_is_not_a_failure():
    complaint, _ = file()
    api = api_client()
    for _ in range(LIMIT + 2):
        assert api.get(f"{OPEN311}/{complaint.tracking_code}.json").status_code == 200
    assert tracking.failures("10.0.0.1") == 0


def test_the_page_opened_again_while_blocked_says_why():
    complaint, _secret = file()
    client = page_client()
    for _ in range(LIMIT):
        fail_on_page(client, complaint.tracking_code)
    response = client.get(reverse("complaints:track"))
    assert response.status_code == 429
    assert "Too many failed look-ups" in response.content.decode()
