"""Who may open which dashboard (pages, live figures, lists, API); my page; public pages without personal data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from efficiency_portal.supervised_tasks import services as task_services
from efficiency_portal.supervised_tasks.models import TaskKind

from .conftest import MATRIX, at

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
    # x's green, yellow and red cases and the supervised task; not the finished case.
    assert response.context["running_count"] == 4
    assert "逾期案件甲" in html
    assert [r.warning.deadline.title for r in response.context["warnings"]] == ["逾期案件甲"]
    assert response.context["credit"].points is not None


def test_public_pages_show_figures_and_commitments_but_no_personal_data(world, city, client):
    task_services.assign_task(
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
    client.logout()
    index = client.get(reverse("dashboards:disclosure"))
    assert index.status_code == 200 and "企业开办一日办结" in index.content.decode()
    response = client.get(reverse("dashboards:disclosure_department", args=["x"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "企业开办一日办结" in html  # the public commitment it leads
    assert "一件事一次办" not in html  # a task not marked public
    months = response.context["months"]
    assert (months[-2].finished, months[-2].on_time_rate) == (20, 95)
    assert (months[-1].received, months[-1].on_time_rate) == (10, 70)
    # Nobody's name, username, phone or e-mail appears.
    people = [world.clerk_x, world.clerk_y, world.head_x, world.head_y, world.leader, world.supervisor]
    for person in people:
        for value in (person.name, person.user.username, person.phone, person.user.email):
            assert not value or value not in html, value
    assert client.get(reverse("dashboards:disclosure_department", args=["nowhere"])).status_code == 404
    # The co-department's page lists the commitment too.
    assert "企业开办一日办结" in client.get(reverse("dashboards:disclosure_department", args=["y"])).content.decode()
