"""Every figure against the hand-counted small city of conftest.py; drill-down lists agree with their figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from efficiency_portal.dashboards.selectors import figures, ranking
from efficiency_portal.dashboards.selectors.figures import DRILL_LISTS
from efficiency_portal.org.models import Role
from efficiency_portal.supervision.models import Warning
from tests.factories import AgencyFactory, ItemFactory, StaffFactory

pytestmark = pytest.mark.django_db

CITY = {
    "cases_open": 5,
    "cases_yellow": 2,
    "cases_red": 2,
    "received_today": 5,
    "finished_today": 3,
    "received_month": 11,
    "finished_month": 11,
    "on_time_rate_month": Decimal("72.7"),  # (5 + 1 + 1 + 1) / 11
    "late_rate_month": Decimal("27.3"),  # 3 / 11
    "warnings_month": 2,
    "warnings_red_month": 2,
    "warnings_unanswered": 1,
    "tasks_open": 1,
    "tasks_awaiting": 0,
    "tasks_red": 0,
    # Hand-counted in conftest.py's docstring.
    "complaints_awaiting": 2,
    "complaints_open": 4,
    "complaints_overdue": 1,
    "rectifications_open": 2,
    "rectifications_overdue": 1,
    "credit_pending": 1,
    "objections_open": 1,
    "objections_overdue": 1,
    "appeals_open": 2,
    "appeals_due": 1,
}
DEPARTMENT_X = {
    "cases_open": 3,
    "cases_yellow": 1,
    "cases_red": 1,
    "received_today": 4,
    "finished_today": 2,
    "received_month": 10,
    "finished_month": 10,
    "on_time_rate_month": Decimal("70.0"),
    "late_rate_month": Decimal("30.0"),
    "warnings_month": 1,
    "warnings_red_month": 1,
    "warnings_unanswered": 0,
    "tasks_open": 1,
    "tasks_awaiting": 0,
    "tasks_red": 0,
}


def values(department_ids, scope):
    found = figures.flat(figures.sections(department_ids, figures.today(), scope, user=None))
    return {key: figure.value for key, figure in found.items()}


def test_city_figures(city):
    assert values(None, "city") == CITY


def test_department_figures_leave_out_the_city_wide_counts(world, city):
    assert values({world.x.pk}, "department") == DEPARTMENT_X


@pytest.mark.parametrize("scope", ["city", "department"])
def test_every_drill_down_list_agrees_with_its_figure(world, city, login, scope):
    client = login(world.supervisor.user if scope == "city" else world.head_x.user)
    expected = CITY if scope == "city" else DEPARTMENT_X
    for key in DRILL_LISTS:
        response = client.get(reverse("dashboards:drill", args=[scope, key]))
        assert response.status_code == 200, key
        assert response.context["total"] == expected[key], key
        page = response.context.get("page")
        listed = len(page.object_list) if page is not None else len(response.context["items"])
        assert listed == expected[key], key


def test_red_drill_down_lists_the_overdue_cases_with_links_to_them(world, city, login):
    client = login(world.supervisor.user)
    response = client.get(reverse("dashboards:drill", args=["city", "cases_red"]))
    html = response.content.decode()
    assert "逾期案件甲" in html and "逾期案件乙" in html
    assert reverse("approvals:case_work", args=[city["clocks"]["x_red"].object_id]) in html


def test_a_leader_follows_links_only_to_what_they_may_open(world, city, login):
    """A leader sees the city's figures but opens only the cases, clocks and warnings of what they are in charge of:
    here x, led by a deputy mayor who works in another office."""
    x_red, y_red = city["clocks"]["x_red"], city["clocks"]["y_red"]
    deputy = StaffFactory(department=AgencyFactory(code="npc"), name="钱副市长", roles=[Role.LEADER])
    world.x.leader_in_charge = deputy
    world.x.save(update_fields=["leader_in_charge"])
    client = login(deputy.user)
    html = client.get(reverse("dashboards:drill", args=["city", "cases_red"])).content.decode()
    assert "逾期案件甲" in html and "逾期案件乙" in html
    x_case, y_case = (reverse("approvals:case_work", args=[d.object_id]) for d in (x_red, y_red))
    assert x_case in html and y_case not in html
    assert x_red.get_absolute_url() in html and y_red.get_absolute_url() not in html  # the clocks' own pages
    assert client.get(x_case).status_code == 200
    assert client.get(y_case).status_code == 404
    centre = client.get(reverse("dashboards:command_centre")).content.decode()
    x_warning, y_warning = (Warning.objects.get(deadline=d, level="red") for d in (x_red, y_red))
    assert x_warning.get_absolute_url() in centre and y_warning.get_absolute_url() not in centre
    # A supervisor follows them all.
    html = login(world.supervisor.user).get(reverse("dashboards:drill", args=["city", "cases_red"])).content.decode()
    assert x_case in html and y_case in html


def test_ranking_by_on_time_rate_with_satisfaction(world, city):
    rows = ranking.ranking(None, figures.month_start(figures.today()), figures.today())
    assert [(r.rank, r.code, r.finished, r.on_time_rate, r.satisfaction, r.ratings) for r in rows[:2]] == [
        (1, "y", 1, Decimal("100.0"), Decimal("40.00"), 2),
        (2, "x", 10, Decimal("70.0"), Decimal("70.00"), 2),
    ]
    assert all(r.on_time_rate is None and r.satisfaction is None for r in rows[2:])


def test_ranking_breaks_a_tie_of_on_time_rate_by_satisfaction(world, city):
    from complaints.services.ratings import rate_window_visit

    from .conftest import at, stat

    # y finishes 9 more (6 on time, 3 late): 7 of 10 on time, 70.0 like x.
    item = ItemFactory(department=world.y)
    stat(world.y, item, dt.date(2025, 11, 4), finished=9, finished_on_time=6, finished_late=3)
    on = figures.today()
    first = ranking.ranking(None, figures.month_start(on), on)
    assert [(r.code, r.on_time_rate, r.satisfaction) for r in first[:2]] == [
        ("x", Decimal("70.0"), Decimal("70.00")),
        ("y", Decimal("70.0"), Decimal("40.00")),
    ]
    # Three "very satisfied" more for y: (80 + 0 + 3 * 100) / 5 = 76.00 > 70.00, so y moves up.
    for hour in (9, 10, 11):
        rate_window_visit(world.y, level=5, at=at(2025, 11, 19, hour))
    second = ranking.ranking(None, figures.month_start(on), on)
    assert [(r.rank, r.code, r.satisfaction, r.ratings) for r in second[:2]] == [
        (1, "y", Decimal("76.00"), 5),
        (2, "x", Decimal("70.00"), 2),
    ]


def test_twelve_month_trend(world, city):
    rows = figures.trend(None, figures.today())
    assert rows[0].label == "2024-12" and rows[-1].label == "2025-11" and len(rows) == 12
    assert (rows[-2].received, rows[-2].finished, rows[-2].on_time_rate) == (20, 20, Decimal("95.0"))
    assert (rows[-1].received, rows[-1].on_time_rate) == (11, Decimal("72.7"))
    assert [r.received for r in figures.trend({world.y.pk}, figures.today())][-2:] == [0, 1]


def test_live_json_matches_the_page(world, city, login):
    client = login(world.supervisor.user)
    data = client.get(reverse("dashboards:live", args=["city"])).json()
    assert data["figures"]["cases_red"] == "2"
    assert data["figures"]["on_time_rate_month"] == "72.7 %"
    # The emphasis travels with the numbers: red for overdue figures that are not zero, plain for zero ones.
    assert data["tones"]["cases_red"] == "danger" and data["tones"]["cases_yellow"] == "warning"
    assert data["tones"]["tasks_red"] == "" and data["tones"]["cases_open"] == ""
    assert data["tones"]["complaints_overdue"] == "danger" and data["tones"]["credit_pending"] == "warning"
    page = client.get(reverse("dashboards:command_centre")).content.decode()
    assert 'data-figure="cases_red">2<' in page


def test_unknown_list_and_bad_cursor(world, city, login):
    client = login(world.supervisor.user)
    assert client.get(reverse("dashboards:drill", args=["city", "nothing"])).status_code == 404
    assert client.get(reverse("dashboards:drill", args=["elsewhere", "cases_red"])).status_code == 404
    response = client.get(reverse("dashboards:drill", args=["city", "cases_red"]), {"cursor": "!!"})
    assert response.status_code == 200 and response.context["cursor_error"]


def test_command_centre_queries_do_not_grow_with_rows(world, city, login, django_assert_max_num_queries):
    from django.db import connection

    from .conftest import case_clock, stat

    client = login(world.supervisor.user)
    client.get(reverse("dashboards:command_centre"))
    # The query log keeps at most 9,000 queries and the city's set-up wrote more: start each count from an empty log.
    connection.queries_log.clear()
    with django_assert_max_num_queries(60) as before:
        client.get(reverse("dashboards:command_centre"))
    counted = len(before.captured_queries)
    assert counted > 10
    for _ in range(15):
        case_clock(world, world.x, "red")
    for day in range(1, 20):
        stat(
            world.x, ItemFactory(department=world.x), dt.date(2025, 11, day), received=1, finished=1, finished_on_time=1
        )
    connection.queries_log.clear()
    with django_assert_max_num_queries(counted):
        client.get(reverse("dashboards:command_centre"))
    client.get(reverse("dashboards:drill", args=["city", "cases_red"]))
    connection.queries_log.clear()
    with django_assert_max_num_queries(20) as red_list:
        client.get(reverse("dashboards:drill", args=["city", "cases_red"]))
    assert len(red_list.captured_queries) > 3


def test_case_figures_are_kept_for_the_configured_time(world, city, settings):
    from django.core.cache import cache

    settings.DASHBOARD_CASE_FIGURES_SECONDS = 60
    cache.delete_many([f"dashboards:cases:{figures.today().isoformat()}:city"])
    first = figures.case_figures(None, figures.today())
    from approvals.models import DailyCaseStat
    from approvals.services.stats import rebuild_monthly_stats

    DailyCaseStat.objects.filter(department=world.y).update(received=50)
    rebuild_monthly_stats([figures.today()])
    assert figures.case_figures(None, figures.today()).month.received == first.month.received == 11
    settings.DASHBOARD_CASE_FIGURES_SECONDS = 0
    assert figures.case_figures(None, figures.today()).month.received == 60
    cache.delete_many([f"dashboards:cases:{figures.today().isoformat()}:city"])


def test_a_leaders_trend_and_dashboard_cost_the_same_queries_for_one_or_five_departments(world, city, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from efficiency_portal.dashboards.selectors.scope import department_scope
    from tests.factories import DepartmentFactory

    from .conftest import stat

    client = login(world.leader.user)
    on = figures.today()

    def leader():
        # A fresh user object each time: the scope is kept on the user object for the length of a request.
        return type(world.leader.user).objects.get(pk=world.leader.user.pk)

    def measure() -> tuple[int, int, list]:
        ids = department_scope(leader())
        connection.queries_log.clear()  # the log keeps at most 9,000 queries; the city's set-up wrote more
        with CaptureQueriesContext(connection) as trend_queries:
            rows = figures.trend(ids, on)
        client.get(reverse("dashboards:department"))  # warm-up (sessions, translations)
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as page_queries:
            assert client.get(reverse("dashboards:department")).status_code == 200
        return len(trend_queries), len(page_queries), rows

    one_trend, one_page, rows = measure()
    assert department_scope(leader()) == {world.x.pk}
    assert [r.received for r in rows][-2:] == [20, 10]
    for n in range(4):
        department = DepartmentFactory(leader_in_charge=world.leader)
        stat(department, ItemFactory(department=department), dt.date(2025, 11, 3), received=n + 1)
    five_trend, five_page, rows = measure()
    assert len(department_scope(leader())) == 5
    # The four new departments' receipts are summed in with x's: 10 + 1 + 2 + 3 + 4.
    assert [r.received for r in rows][-2:] == [20, 20]
    assert (five_trend, five_page) == (one_trend, one_page)
    assert one_trend == 1  # the twelve months from the monthly rows, in one grouped query
