"""Statistics pages: permission matrix, bad input, Excel export, chart data, constant query counts."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from approvals.models import DailyCaseStat
from approvals.services.stats import rebuild_monthly_stats
from efficiency_portal.org.models import Role
from tests.factories import CitizenFactory, DepartmentFactory, ItemFactory, StaffFactory, UserFactory, make_head

pytestmark = pytest.mark.django_db
PERIOD = {"start": "2026-01-01", "end": "2026-03-31"}


@pytest.fixture
def world():
    dept_x, dept_y = DepartmentFactory(code="sx", name="市X局"), DepartmentFactory(code="sy", name="市Y局")
    item_x = ItemFactory(department=dept_x, name="X许可")
    item_y = ItemFactory(department=dept_y, name="Y许可")
    DailyCaseStat.objects.create(
        day=dt.date(2026, 2, 3),
        department=dept_x,
        item=item_x,
        received=10,
        accepted=8,
        refused=1,
        supplement_notices=2,
        finished=4,
        finished_on_time=2,
        finished_early=1,
        finished_late=1,
        warned=3,
        working_days_total=18,
    )
    DailyCaseStat.objects.create(day=dt.date(2026, 3, 5), department=dept_y, item=item_y, received=5)
    DailyCaseStat.objects.create(day=dt.date(2025, 12, 31), department=dept_x, item=item_x, received=99)
    rebuild_monthly_stats([dt.date(2025, 12, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)])
    leader = StaffFactory(department=dept_x, roles=[Role.LEADER])
    return {
        "dept_x": dept_x,
        "dept_y": dept_y,
        "head_x": make_head(dept_x).user,
        "clerk": StaffFactory(department=dept_x, roles=[Role.CLERK]).user,
        "leader": leader.user,
        "supervisor": UserFactory(roles=[Role.SUPERVISOR]),
        "citizen": CitizenFactory(),
    }


def test_statistics_permission_matrix(client, world):
    url = reverse("approvals:statistics")
    assert client.get(url).status_code == 302
    expected = {"citizen": 403, "clerk": 403, "head_x": 200, "leader": 200, "supervisor": 200}
    for who, status in expected.items():
        client.force_login(world[who])
        response = client.get(url, PERIOD)
        assert response.status_code == status, who
        if who == "head_x":
            body = response.content.decode()
            assert "市X局" in body and "市Y局" not in body
        if who == "supervisor":
            body = response.content.decode()
            assert "市X局" in body and "市Y局" in body


def test_department_statistics_permission_matrix(client, world):
    expected = {
        ("head_x", "sx"): 200,
        ("head_x", "sy"): 403,
        ("leader", "sy"): 200,
        ("supervisor", "sy"): 200,
        ("clerk", "sx"): 403,
        ("citizen", "sx"): 403,
        ("supervisor", "nope"): 403,
    }
    for (who, code), status in expected.items():
        client.force_login(world[who])
        response = client.get(reverse("approvals:department_statistics", args=[code]), PERIOD)
        assert response.status_code == status, (who, code)


def test_statistics_table_figures(client, world):
    client.force_login(world["supervisor"])
    body = client.get(reverse("approvals:statistics"), PERIOD).content.decode()
    row = re.search(r"市X局</a></th>(.*?)</tr>", body, re.S).group(1)
    cells = re.findall(r'<td class="text-end">(.*?)</td>', row)
    # received, finished, on time 3/4, early 1/4, late 1/4, warned 3/18, 18/4 days, notices 2/10, refused 1/10
    assert cells == ["10", "4", "75.0%", "25.0%", "25.0%", "16.7%", "4.5", "20.0%", "10.0%"]
    row_y = re.search(r"市Y局</a></th>(.*?)</tr>", body, re.S).group(1)
    assert re.findall(r'<td class="text-end">(.*?)</td>', row_y)[2] == "–"


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-03-01", "end": "2026-01-01"},
        {"start": "nonsense", "end": "2026-01-01"},
        {"start": "2020-01-01", "end": "2026-01-01"},
        {"end": "2026-01-01"},
    ],
)
def test_bad_periods_are_400_with_field_errors(client, world, params):
    client.force_login(world["supervisor"])
    for url in (reverse("approvals:statistics"), reverse("approvals:department_statistics", args=["sx"])):
        response = client.get(url, params)
        assert response.status_code == 400
        assert "invalid-feedback" in response.content.decode()


def test_statistics_excel_export(client, world):
    client.force_login(world["supervisor"])
    response = client.get(reverse("approvals:statistics"), {**PERIOD, "export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].values)
    by_label = {row[0]: row for row in rows[1:]}
    assert by_label["市X局"][1:4] == (10, 8, 4)
    assert by_label["市X局"][4] == 75
    assert by_label["市Y局"][4] in (None, "")
    assert rows[-1][1] == 15  # the total row
    response = client.get(reverse("approvals:department_statistics", args=["sx"]), {**PERIOD, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].values)
    assert rows[1][0] == "X许可" and rows[1][1] == 10


def test_department_page_chart_data(client, world):
    client.force_login(world["head_x"])
    response = client.get(reverse("approvals:department_statistics", args=["sx"]), PERIOD)
    body = response.content.decode()
    assert "<script>" not in body.replace('<script src="', "")
    data = json.loads(re.search(r'<script id="trend-data" type="application/json">(.*?)</script>', body, re.S).group(1))
    assert len(data["labels"]) == 12 and data["labels"][-1] == "2026-03"
    received = dict(zip(data["labels"], data["series"][0]["data"], strict=True))
    assert received["2026-02"] == 10 and received["2025-12"] == 99 and received["2026-03"] == 0
    assert "vendor/chartjs/chart.umd.min" in body and "portal/charts" in body


@pytest.mark.parametrize("departments", [3, 40])
def test_statistics_query_count_is_constant(client, world, django_assert_max_num_queries, departments):
    for n in range(departments):
        dept = DepartmentFactory(code=f"extra-{n}")
        item = ItemFactory(department=dept)
        DailyCaseStat.objects.create(day=dt.date(2026, 1, 5), department=dept, item=item, received=n, finished=1)
    rebuild_monthly_stats([dt.date(2026, 1, 1)])
    client.force_login(world["supervisor"])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("approvals:statistics"), PERIOD)
    assert response.content.decode().count("/approvals/statistics/extra-") >= departments
    with django_assert_max_num_queries(13):
        assert client.get(reverse("approvals:department_statistics", args=["sx"]), PERIOD).status_code == 200


def test_partial_months_read_the_daily_rows(world):
    from approvals.selectors import stats as figures

    x = world["dept_x"]
    # 3 Feb alone (a partial month), Feb whole, and 31 Dec to 28 Feb (daily edge + whole Jan and Feb).
    assert figures.department_figures(x, dt.date(2026, 2, 3), dt.date(2026, 2, 3)).received == 10
    assert figures.department_figures(x, dt.date(2026, 2, 4), dt.date(2026, 2, 28)).received == 0
    assert figures.department_figures(x, dt.date(2026, 2, 1), dt.date(2026, 2, 28)).received == 10
    assert figures.department_figures(x, dt.date(2025, 12, 31), dt.date(2026, 2, 28)).received == 109
    assert figures.department_figures(x, dt.date(2025, 12, 30), dt.date(2026, 3, 4)).received == 109
    # The daily rows are the truth: a stale month would show here, so the refresh keeps months in step.
    from approvals.models.stats import MonthlyCaseStat

    assert MonthlyCaseStat.objects.get(month=dt.date(2026, 2, 1), department=x).finished_early == 1
