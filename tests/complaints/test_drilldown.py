"""The command centre's drill-down: each complaints figure of ``dashboard_counts`` opens a list with exactly the
rows it counts (work list ``?state=awaiting|open|overdue``, rectification list ``?state=open|overdue``)."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from complaints import selectors
from complaints.models import Finding, RectificationOrder
from complaints.services import handling, ratings
from efficiency_portal.supervision.models import Light
from efficiency_portal.supervision.services import sweep_deadlines
from tests.factories import DepartmentFactory, StaffFactory, make_head, seed_calendar

from .factories import file, make_supervisor

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 3, 20)


@pytest.fixture
def city():
    """Complaints and orders in every situation the figures tell apart, as of Friday 20 March 2026."""
    seed_calendar(2025, 2026)
    supervisor = make_supervisor()
    department = DepartmentFactory()
    make_head(department)
    clerk = StaffFactory(department=department)

    def moment(day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)

    with time_machine.travel(moment(dt.date(2026, 2, 2)), tick=False):
        # Received 2 February and never accepted: its acceptance clock ran out long ago (overdue, awaiting).
        unaccepted, _ = file(department)
        # Accepted 2 February, still investigated: the conclusion clock (due 27 Feb) has run out too.
        old, _ = file(department)
        handling.handle_self(handling.accept(old, supervisor), supervisor)
        # Concluded and closed: counts nowhere.
        done, _ = file(department)
        done = handling.handle_self(handling.accept(done, supervisor), supervisor)
        done = handling.record_finding(done, supervisor, finding=Finding.NOT_UPHELD, text="不属实")
        handling.rate_handling(handling.reply(done, supervisor, text="答复"), level=5)
        # An old bad rating: its rectification clocks ran out (overdue, open).
        ratings.rate_window_visit(department, level=1, handler=clerk)
        # A bad rating followed up and closed: counts nowhere.
        closed = ratings.rate_window_visit(department, level=2, handler=clerk).rectification
        closed = ratings.record_contact(closed, clerk.user, note="已联系")
        closed = ratings.record_rectification(closed, clerk.user, note="已整改")
        ratings.record_follow_up(closed, supervisor, note="已回访")
    with time_machine.travel(moment(TODAY, 9), tick=False):
        # Received today: awaiting, open, not overdue.
        file(department)
        # Accepted today: open, green.
        handling.accept(file(department)[0], supervisor)
        # A fresh bad rating: open, not overdue.
        ratings.rate_window_visit(department, level=1, handler=clerk)
        # A bad rating set aside on appeal: counts nowhere.
        aside = ratings.rate_window_visit(department, level=1, handler=clerk)
        aside = ratings.appeal_rating(aside, department.head.user, reason="恶意")
        ratings.decide_appeal(aside, supervisor, uphold=True, decision="撤销")
    # The sweep last ran on 25 February: the acceptance clock (due 5 Feb) and the old order's clocks are red; the
    # conclusion clock due 27 February is past due but was never turned red.
    sweep_deadlines(moment(dt.date(2026, 2, 25), 8))
    return {"supervisor": supervisor, "department": department, "clerk": clerk, "unaccepted": unaccepted, "old": old}


def listed(client, name: str, state: str) -> list[int]:
    pks, url = [], reverse(name) + f"?state={state}"
    response = client.get(url)
    if name == "complaints:work_list":
        while True:
            pks += [row.pk for row in response.context["page"].rows]
            cursor = response.context["page"].next_cursor
            if not cursor:
                return pks
            response = client.get(url + f"&cursor={cursor}")
    while True:
        pks += [row.pk for row in response.context["orders"]]
        page = response.context["page"]
        if not page.has_next():
            return pks
        response = client.get(url + f"&page={page.next_page_number()}")


@pytest.mark.parametrize(
    ("figure", "name", "state", "expected"),
    [
        ("awaiting_acceptance", "complaints:work_list", "awaiting", 2),
        ("open", "complaints:work_list", "open", 4),
        ("overdue", "complaints:work_list", "overdue", 2),
        ("rectifications_open", "complaints:rectification_list", "open", 2),
        ("rectifications_overdue", "complaints:rectification_list", "overdue", 1),
    ],
)
def test_each_list_holds_exactly_what_its_figure_counts(client, city, figure, name, state, expected, monkeypatch):
    # One row a page, so that the lists are read across their pages.
    monkeypatch.setattr("complaints.selectors.lists.PAGE_SIZE", 1)
    monkeypatch.setattr("complaints.views.ratings.ORDERS_PER_PAGE", 1)
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), tzinfo=TZ), tick=False):
        counts = selectors.dashboard_counts(TODAY)
        client.force_login(city["supervisor"])
        pks = listed(client, name, state)
    assert counts[figure] == expected  # counted by hand in the fixture
    assert len(pks) == len(set(pks)) == counts[figure]


def test_overdue_means_red_or_past_due_not_only_red(client, city):
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), tzinfo=TZ), tick=False):
        client.force_login(city["supervisor"])
        overdue = listed(client, "complaints:work_list", "overdue")
        red = client.get(reverse("complaints:work_list") + f"?light={Light.RED}").context["page"].rows
    assert [row.pk for row in red] == [city["unaccepted"].pk]
    assert sorted(overdue) == sorted([city["unaccepted"].pk, city["old"].pk])


def test_rectification_list_pages_exports_and_keeps_to_the_department(client, city):
    client.force_login(city["supervisor"])
    export = client.get(reverse("complaints:rectification_list") + "?state=open&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet.max_row == 1 + 2
    # A clerk of another department sees none of them, whatever the state.
    outsider = StaffFactory(department=DepartmentFactory())
    client.force_login(outsider.user)
    for state in ("", "open", "overdue"):
        assert listed(client, "complaints:rectification_list", state) == []
    client.force_login(city["clerk"].user)
    assert len(listed(client, "complaints:rectification_list", "")) == RectificationOrder.objects.count()
    bad = client.get(reverse("complaints:rectification_list") + "?state=nonsense&page=abc")
    assert bad.status_code == 200
