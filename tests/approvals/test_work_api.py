"""The processing API: permission matrix, the lifecycle through the endpoints, 400 with field errors."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from approvals.models import Card, CaseEvent, CaseStatus, ExtensionRequest, ExtensionStatus
from approvals.services import processing
from efficiency_portal.org.models import Role
from tests.factories import (
    CitizenFactory,
    DepartmentFactory,
    ItemFactory,
    StaffFactory,
    UserFactory,
    make_accepted_case,
    make_head,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files go to a directory of this test, not the portal's private media."""
    from django.core.files.storage import storages

    private = settings.STORAGES["private"]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**private, "OPTIONS": {**private["OPTIONS"], "location": str(tmp_path)}},
    }
    storages._storages.pop("private", None)
    yield
    storages._storages.pop("private", None)


TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2025, 10, 9, 10, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def office():
    x = DepartmentFactory()
    item = ItemFactory(department=x)
    case = make_accepted_case(item, accepted_at=dt.datetime(2025, 9, 30, 9, tzinfo=TZ))
    leader = StaffFactory(roles=[Role.LEADER])
    x.leader_in_charge = leader
    x.save(update_fields=["leader_in_charge"])
    return {
        "case": case,
        "handler": case.handler,
        "clerk_x": StaffFactory(department=x, roles=[Role.CLERK]).user,
        "clerk_y": StaffFactory(roles=[Role.CLERK]).user,
        "head": make_head(x).user,
        "leader": leader.user,
        "supervisor": UserFactory(roles=[Role.SUPERVISOR]),
        "citizen": CitizenFactory(),
    }


def url(name: str, *args) -> str:
    return reverse(f"approvals_api:{name}", args=args)


@pytest.mark.parametrize(
    ("who", "read", "act"),
    [
        ("anonymous", 403, 403),
        ("citizen", 404, 404),
        ("clerk_y", 404, 404),
        ("leader", 200, 403),
        ("supervisor", 200, 403),
        ("head", 200, 200),
        ("clerk_x", 200, 200),
        ("handler", 200, 200),
    ],
)
def test_permission_matrix(api, office, who, read, act):
    case = office["case"]
    if who != "anonymous":
        api.force_authenticate(office[who])
    assert api.get(url("case-detail", case.pk)).status_code == read
    response = api.post(url("case-assign", case.pk), {"handler": case.handler.staff.pk}, format="json")
    assert response.status_code == act
    case.refresh_from_db()
    assert case.status == (CaseStatus.PROCESSING if act == 200 else CaseStatus.ACCEPTED)


