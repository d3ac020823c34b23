from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from efficiency_portal.audit import actions
from efficiency_portal.audit.models import AuditEvent, Result
from efficiency_portal.audit.services import record
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, StaffFactory, UserFactory, make_head

pytestmark = pytest.mark.django_db

LIST = reverse("audit:event_list")
EXPORT = reverse("audit:event_export")
TZ = timezone.get_default_timezone()


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def people():
    department_x, department_y = DepartmentFactory(), DepartmentFactory()
    return {
        "anonymous": None,
        "citizen": UserFactory(),
        "clerk_x": StaffFactory(department=department_x, roles=[Role.CLERK]).user,
        "clerk_y": StaffFactory(department=department_y, roles=[Role.CLERK]).user,
        "head_x": make_head(department_x).user,
        "leader": StaffFactory(department=department_x, roles=[Role.LEADER]).user,
        "supervisor": StaffFactory(roles=[Role.SUPERVISOR]).user,
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


ALLOWED = {"supervisor", "administrator", "superuser"}


@pytest.mark.parametrize("url", [LIST, EXPORT])
@pytest.mark.parametrize(
    "who",
    ["anonymous", "citizen", "clerk_x", "clerk_y", "head_x", "leader", "supervisor", "administrator", "superuser"],
)
def test_permission_matrix(people, who, url):
    response = client_for(people[who]).get(url)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif who in ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def test_navigation_shows_the_audit_log_to_supervisors_only(people):
    assert LIST in client_for(people["supervisor"]).get(reverse("home")).content.decode()
    assert LIST not in client_for(people["clerk_x"]).get(reverse("home")).content.decode()


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, tzinfo=TZ)


@pytest.fixture
def events(people):
    zhang = UserFactory(username="zhangwei", display_name="张伟")
    li = UserFactory(username="lina", display_name="李娜")
    made = []
    for moment, actor, action, result in [
        (at(8, 9), zhang, actions.LOGIN, Result.SUCCESS),
        (at(9, 9), None, actions.LOGIN_FAILED, Result.FAILED),
        (at(9, 23), li, actions.LOGIN, Result.SUCCESS),  # 23:00 local: still the 9th in Shanghai
        (at(10, 0), li, actions.PASSWORD_CHANGE, Result.SUCCESS),
        (at(12, 8), zhang, "org.away_notice_create", Result.DENIED),
    ]:
        with time_machine.travel(moment, tick=False):
            made.append(record(actor, action, result=result, actor_label=None if actor else "ghost"))
    return made


def listed(client, events: list[AuditEvent], **params) -> list[int]:
    """The listed ids among ``events`` (signing the viewer in also leaves an event, which is not of interest)."""
    response = client.get(LIST, params)
    assert response.status_code == 200
    ours = {event.pk for event in events}
    return [event.pk for event, _label in response.context["events"] if event.pk in ours]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, [4, 3, 2, 1, 0]),
        ({"actor": "张伟"}, [4, 0]),
        ({"actor": "ZHANGWEI"}, [4, 0]),
        ({"actor": "ghost"}, [1]),
        ({"action": "auth."}, [2, 1, 0]),
        ({"action": actions.LOGIN}, [2, 1, 0]),  # a prefix: auth.login also matches auth.login_failed
        ({"action": actions.PASSWORD_CHANGE}, [3]),
        ({"result": Result.DENIED}, [4]),
        ({"result": Result.SUCCESS, "actor": "李娜"}, [3, 2]),
        ({"date_from": "2026-10-09"}, [4, 3, 2, 1]),
        ({"date_to": "2026-10-09"}, [2, 1, 0]),
        ({"date_from": "2026-10-09", "date_to": "2026-10-10"}, [3, 2, 1]),
        ({"date_from": "2026-10-11", "date_to": "2026-10-11"}, []),
    ],
)
def test_filters(people, events, params, expected):
    supervisor = client_for(people["supervisor"])
    assert listed(supervisor, events, **params) == [events[i].pk for i in expected]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "2026-10-10", "date_to": "2026-10-09"}, "date_to"),
        ({"result": "maybe"}, "result"),
        ({"action": "x" * 65}, "action"),
    ],
)
def test_bad_filters_show_errors_and_no_rows(people, events, params, field):
    response = client_for(people["supervisor"]).get(LIST, params)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert response.context["events"] == []
    assert "invalid-feedback" in response.content.decode()


def test_keyset_pagination_walks_every_row_once(people, settings):
    settings.AUDIT_PAGE_SIZE = 3
    # Several events share a timestamp: the id breaks the tie.
    with time_machine.travel(at(8), tick=False):
        expected = [record(None, "test.same_moment", actor_label=f"a{i}").pk for i in range(7)]
    expected.reverse()
    client = client_for(people["supervisor"])
    seen, params = [], {"action": "test."}
    for _ in range(5):
        response = client.get(LIST, params)
        seen += [event.pk for event, _label in response.context["events"]]
        cursor = response.context["page"].next_cursor
        if cursor is None:
            break
        params = {"action": "test.", "cursor": cursor}
    assert seen == expected


@pytest.mark.parametrize("cursor", ["garbage", "!!!", "MjAyNi0xMC0wOHwx", "bm90LWEtZGF0ZXwx"])
def test_bad_cursor_shows_the_first_page(people, events, cursor):
    assert listed(client_for(people["supervisor"]), events, cursor=cursor) == [e.pk for e in reversed(events)]


def test_query_count_does_not_grow_with_rows(people, django_assert_max_num_queries, settings):
    client = client_for(people["supervisor"])
    department = DepartmentFactory()
    for i in range(3):
        record(people["clerk_x"], "test.few", target=department, detail={"i": i})
    client.get(LIST)  # warm caches (content types, session)
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    for i in range(60):
        record(people["clerk_x"], "test.many", target=department if i % 2 else people["citizen"], detail={"i": i})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["events"]) == settings.AUDIT_PAGE_SIZE


def test_export_contains_the_filtered_rows_and_is_audited(people, events):
    supervisor = people["supervisor"]
    response = client_for(supervisor).get(EXPORT, {"actor": "李娜"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3  # header + two events of 李娜
    assert [row[3] for row in rows[1:]] == [actions.PASSWORD_CHANGE, actions.LOGIN]
    assert rows[1][0] == dt.datetime(2026, 10, 10, 0, 0)  # local wall-clock time
    export = AuditEvent.objects.get(action=actions.EXPORT)
    assert export.actor == supervisor
    assert export.detail == {"filters": {"actor": "李娜"}, "rows": 2}


def test_export_with_bad_filters_exports_nothing(people, events):
    response = client_for(people["supervisor"]).get(EXPORT, {"date_from": "2026-10-10", "date_to": "2026-10-01"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1


def test_export_is_capped(people, events, settings):
    settings.AUDIT_EXPORT_MAX_ROWS = 2
    response = client_for(people["supervisor"]).get(EXPORT)
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))) == 3


def test_admin_is_read_only(people, events):
    admin = client_for(people["superuser"])
    event = events[0]
    assert admin.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert admin.get(reverse("admin:audit_auditevent_change", args=[event.pk])).status_code == 200
    assert admin.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert admin.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    admin.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "rewritten"})
    assert AuditEvent.objects.get(pk=event.pk).action == actions.LOGIN
