"""Complaint statistics against figures counted by hand on a small city: received, accepted, concluded on time,
办结率, upheld rate and satisfaction (the complainants' and the service ratings'), by category, department and
month; the page with its three charts, the Excel export and the API give the same numbers."""

from __future__ import annotations

import datetime as dt
import io
import json
import zoneinfo

import openpyxl
import pytest
from django.urls import reverse

from complaints.models import Finding, Sanction
from complaints.selectors.lists import complaint_stats
from complaints.services import handling, ratings
from tests.factories import DepartmentFactory, make_head, seed_calendar

from .factories import file, make_supervisor

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
START, END = dt.date(2026, 1, 1), dt.date(2026, 2, 28)


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=TZ)


@pytest.fixture
def city():
    """Six complaints received in January and February 2026 (one more before), five service ratings in the period
    (one more before, one set aside on appeal).

    | # | dept | category     | received | what happened                                               |
    |---|------|--------------|----------|-------------------------------------------------------------|
    | 1 | A    | buck_passing | 5 Jan    | accepted, upheld, concluded early, rated 4 (satisfied)       |
    | 2 | A    | rudeness     | 6 Jan    | accepted, not upheld, concluded late (10 Feb), rated 2       |
    | 3 | B    | buck_passing | 20 Jan   | accepted, still being investigated                          |
    | 4 | B    | buck_passing | 3 Feb    | declined                                                    |
    | 5 | A    | rudeness     | 4 Feb    | accepted, partly upheld, concluded early, rated 5            |
    | 6 | B    | rudeness     | 10 Feb   | awaiting acceptance                                         |
    | - | A    | rudeness     | 20 Dec   | before the period: not counted                              |
    Ratings: A 5 (10 Jan), A 1 (5 Feb), B 4 (15 Jan), B 3 (20 Feb), B 2 (21 Feb, set aside), A 5 (30 Dec, before).
    """
    seed_calendar(2025, 2026)
    supervisor = make_supervisor()
    a, b = DepartmentFactory(name="甲局"), DepartmentFactory(name="乙局")
    make_head(a)
    head_b = make_head(b)

    def concluded(department, category, received, accepted, finding, concluded_at, rating, rated_at):
        complaint, _ = file(department, category=category, at=received)
        complaint = handling.accept(complaint, supervisor, at=accepted)
        complaint = handling.handle_self(complaint, supervisor, at=accepted)
        sanctions = (
            [] if finding == Finding.NOT_UPHELD else [handling.SanctionInput(Sanction.REMINDER, department=department)]
        )
        complaint = handling.record_finding(
            complaint, supervisor, finding=finding, text="经查", sanctions=sanctions, at=concluded_at
        )
        complaint = handling.reply(complaint, supervisor, text="答复", at=concluded_at + dt.timedelta(hours=1))
        return handling.rate_handling(complaint, level=rating, at=rated_at)

    concluded(a, "buck_passing", at(1, 5), at(1, 5, 14), Finding.UPHELD, at(1, 9), 4, at(1, 12))
    concluded(a, "rudeness", at(1, 6), at(1, 6, 14), Finding.NOT_UPHELD, at(2, 10), 2, at(2, 11))
    third, _ = file(b, category="buck_passing", at=at(1, 20))
    handling.accept(third, supervisor, at=at(1, 21))
    fourth, _ = file(b, category="buck_passing", at=at(2, 3))
    handling.decline(fourth, supervisor, reason="不属于受理范围", at=at(2, 3, 15))
    concluded(a, "rudeness", at(2, 4), at(2, 4, 14), Finding.PARTLY, at(2, 6), 5, at(2, 9))
    file(b, category="rudeness", at=at(2, 10))
    file(a, category="rudeness", at=dt.datetime(2025, 12, 20, 10, 0, tzinfo=TZ))

    ratings.rate_window_visit(a, level=5, at=at(1, 10))
    ratings.rate_window_visit(a, level=1, at=at(2, 5))
    ratings.rate_window_visit(b, level=4, at=at(1, 15))
    ratings.rate_window_visit(b, level=3, at=at(2, 20))
    set_aside = ratings.rate_window_visit(b, level=2, at=at(2, 21))
    set_aside = ratings.appeal_rating(set_aside, head_b.user, reason="恶意差评")
    ratings.decide_appeal(set_aside, supervisor, uphold=True, decision="属实，撤销")
    ratings.rate_window_visit(a, level=5, at=dt.datetime(2025, 12, 30, 10, 0, tzinfo=TZ))
    return {"supervisor": supervisor, "a": a, "b": b}