def test_lifecycle_through_the_api(api, office):
    case = office["case"]
    api.force_authenticate(office["handler"])
    assert api.post(url("case-assign", case.pk), {"handler": case.handler.staff.pk}, format="json").status_code == 200
    response = api.post(
        url("case-pause", case.pk), {"procedure": "hearing", "reason": "组织听证", "expected_days": 2}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == CaseStatus.PAUSED
    assert response.json()["case_clock"]["status"] == "paused"
    assert api.post(url("case-resume", case.pk), {}, format="json").status_code == 200
    response = api.post(url("case-extension", case.pk), {"days": 2, "reason": "需要"}, format="json")
    assert response.status_code == 200
    ext = ExtensionRequest.objects.get(case=case)
    api.force_authenticate(office["leader"])
    assert [row["id"] for row in api.get(url("extension-list")).json()] == [ext.pk]
    response = api.post(url("extension-decide", ext.pk), {"approve": True}, format="json")
    assert response.status_code == 200 and response.json()["status"] == ExtensionStatus.APPROVED
    api.force_authenticate(office["handler"])
    assert api.post(url("case-complete-step", case.pk), {"opinion": "通过"}, format="json").status_code == 200
    assert api.post(url("case-decide", case.pk), {"approve": True}, format="json").status_code == 200
    pdf = SimpleUploadedFile("决定书.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    response = api.post(url("case-result", case.pk), {"licence_number": "JY9", "document": pdf}, format="multipart")
    assert response.status_code == 200, response.content
    response = api.post(url("case-deliver", case.pk), {"method": "邮寄", "fee_charged": "12.00"}, format="json")
    body = response.json()
    assert response.status_code == 200 and body["status"] == CaseStatus.DELIVERED
    assert body["case_clock"]["outcome"] in ("early", "on_time")
    assert [step["status"] for step in body["steps"]] == ["done"] * 4
    assert any(event["note"] for event in body["events"])
    assert Card.objects.filter(case=case, trigger="wrong_fee").exists()


@pytest.mark.parametrize(
    ("endpoint", "data", "field"),
    [
        ("case-pause", {"procedure": "nap", "reason": "x", "expected_days": 2}, "procedure"),
        ("case-pause", {"procedure": "hearing", "reason": "x", "expected_days": 0}, "expected_days"),
        ("case-extension", {"days": 30, "reason": "太多"}, "days"),
        ("case-extension", {"days": "x", "reason": "x"}, "days"),
        ("case-decide", {"approve": False, "reason": ""}, "reason"),
        ("case-decide", {}, "approve"),
        ("case-joint", {"co_departments": []}, "co_departments"),
        ("case-joint", {"co_departments": [{"department": 999999, "limit_days": 2}]}, "co_departments"),
        ("case-assign", {"handler": "abc"}, "handler"),
    ],
)
def test_bad_input_is_400_with_field_errors(api, office, endpoint, data, field):
    case = office["case"]
    processing.assign_case(case, case.handler, case.handler)
    before = CaseEvent.objects.filter(case=case).count()
    api.force_authenticate(office["handler"])
    response = api.post(url(endpoint, case.pk), data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert CaseEvent.objects.filter(case=case).count() == before


def test_wrong_state_is_400(api, office):
    case = office["case"]
    api.force_authenticate(office["handler"])
    response = api.post(url("case-deliver", case.pk), {"method": "邮寄", "fee_charged": "0"}, format="json")
    assert response.status_code == 400 and "status" in response.json()


def test_result_document_is_checked_by_content(api, office):
    case = office["case"]
    processing.assign_case(case, case.handler, case.handler)
    processing.complete_step(case, case.handler)
    processing.decide_case(case, case.handler, approve=True, reason="")
    api.force_authenticate(office["handler"])
    fake = SimpleUploadedFile("决定书.pdf", b"MZ\x90\x00 this is not a pdf" * 10)
    response = api.post(url("case-result", case.pk), {"document": fake}, format="multipart")
    assert response.status_code == 400 and "document" in response.json()
    case.refresh_from_db()
    assert not case.result_document


def test_only_the_leader_decides_extensions_by_api(api, office):
    case = office["case"]
    processing.assign_case(case, case.handler, case.handler)
    ext = processing.request_extension(case, case.handler, 2, "需要")
    for who in ("handler", "head", "supervisor", "clerk_y"):
        api.force_authenticate(office[who])
        assert api.post(url("extension-decide", ext.pk), {"approve": True}, format="json").status_code == 403
    api.force_authenticate(office["leader"])
    assert api.post(url("extension-decide", ext.pk), {"approve": False}, format="json").status_code == 400
    assert api.post(url("extension-decide", 999999), {"approve": True}, format="json").status_code == 404


def test_detail_queries_do_not_grow_with_events(api, office, django_assert_max_num_queries):
    case = office["case"]
    processing.assign_case(case, case.handler, case.handler)
    actors = [StaffFactory().user for _ in range(5)]
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, actor=actors[n % 5], action="note", at=NOW, note=f"n{n}") for n in range(50)
    )
    api.force_authenticate(office["supervisor"])
    with django_assert_max_num_queries(14):
        response = api.get(url("case-detail", case.pk))
    assert len(response.json()["events"]) == 51


def test_schema_builds(api, office):
    api.force_authenticate(office["supervisor"])
    response = api.get("/api/schema/")
    if response.status_code == 404:
        pytest.skip("no schema endpoint mounted")
    assert response.status_code == 200
    assert b"/api/approvals/cases/{id}/decide/" in response.content or b"cases/{pk}/decide" in response.content


def test_joint_approval_by_api_lists_the_parts(api, office):
    case = office["case"]
    processing.assign_case(case, case.handler, case.handler)
    other = DepartmentFactory()
    StaffFactory(department=other)
    api.force_authenticate(office["handler"])
    response = api.post(
        url("case-joint", case.pk), {"co_departments": [{"department": other.pk, "limit_days": 2}]}, format="json"
    )
    assert response.status_code == 200
    assert {part["department"] for part in response.json()["parts"]} == {case.department_id, other.pk}


def test_integrations_authenticate_with_a_token(office):
    from rest_framework.authtoken.models import Token

    case = office["case"]
    token = Token.objects.create(user=office["clerk_x"])
    client = APIClient()
    assert client.get(url("case-detail", case.pk)).status_code == 403
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get(url("case-detail", case.pk))
    assert response.status_code == 200 and response.json()["tracking_code"] == case.tracking_code
    client.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    assert client.get(url("case-detail", case.pk)).status_code in (401, 403)
