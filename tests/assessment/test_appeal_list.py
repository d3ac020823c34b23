"""The supervisors' list of appeals awaiting a decision: exactly what the command centre counts (open, and due by
the end of today), with the decision clock, an Excel export, linked from the period list."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessment import selectors
from assessment.models import IndicatorKind, Result
from assessment.services import publishing, runs
from efficiency_portal.org.models import Role
from efficiency_portal.supervision.models import Deadline
from tests.factories import DepartmentFactory, StaffFactory, UserFactory, seed_calendar

from .factories import local, make_period, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with time_machine.travel(local(2026, 4, 10, 9), tick=True):
        yield _world()


def _world():
    seed_calendar(2026)
    dept = DepartmentFactory(name="X科")
    people = [StaffFactory(department=dept, name=f"申诉人{n}") for n in range(4)]
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    scheme = make_scheme(indicators=[("按时", IndicatorKind.COMPUTED, "on_time_rate", 100)])
    period = make_period(scheme)
    runs.run_period(period)
    publishing.publish_period(period, actor=supervisor)
    appeals = [
        publishing.file_appeal(
            Result.objects.get(period=period, subject_id=person.pk), user=person.user, reason="请复核我的考核结果。"
        )
        for person in people[:3]
    ]
    # One is decided (not listed); one is overdue (its clock due yesterday).
    publishing.decide_appeal(appeals[2], actor=supervisor, upheld=False, decision="维持原结果不变。")
    yesterday = timezone.now() - dt.timedelta(days=1)
    Deadline.objects.filter(kind="assessment_appeal", object_id=appeals[1].pk).update(
        due_at=yesterday, yellow_from=yesterday - dt.timedelta(days=1), light="red"
    )
    return {"people": people, "supervisor": supervisor, "period": period, "appeals": appeals}


def test_the_list_shows_exactly_what_the_dashboard_counts(client, world):
    client.force_login(world["supervisor"])
    counts = selectors.dashboard_counts(timezone.localdate())
    assert counts == {"appeals_open": 2, "appeals_due": 1}
    url = reverse("assessment:appeal_list")
    for state, expected in (("open", world["appeals"][:2]), ("due", world["appeals"][1:2])):
        response = client.get(url, {"state": state})
        listed = list(response.context["page"])
        assert len(listed) == counts[f"appeals_{state}"]
        assert [appeal.pk for appeal in listed] == [appeal.pk for appeal in expected]
    page = client.get(url).content.decode()  # open by default
    assert "申诉人0" in page and "申诉人1" in page and "申诉人2" not in page
    assert "Red (overdue)" in page
    assert client.get(url, {"state": "nonsense"}).status_code == 404


def test_the_list_is_linked_from_the_period_list_and_exported(client, world):
    client.force_login(world["supervisor"])
    periods = client.get(reverse("assessment:period_list")).content.decode()
    assert reverse("assessment:appeal_list") + "?state=open" in periods
    assert reverse("assessment:appeal_list") + "?state=due" in periods
    response = client.get(reverse("assessment:appeal_export"), {"state": "due"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Assessed", "Department", "Period")
    assert [row[0] for row in rows[1:]] == ["申诉人1"]
    assert rows[1][1] == "X科" and rows[1][7] == "Red (overdue)"


def test_the_list_keeps_its_query_count(client, world, django_assert_max_num_queries):
    client.force_login(world["supervisor"])
    url = reverse("assessment:appeal_list")
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for person in world["people"][3:] + [StaffFactory() for _ in range(5)]:
        result = Result.objects.filter(period=world["period"], subject_id=person.pk).first()
        if result is None:
            continue
        publishing.file_appeal(result, user=person.user, reason="请复核我的考核结果。")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"]) == 3


@pytest.mark.parametrize("role", [Role.CLERK, Role.DEPARTMENT_HEAD, Role.LEADER])
def test_the_list_is_for_supervisors(client, world, role):
    client.force_login(StaffFactory(roles=[role]).user)
    assert client.get(reverse("assessment:appeal_list")).status_code == 403
    assert client.get(reverse("assessment:appeal_export")).status_code == 403
