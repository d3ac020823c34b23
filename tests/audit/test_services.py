from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory

from efficiency_portal.audit.middleware import RequestContextMiddleware
from efficiency_portal.audit.models import AuditEvent, Result
from efficiency_portal.audit.services import record
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_record_outside_a_request_has_no_address():
    user = UserFactory(username="wangwu", display_name="王五")
    department = DepartmentFactory(name="市市场监督管理局")
    event = record(user, "org.department_update", target=department, detail={"field": "name"})
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor == user
    assert event.actor_label == "王五 (wangwu)"
    assert event.target_type == ContentType.objects.get_for_model(department)
    assert event.target_id == str(department.pk)
    assert event.target_repr == "市市场监督管理局"
    assert event.result == Result.SUCCESS
    assert event.detail == {"field": "name"}
    assert event.ip_address is None and event.user_agent == ""


def test_record_takes_address_and_agent_from_the_current_request():
    captured = {}

    def view(request):
        captured["event"] = record(None, "test.anonymous", result=Result.DENIED)
        return None

    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 400)
    RequestContextMiddleware(view)(request)
    event = AuditEvent.objects.get(pk=captured["event"].pk)
    assert event.ip_address == "203.0.113.9"
    assert event.user_agent.startswith("Mozilla/5.0") and len(event.user_agent) == 300
    assert event.actor is None and event.actor_label == ""
    assert event.result == Result.DENIED


def test_record_refuses_an_unknown_result():
    with pytest.raises(ValueError):
        record(None, "test.x", result="maybe")
    assert not AuditEvent.objects.exists()


def test_detail_may_hold_dates_and_decimals():
    import datetime as dt
    from decimal import Decimal

    event = record(None, "test.x", detail={"day": dt.date(2026, 10, 8), "points": Decimal("1.5")})
    assert AuditEvent.objects.get(pk=event.pk).detail == {"day": "2026-10-08", "points": "1.5"}
