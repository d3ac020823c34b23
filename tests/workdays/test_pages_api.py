"""The public calendar page, the management page (permissions, forms, bad input), the admin and the API."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from efficiency_portal.accounts.models import User
from efficiency_portal.org.models import Role
from efficiency_portal.workdays import services
from efficiency_portal.workdays.models import CalendarChange, CalendarYear, SpecialDay
from tests.factories import CitizenFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

CALENDAR = "/calendar/"
MANAGE = "/calendar/manage/"
DUE_API = "/api/calendar/due/"
DAYS_API = "/api/calendar/days/"


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Pages in English, so the assertions do not depend on the translations."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def admin_user() -> User:
    return UserFactory(username="cal-admin", kind=User.Kind.STAFF, roles=[Role.ADMINISTRATOR])


def test_urls():
    assert reverse("workdays:calendar") == CALENDAR
    assert reverse("workdays:manage") == MANAGE


# --- the public page --------------------------------------------------------------------------------------------


def test_calendar_page_is_public_and_marks_the_days(client):
    response = client.get(CALENDAR, {"year": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="day-holiday' in html and 'title="2025-10-01 Holiday 国庆节"' in html
    assert 'title="2025-09-28 Make-up working day 国庆节"' in html
    assert "?year=2004" in html and "?year=2026" in html  # the known years
    assert "not known yet" not in html


def test_unknown_year_is_flagged(client):
    response = client.get(CALENDAR, {"year": 2030})
    assert response.status_code == 200
    assert "not known yet" in response.content.decode()


@pytest.mark.parametrize("year", ["abc", "-1", "99999", ""])
def test_bad_year_falls_back(client, year):
    with time_machine.travel(dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC), tick=False):
        response = client.get(CALENDAR, {"year": year})
    assert response.status_code == 200
    assert response.context["year"] == 2025


def test_calculator_explains_the_due_date(client):
    response = client.get(CALENDAR, {"start": "2025-09-26", "days": "7"})
    assert response.status_code == 200
    lines = response.context["explanation_lines"]
    assert lines[0] == "Received on Sept. 26, 2025 (Friday). The day of receipt is not counted."
    assert any(
        line.startswith("Public holidays skipped: October 1 (国庆节)") and "October 6 (中秋节)" in line
        for line in lines
    )
    assert "Make-up working days counted: September 28 (国庆节), October 11 (国庆节)." in lines
    assert lines[-1] == "Due on Oct. 13, 2025 (Monday), at the end of that working day (17:30)."
    assert response.context["explanation"].provisional is False


def test_calculator_same_day_and_provisional(client):
    same_day = client.get(CALENDAR, {"start": "2025-10-03", "days": "0"}).context
    assert same_day["explanation"].due_date == dt.date(2025, 10, 9)
    assert "is not a working day" in same_day["explanation_lines"][0]
    beyond = client.get(CALENDAR, {"start": "2026-12-28", "days": "10"})
    assert beyond.context["explanation"].provisional is True
    assert "Provisional: the official holiday schedule for 2027" in beyond.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2025-13-01", "days": "5"}, "start"),
        ({"start": "tomorrow", "days": "5"}, "start"),
        ({"start": "2025-10-01", "days": "-1"}, "days"),
        ({"start": "2025-10-01", "days": "3651"}, "days"),
        ({"start": "2025-10-01", "days": "five"}, "days"),
        ({"start": "2025-10-01"}, "days"),
    ],
)
def test_calculator_bad_input(client, params, field):
    response = client.get(CALENDAR, params)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert response.context["explanation"] is None
    assert "invalid-feedback" in response.content.decode()


def test_calendar_page_queries_do_not_grow(client, django_assert_max_num_queries):
    client.get(CALENDAR)  # load the in-process calendar
    with django_assert_max_num_queries(6):
        client.get(CALENDAR, {"year": 2025, "start": "2025-01-02", "days": "300"})


# --- the management page ----------------------------------------------------------------------------------------


def _users() -> dict[str, User | None]:
    return {
        "anonymous": None,
        "citizen": CitizenFactory(),
        "clerk": StaffFactory(roles=[Role.CLERK]).user,
        "head": StaffFactory(roles=[Role.DEPARTMENT_HEAD]).user,
        "supervisor": StaffFactory(roles=[Role.SUPERVISOR]).user,
        "django staff": UserFactory(is_staff=True),
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


EXPECTED = {
    "anonymous": 302,
    "citizen": 403,
    "clerk": 403,
    "head": 403,
    "supervisor": 403,
    "django staff": 403,
    "administrator": 200,
    "superuser": 200,
}


def test_manage_permission_matrix(client):
    results = {}
    for name, user in _users().items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(MANAGE)
        results[name] = response.status_code
        if name == "anonymous":
            assert response["Location"].startswith(reverse("accounts:login"))
    assert results == EXPECTED


def test_posts_are_refused_to_non_administrators(client):
    for name, user in _users().items():
        if EXPECTED[name] == 200:
            continue
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.post(
            MANAGE, {"action": "add_day", "day-date": "2025-11-03", "day-kind": "holiday", "day-name": "x"}
        )
        assert response.status_code in (302, 403)
    assert not SpecialDay.objects.filter(date=dt.date(2025, 11, 3)).exists()


def test_manage_adds_and_removes_a_day(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        MANAGE, {"action": "add_day", "day-date": "2025-11-03", "day-kind": "holiday", "day-name": "临时休息"}
    )
    assert response.status_code == 302 and response["Location"] == f"{MANAGE}?year=2025"
    special = SpecialDay.objects.get(date=dt.date(2025, 11, 3))
    page = client.get(response["Location"])
    assert "临时休息" in page.content.decode()
    assert page.context["changes"][0].changed_by == admin_user
    response = client.post(f"{MANAGE}?year=2025", {"action": "remove_day", "day_id": special.pk})
    assert response.status_code == 302
    assert not SpecialDay.objects.filter(pk=special.pk).exists()
    assert CalendarChange.objects.count() == 2


def test_manage_adds_a_year(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        MANAGE,
        {
            "action": "add_year",
            "schedule-year": "2027",
            "schedule-holidays": "2027-01-01~2027-01-03 元旦\n\n2027-10-01 ~ 2027-10-07 国庆节",
            "schedule-makeup_days": "2027-09-25 国庆节\n2027-10-09 国庆节",
            "schedule-note": "测试",
        },
    )
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).note == "测试"
    assert SpecialDay.objects.filter(date__year=2027, kind="holiday").count() == 10
    assert SpecialDay.objects.filter(date__year=2027, kind="workday").count() == 2


@pytest.mark.parametrize(
    ("data", "form", "field"),
    [
        ({"action": "add_day", "day-date": "2025-02-30", "day-kind": "holiday"}, "day_form", "date"),
        ({"action": "add_day", "day-date": "2025-11-04", "day-kind": "workday"}, "day_form", "date"),
        ({"action": "add_day", "day-date": "2025-11-08", "day-kind": "holiday"}, "day_form", "name"),
        ({"action": "add_day", "day-date": "2025-11-04", "day-kind": "bogus"}, "day_form", "kind"),
        (
            {"action": "add_day", "day-date": "2025-10-01", "day-kind": "holiday", "day-name": "国庆节"},
            "day_form",
            "date",
        ),
        (
            {"action": "add_year", "schedule-year": "2027", "schedule-holidays": "01/01/2027 元旦"},
            "year_form",
            "holidays",
        ),
        (
            {"action": "add_year", "schedule-year": "2027", "schedule-holidays": "2027-01-10~2027-01-01 x"},
            "year_form",
            "holidays",
        ),
        ({"action": "add_year", "schedule-year": "2025"}, "year_form", "year"),
        ({"action": "add_year", "schedule-year": "1800"}, "year_form", "year"),
        ({"action": "add_year", "schedule-year": "abc"}, "year_form", "year"),
        (
            {"action": "add_year", "schedule-year": "2027", "schedule-makeup_days": "2027-09-27 国庆节"},
            "year_form",
            None,
        ),
    ],
)
def test_manage_bad_input(client, admin_user, data, form, field):
    client.force_login(admin_user)
    days_before = SpecialDay.objects.count()
    response = client.post(MANAGE, data)
    assert response.status_code == 400
    errors = response.context[form].errors
    assert (field or "__all__") in errors, errors
    assert SpecialDay.objects.count() == days_before
    assert not CalendarChange.objects.exists()
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize("data", [{"action": "remove_day", "day_id": "x"}, {"action": "dance"}])
def test_manage_bad_actions(client, admin_user, data):
    client.force_login(admin_user)
    response = client.post(MANAGE, data)
    assert response.status_code == 400
    assert not CalendarChange.objects.exists()


def test_manage_remove_unknown_day_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.post(MANAGE, {"action": "remove_day", "day_id": "999999"}).status_code == 404


def test_manage_page_queries_do_not_grow_with_the_log(client, admin_user, django_assert_max_num_queries):
    client.force_login(admin_user)
    services.add_special_day(admin_user, dt.date(2025, 11, 3), "holiday", "临时休息")
    client.get(MANAGE)
    for day in (10, 17, 24):
        services.add_special_day(UserFactory(), dt.date(2025, 11, day), "holiday", "临时休息")
    with django_assert_max_num_queries(12):
        response = client.get(MANAGE, {"year": 2025})
    assert len(response.context["changes"]) == 4


# --- the admin goes through the services ------------------------------------------------------------------------


def test_admin_changes_go_through_the_services(client):
    root = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.post(
        "/admin/workdays/specialday/add/", {"date": "2025-11-03", "kind": "holiday", "name": "临时休息"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    special = SpecialDay.objects.get(date=dt.date(2025, 11, 3))
    response = client.post(f"/admin/workdays/specialday/{special.pk}/change/", {"kind": "holiday", "name": "改名"})
    assert response.status_code == 302
    response = client.post(f"/admin/workdays/specialday/{special.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert list(CalendarChange.objects.order_by("id").values_list("action", flat=True)) == [
        "day_added",
        "day_changed",
        "day_removed",
    ]
    bad = client.post("/admin/workdays/specialday/add/", {"date": "2025-11-04", "kind": "workday", "name": ""})
    assert bad.status_code == 200 and "Saturday or Sunday" in bad.content.decode()
    response = client.post("/admin/workdays/calendaryear/add/", {"year": "2027", "note": "待发布"})
    assert response.status_code == 302
    assert CalendarChange.objects.latest("id").action == "year_added"


# --- the API ----------------------------------------------------------------------------------------------------


def test_due_api_is_public(client):
    response = client.get(DUE_API, {"start": "2026-02-12", "days": 8})
    assert response.status_code == 200
    data = response.json()
    assert data["due_date"] == "2026-03-02"
    assert data["due_moment"] == "2026-03-02T17:30:00+08:00"
    assert data["provisional"] is False
    assert [day["date"] for day in data["skipped_holidays"]] == [
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
        "2026-02-23",
    ]
    assert data["makeup_days_counted"] == [
        {"date": "2026-02-14", "name": "春节"},
        {"date": "2026-02-28", "name": "春节"},
    ]
    assert client.get(DUE_API, {"start": "2026-12-28", "days": 10}).json()["provisional"] is True


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({}, {"start", "days"}),
        ({"start": "2026-02-30", "days": 1}, {"start"}),
        ({"start": "26-2-1", "days": 1}, {"start"}),
        ({"start": "2026-02-01", "days": -1}, {"days"}),
        ({"start": "2026-02-01", "days": 3651}, {"days"}),
        ({"start": "2026-02-01", "days": "1.5"}, {"days"}),
    ],
)
def test_due_api_bad_input(client, params, fields):
    response = client.get(DUE_API, params)
    assert response.status_code == 400
    assert set(response.json()) == fields


def test_days_api(client):
    response = client.get(DAYS_API, {"year": 2025})
    assert response.status_code == 200
    data = response.json()
    assert data["known"] is True and data["source"] == "chinesecalendar"
    assert {"date": "2025-09-28", "kind": "workday", "name": "国庆节"} in data["days"]
    unknown = client.get(DAYS_API, {"year": 2040}).json()
    assert unknown == {"year": 2040, "known": False, "source": "", "days": []}


@pytest.mark.parametrize("params", [{}, {"year": "abc"}, {"year": 1000}, {"year": 5000}])
def test_days_api_bad_input(client, params):
    response = client.get(DAYS_API, params)
    assert response.status_code == 400
    assert "year" in response.json()
