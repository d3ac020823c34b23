"""Who may open which dashboard (pages, live figures, lists, API); my page; public pages without personal data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from complaints.services import ratings as rating_services
from efficiency_portal.org.models import Department
from efficiency_portal.supervised_tasks import services as task_services
from efficiency_portal.supervised_tasks.models import TaskKind
from tests.factories import DepartmentFactory

from .conftest import COMPLAINANT, COMPLAINT_TEXT, MATRIX, RATING_COMMENTS, at

pytestmark = pytest.mark.django_db

CITY = {"supervisor": 200, "admin": 200, "leader": 200}
DEPARTMENT = {"head_x": 200, "head_y": 200, "leader": 200}  # the leader is in charge of x
ME = {"clerk_x": 200, "clerk_y": 200, "head_x": 200, "head_y": 200, "leader": 200, "supervisor": 200}


def expected(table: dict, who: str) -> int:
    if who == "anonymous":
        return 302
    return table.get(who, 403)


@pytest.mark.parametrize("who", MATRIX)
def test_dashboard_permissions(world, city, login, who):
    client = login(world.user(who))
    assert client.get(reverse("dashboards:command_centre")).status_code == expected(CITY, who)
    assert client.get(reverse("dashboards:live", args=["city"])).status_code == expected(CITY, who)
    assert client.get(reverse("dashboards:drill", args=["city", "cases_red"])).status_code == expected(CITY, who)
    assert client.get(reverse("dashboards:department")).status_code == expected(DEPARTMENT, who)
    assert client.get(reverse("dashboards:drill", args=["department", "cases_red"])).status_code == expected(
        DEPARTMENT, who
    )
    assert client.get(reverse("dashboards:me")).status_code == expected(ME, who)
    api = client.get("/api/dashboard/", {"scope": "city"}).status_code
    assert api == (403 if who == "anonymous" else expected(CITY, who))


def test_head_sees_only_own_department(world, city, login):
    client = login(world.head_y.user)
    response = client.get(reverse("dashboards:drill", args=["department", "cases_red"]))
    html = response.content.decode()
    assert "逾期案件乙" in html and "逾期案件甲" not in html
    data = client.get("/api/dashboard/", {"scope": "department"}).json()
    assert [row["code"] for row in data["ranking"]] == ["y"]
    assert client.get("/api/dashboard/", {"scope": "nowhere"}).status_code == 400


def test_api_figures_match_the_page(world, city, login):
    client = login(world.supervisor.user)
    data = client.get("/api/dashboard/").json()
    found = {f["key"]: f["value"] for section in data["sections"] for f in section["figures"]}
    assert found["cases_red"] == 2 and found["on_time_rate_month"] == 72.7
    assert len(data["trend"]) == 12


def test_my_page(world, city, login):
    client = login(world.clerk_x.user)
    response = client.get(reverse("dashboards:me"))
    html = response.content.decode()
    # My queue: x's green, yellow and red cases (not the finished one), with their lights; the task's clock below.
    assert response.context["running_count"] == 4
    assert response.context["queue_counts"] == {"all": 4, "cases": 3, "yellow": 1, "red": 1}
    assert sorted(row.deadline.light for row in response.context["queue"]) == ["green", "red", "yellow"]
    # Each row links to the case itself, which the clerk may open.
    assert all(row.url.endswith(f"/cases/{row.deadline.object_id}/work/") for row in response.context["queue"])
    assert [row.deadline.kind for row in response.context["clocks"]] == ["task"]
    assert "逾期案件甲" in html and 'id="my-queue-red">1 red<' in html and 'id="my-queue-yellow">1 yellow<' in html
    assert [r.warning.deadline.title for r in response.context["warnings"]] == ["逾期案件甲"]
    # Ratings this year: 5 and 2 as handler -> (100 + 40) / 2.
    ratings = response.context["ratings"]
    assert (ratings.score, ratings.count) == (Decimal("70.00"), 2)
    assert "70.00</span> / 100" in html and "2 ratings" in html
    # Credit: 1000 less the objected (still counting) buck-passing entry of -10.
    assert response.context["credit"].points == 990 and '<span class="h4">990</span>' in html
    # The published result of 2025-10: rank 1, 88.50, excellent.
    [result] = response.context["results"]
    assert result.pk == city["staff_result"].pk
    assert "公务员月度考核 · 2025-10" in html and "rank 1 · 88.50 · Excellent (优秀)" in html
    # Each link appears exactly when its page exists.
    links = (("ratings", "complaints:my_ratings"), ("credit", "credit:my_record"), ("queue", "approvals:my_queue"))
    for key, name in links:
        try:
            url = reverse(name)
        except NoReverseMatch:
            assert response.context["links"][key] is None, key
        else:
            assert response.context["links"][key] == url and f'href="{url}"' in html, key


def test_public_pages_show_figures_and_commitments_but_no_personal_data(world, city, client, settings):
    commitment = task_services.assign_task(
        title="企业开办一日办结",
        description="全流程1个工作日内办结。",
        kind=TaskKind.COMMITMENT,
        lead_department=world.x,
        responsible=world.clerk_x.user,
        co_departments=[world.y],
        limit_days=60,
        is_public=True,
        actor=world.supervisor.user,
        at=at(2025, 11, 5, 9),
    )
    report_text = "张伟已完成窗口流程再造，联系电话13800138000"
    task_services.report_progress(
        commitment,
        department=world.x,
        author=world.clerk_x.user,
        text=report_text,
        progress=60,
        at=at(2025, 11, 18, 9),
    )
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    index = client.get(reverse("dashboards:disclosure"))
    assert index.status_code == 200 and "企业开办一日办结" in index.content.decode()
    response = client.get(reverse("dashboards:disclosure_department", args=["x"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "企业开办一日办结" in html  # the public commitment it leads
    assert "全流程1个工作日内办结。" in html  # what is promised
    assert "60 %" in html  # the lead department's report moved it to 60 %
    assert "一件事一次办" not in html  # a task not marked public
    months = response.context["months"]
    assert (months[-2].finished, months[-2].on_time_rate) == (20, 95)
    assert (months[-1].received, months[-1].on_time_rate) == (10, 70)
    assert (months[-1].ratings, months[-1].satisfaction) == (2, Decimal("70.00"))
    # Complaints this year by category: six received (buck-passing), one concluded.
    counts = {row["category"]: (row["received"], row["concluded"]) for row in response.context["complaints"]}
    assert counts["buck_passing"] == (6, 1) and sum(r for r, _c in counts.values()) == 6
    # The department's own assessment result, never a person's.
    assert response.context["results"] == [{"period": "部门月度考核 · 2025-10", "rank": 2, "grade": "Good (良好)"}]
    assert "部门月度考核 · 2025-10 · rank 2 · Good (良好)" in html
    assert f'href="{reverse("org:department_board", args=["x"])}"' in html
    # Nobody's name, username, phone or e-mail appears, nor what people wrote or how they were assessed.
    people = [world.clerk_x, world.clerk_y, world.head_x, world.head_y, world.leader, world.supervisor]
    personal = [value for p in people for value in (p.name, p.user.username, p.phone, p.user.email)]
    personal += [world.admin.username, world.admin.email, world.citizen.username, world.citizen.email]
    personal += [getattr(world.citizen, "phone", ""), getattr(world.admin, "phone", "")]
    personal += [COMPLAINT_TEXT, *COMPLAINANT.values(), *RATING_COMMENTS, report_text]
    personal += ["公务员月度考核", "88.50", "得分计算有误", "事实不清"]
    for value in personal:
        assert not value or value not in html, value
    assert client.get(reverse("dashboards:disclosure_department", args=["nowhere"])).status_code == 404
    # The co-department's page lists the commitment too.
    assert "企业开办一日办结" in client.get(reverse("dashboards:disclosure_department", args=["y"])).content.decode()


def test_public_commitments_say_what_is_promised_in_status_order_and_chart_the_months(world, city, client, settings):
    import json

    from efficiency_portal.supervised_tasks.selectors import public_commitments

    def commitment(title: str, promise: str, days: int):
        return task_services.assign_task(
            title=title,
            description=promise,
            kind=TaskKind.COMMITMENT,
            lead_department=world.x,
            responsible=world.clerk_x.user,
            limit_days=days,
            is_public=True,
            actor=world.supervisor.user,
            at=at(2025, 11, 3, 9),
        )

    # Due dates so that neither the due date nor the status code as text gives the right order.
    closed = commitment("承诺甲（已销号）", "甲：不动产登记三日办结。", 5)
    awaiting = commitment("承诺乙（待销号）", "乙：企业开办一日办结。", 10)
    commitment("承诺丙（推进中）", "丙：社保业务全程网办。", 30)
    for task in (closed, awaiting):
        task_services.report_progress(
            task, department=world.x, author=world.clerk_x.user, text="完成", progress=100, asks_close_out=True
        )
    task_services.close_out(closed, actor=world.supervisor.user)
    expected = ["承诺丙（推进中）", "承诺乙（待销号）", "承诺甲（已销号）"]
    assert [task.title for task in public_commitments()] == expected
    assert [task.title for task in public_commitments(world.x)] == expected
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in (reverse("dashboards:disclosure"), reverse("dashboards:disclosure_department", args=["x"])):
        html = client.get(url).content.decode()
        positions = [html.index(title) for title in expected]
        assert positions == sorted(positions), url
        for promise in ("甲：不动产登记三日办结。", "乙：企业开办一日办结。", "丙：社保业务全程网办。"):
            assert promise in html, (url, promise)
    # The month chart: data embedded as JSON (no inline script under the CSP), drawn by the shared chart script.
    response = client.get(reverse("dashboards:disclosure_department", args=["x"]))
    html = response.content.decode()
    chart = json.loads(html.split('<script id="trend-data" type="application/json">')[1].split("</script>")[0])
    assert chart["labels"][-1] == "2025-11" and len(chart["labels"]) == 12
    series = {row["label"]: row["data"] for row in chart["series"]}
    assert series["On-time rate (%)"][-2:] == [95.0, 70.0]
    assert series["Satisfaction (0-100)"][-1] == 70.0 and series["Satisfaction (0-100)"][0] is None
    assert "portal/charts" in html and "chartjs/chart.umd" in html
    assert 'id="public-months"' in html  # the table stays beside the chart
    inline = [tag for tag in html.split("<script")[1:] if "src=" not in tag.split(">")[0]]
    assert all('type="application/json"' in tag.split(">")[0] for tag in inline)


def test_public_index_lists_every_department_with_last_months_figures(world, city, client, settings):
    rating_services.rate_window_visit(world.x, level=4, handler=world.clerk_x, at=at(2025, 10, 15, 10))
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("dashboards:disclosure"))
    lines = {line.code: line for line in response.context["departments"]}
    # October 2025 (frozen on 20 November): x finished 20, 19 on time; one rating of 4 = 80 points. y: nothing.
    x, y = lines["x"], lines["y"]
    assert (x.finished, x.on_time_rate, x.ratings, x.satisfaction) == (20, Decimal("95.0"), 1, Decimal("80.00"))
    assert (y.finished, y.on_time_rate, y.ratings, y.satisfaction) == (0, None, 0, None)
    html = response.content.decode()
    assert "Figures of 2025-10, the last complete month" in html
    assert f'href="{reverse("dashboards:disclosure_department", args=["x"])}"' in html
    assert "95.0 %" in html and "80.00" in html
    # The department page's October row says the same.
    page = client.get(reverse("dashboards:disclosure_department", args=["x"]))
    october = page.context["months"][-2]
    assert (october.finished, october.on_time_rate, october.satisfaction) == (20, x.on_time_rate, x.satisfaction)
    # More departments, no more queries.
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("dashboards:disclosure"))
    DepartmentFactory.create_batch(5)
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("dashboards:disclosure"))
    assert len(after) == len(before)


def test_department_page_links_its_units_and_says_its_figures_are_its_own(world, city, client, settings):
    section = DepartmentFactory(parent=world.x, name="登记注册科", kind=Department.Kind.DEPARTMENT)
    DepartmentFactory(parent=world.x, name="综合受理窗口", kind=Department.Kind.WINDOW)
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("dashboards:disclosure_department", args=["x"]))
    assert page.context["units"] == [{"code": section.code, "name": "登记注册科"}]  # windows have no public page
    html = page.content.decode()
    assert "the department's own" in html
    assert f'href="{reverse("dashboards:disclosure_department", args=[section.code])}"' in html
    assert (
        'id="public-units"' not in client.get(reverse("dashboards:disclosure_department", args=["y"])).content.decode()
    )