FIGURES = (
    "received",
    "accepted",
    "concluded",
    "on_time",
    "completion_rate",
    "upheld",
    "upheld_rate",
    "rated",
    "satisfied",
    "satisfaction_rate",
    "rating_count",
    "rating_bad",
    "rating_score",
)


def figures(row: dict) -> tuple:
    return tuple(row[key] for key in FIGURES)


#                received acc conc on_time 办结率 upheld rate  rated sat  sat%   ratings bad score
TOTAL = (6, 4, 3, 2, 75.0, 2, 66.7, 3, 2, 66.7, 4, 1, 60.0)
CATEGORY = {
    "buck_passing": (3, 2, 1, 1, 50.0, 1, 100.0, 1, 1, 100.0, 0, 0, None),
    "rudeness": (3, 2, 2, 1, 100.0, 1, 50.0, 2, 1, 50.0, 0, 0, None),
}
DEPARTMENT = {
    "甲局": (3, 3, 3, 2, 100.0, 2, 66.7, 3, 2, 66.7, 2, 1, 50.0),
    "乙局": (3, 1, 0, 0, 0.0, 0, None, 0, 0, None, 2, 0, 70.0),
}
MONTH = {
    "2026-01": (3, 3, 2, 1, 66.7, 1, 50.0, 2, 1, 50.0, 2, 0, 90.0),
    "2026-02": (3, 1, 1, 1, 100.0, 1, 100.0, 1, 1, 100.0, 2, 1, 30.0),
}


def test_every_figure_by_hand(city):
    stats = complaint_stats(START, END)
    assert figures(stats["total"]) == TOTAL
    assert stats["total"]["on_time_rate"] == 66.7
    assert {row["category"]: figures(row) for row in stats["by_category"]} == CATEGORY
    assert {row["name"]: figures(row) for row in stats["by_department"]} == DEPARTMENT
    assert {row["month"].strftime("%Y-%m"): figures(row) for row in stats["by_month"]} == MONTH


def test_the_page_charts_export_and_api_show_the_same(client, city, django_assert_max_num_queries):
    client.force_login(city["supervisor"])
    url = reverse("complaints:statistics") + f"?start={START}&end={END}"
    with django_assert_max_num_queries(20):
        page = client.get(url)
    text = page.content.decode()
    assert "2/3 (66.7%)" in text  # complainants satisfied, in the totals
    for chart in ("complaints-chart-data", "complaints-department-chart-data", "complaints-month-chart-data"):
        assert f'id="{chart}"' in text and f'data-chart="{chart}"' in text
    assert "<script>" not in text.replace('<script src="', "")  # no inline script (CSP)
    month_chart = json.loads(text.split('id="complaints-month-chart-data" type="application/json">')[1].split("<")[0])
    assert month_chart["labels"] == ["2026-01", "2026-02"]
    series = {item["label"]: item["data"] for item in month_chart["series"]}
    assert series["Received"] == [3, 3] and series["Completion rate (%)"] == [66.7, 100.0]
    assert series["Complainants satisfied (%)"] == [50.0, 100.0] and series["Service rating score"] == [90.0, 30.0]
    department_chart = page.context["department_chart"]
    assert sorted(department_chart["labels"]) == ["乙局", "甲局"]
    by_department = dict(zip(department_chart["labels"], department_chart["series"][2]["data"], strict=True))
    assert by_department == {"甲局": 66.7, "乙局": None}

    export = client.get(url + "&export=xlsx")
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_name["All"]["Received"] == 6 and by_name["All"]["Completion rate (%)"] == 75.0
    assert by_name["甲局"]["Complainants satisfied (%)"] == 66.7 and by_name["乙局"]["Service rating score"] == 70.0
    assert by_name["2026-02"]["Upheld rate (%)"] == 100.0
    assert by_name["乙局"]["Upheld rate (%)"] in ("", None)

    api = client.get(f"/api/complaints/statistics/?start={START}&end={END}").json()
    assert figures(api["total"]) == TOTAL
    assert {row["name"]: figures(row) for row in api["by_department"]} == DEPARTMENT
