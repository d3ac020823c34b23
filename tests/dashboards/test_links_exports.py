"""Links of the figures (only to pages the viewer may open, the statistics of the scope's own departments), the
Excel exports read back cell by cell, and who was told of a warning and who answered it (the red card's explanation)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from approvals.services.cards.explanations import submit_explanation
from approvals.services.cards.raising import raise_card
from efficiency_portal.dashboards.selectors import figures
from efficiency_portal.supervision.models import Deadline, Light, RecipientRole, Warning, WarningRecipient
from tests.factories import DepartmentFactory, ItemFactory, make_accepted_case

from .conftest import at, stat, workbook_rows

pytestmark = pytest.mark.django_db

OTHER_APPS = [
    "complaints_awaiting",
    "complaints_open",
    "complaints_overdue",
    "rectifications_open",
    "rectifications_overdue",
    "credit_pending",
    "objections_open",
    "objections_overdue",
    "appeals_open",
    "appeals_due",
]


def shown(client, url_name: str = "dashboards:command_centre") -> dict:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return figures.flat(response.context["sections"])


def test_a_leader_sees_no_link_to_the_lists_only_supervisors_may_open(world, city, login):
    leader = shown(login(world.leader.user))
    html = login(world.leader.user).get(reverse("dashboards:command_centre")).content.decode()
    for key in OTHER_APPS:
        assert leader[key].url is None, key
        card = re.search(rf'id="figure-{key}">(.*?)</div>\s*</div>\s*</div>', html, re.S)
        assert card and "<a " not in card.group(1), key
    # The lists they would lead to are closed to a leader indeed (where they exist).
    for name in ("complaints:work_list", "credit:pending_list", "credit:objection_list"):
        assert login(world.leader.user).get(reverse(name)).status_code == 403, name
    # Leaders may read the statistics: the case-throughput figures stay linked, and the link opens.
    client = login(world.leader.user)
    assert leader["received_month"].url and client.get(leader["received_month"].url).status_code == 200
    assert leader["cases_red"].url == reverse("dashboards:drill", args=["city", "cases_red"])


def test_a_supervisor_sees_every_other_apps_figure_linked_where_the_page_exists(world, city, login):
    supervisor = shown(login(world.supervisor.user))
    for key in ("complaints_awaiting", "complaints_open", "complaints_overdue", "credit_pending", "objections_open"):
        assert supervisor[key].url, key


def _query(url: str) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(url)
    return parts.path, parse_qsl(parts.query)


def test_statistics_links_cover_the_scopes_departments(world, city, login):
    # A leader in charge of x and of z: the month's figures link the statistics of x and z only.
    z = DepartmentFactory(name="交通运输局", code="z", leader_in_charge=world.leader)
    stat(z, ItemFactory(department=z), dt.date(2025, 11, 12), received=3, finished=2, finished_on_time=2)
    client = login(world.leader.user)
    found = shown(client, "dashboards:department")
    assert found["received_month"].value == 13  # x 10 + z 3
    path, query = _query(found["received_month"].url)
    assert path == reverse("approvals:statistics")
    assert sorted(query) == [("department", "x"), ("department", "z"), ("end", "2025-11-20"), ("start", "2025-11-01")]
    page = client.get(found["received_month"].url)
    assert page.status_code == 200
    assert [row.key for row in page.context["rows"]] == [row.key for row in page.context["rows"] if row.key in "xz"]
    assert sorted(row.key for row in page.context["rows"]) == ["x", "z"]
    assert page.context["overall"].received == found["received_month"].value
    # The period form keeps the departments when the period is changed.
    assert page.content.decode().count('name="department"') == 2
    path, query = _query(found["received_today"].url)
    assert dict(query)["start"] == dict(query)["end"] == "2025-11-20"
    # One department: its own page by item; the city: every department.
    head = shown(login(world.head_x.user), "dashboards:department")
    assert _query(head["received_month"].url)[0] == reverse("approvals:department_statistics", args=["x"])
    city_link = shown(login(world.supervisor.user))["received_month"].url
    assert _query(city_link) == (reverse("approvals:statistics"), [("start", "2025-11-01"), ("end", "2025-11-20")])


def test_every_export_of_the_dashboard_reads_back(world, city, login):
    client = login(world.supervisor.user)
    ranking = workbook_rows(client.get(reverse("dashboards:command_centre"), {"export": "ranking"}))
    assert ranking[0] == (
        "Rank",
        "Department",
        "Finished",
        "On-time rate (%)",
        "Overdue rate (%)",
        "Ratings",
        "Satisfaction (0-100)",
    )
    assert ranking[1] == (1, "自然资源和规划局", 1, 100, 0, 2, 40)
    assert ranking[2] == (2, "市场监督管理局", 10, 70, 30, 2, 70)

    trend = workbook_rows(client.get(reverse("dashboards:command_centre"), {"export": "trend"}))
    assert trend[0] == ("Month", "Received", "Finished", "On-time rate (%)", "Overdue rate (%)")
    assert len(trend) == 13 and trend[1][0] == "2024-12"
    assert trend[-2] == ("2025-10", 20, 20, 95, 5)
    assert trend[-1][:3] == ("2025-11", 11, 11) and float(trend[-1][3]) == 72.7

    red = workbook_rows(client.get(reverse("dashboards:drill", args=["city", "cases_red"]), {"export": "xlsx"}))
    assert red[0][:3] == ("Light", "Deadline", "Kind")
    assert sorted(row[1] for row in red[1:]) == ["逾期案件乙", "逾期案件甲"]
    assert {row[2] for row in red[1:]} == {"Approval case"}  # the label, not the code "case"
    assert {row[0] for row in red[1:]} == {"Red (overdue)"}  # the light's words, not the code "red"

    warnings_url = reverse("dashboards:drill", args=["city", "warnings_month"])
    warnings = workbook_rows(client.get(warnings_url, {"export": "xlsx"}))
    assert "Told (as, opened at)" in warnings[0]
    told = warnings[0].index("Told (as, opened at)")
    by_title = {row[2]: row for row in warnings[1:]}
    assert set(by_title) == {"逾期案件甲", "逾期案件乙"}
    assert by_title["逾期案件甲"][1] == "Approval case"
    assert by_title["逾期案件甲"][told] == (
        "张伟 (Responsible person (承办人), 2025-11-10 10:00); 陈明 (Department head (审核人), not opened)"
    )
    assert by_title["逾期案件乙"][told] == "王芳 (Responsible person (承办人), not opened)"

    tasks = workbook_rows(client.get(reverse("dashboards:drill", args=["city", "tasks_open"]), {"export": "xlsx"}))
    assert tasks[0][0] == "Task" and [row[:2] for row in tasks[1:]] == [("一件事一次办", "市场监督管理局")]

    task_list = workbook_rows(client.get(reverse("supervised_tasks:list"), {"export": "xlsx"}))
    assert [row[0] for row in task_list[1:]] == ["一件事一次办"]


def _red_case_warning(world, title: str, *, opened: bool):
    case = make_accepted_case(ItemFactory(department=world.x), accepted_at=at(2025, 10, 20, 9), clerk=world.clerk_x)
    deadline = Deadline.objects.get(kind="case", object_id=case.pk)
    Deadline.objects.filter(pk=deadline.pk).update(light=Light.RED, title=title)
    warning = Warning.objects.create(deadline=deadline, level="red", raised_at=at(2025, 11, 18, 9))
    WarningRecipient.objects.create(
        warning=warning,
        user=world.clerk_x.user,
        role=RecipientRole.RESPONSIBLE,
        told_at=at(2025, 11, 18, 9),
        acknowledged_at=at(2025, 11, 18, 9, 30) if opened else None,
    )
    WarningRecipient.objects.create(
        warning=warning, user=world.head_x.user, role=RecipientRole.HEAD, told_at=at(2025, 11, 18, 9)
    )
    WarningRecipient.objects.create(
        warning=warning, user=world.leader.user, role=RecipientRole.LEADER, told_at=at(2025, 11, 18, 9)
    )
    card = raise_card(case, trigger="overdue", at=at(2025, 11, 18, 9))
    return case, card


def test_who_was_told_and_who_explained_in_writing(world, city, login):
    _case, explained = _red_case_warning(world, "红牌已说明的案件", opened=True)
    submit_explanation(explained, world.clerk_x.user, "材料补正耗时较长，已加派人手处理。", at=at(2025, 11, 19, 15))
    _red_case_warning(world, "红牌未说明的案件", opened=False)
    client = login(world.supervisor.user)
    html = client.get(reverse("dashboards:command_centre")).content.decode()
    rows = {
        title: html[html.index(title) : html.index("</tr>", html.index(title))]
        for title in ("红牌已说明的案件", "红牌未说明的案件", "逾期案件甲")
    }
    # Everyone told, by name, with the time they opened it or "not opened".
    for title in ("红牌已说明的案件", "红牌未说明的案件"):
        assert "张伟" in rows[title] and "陈明" in rows[title] and "赵副市长" in rows[title]
    assert "11-18 09:30" in rows["红牌已说明的案件"]
    assert rows["红牌已说明的案件"].count("not opened") == 2
    assert rows["红牌未说明的案件"].count("not opened") == 3
    assert "11-10 10:00" in rows["逾期案件甲"] and rows["逾期案件甲"].count("not opened") == 1
    # Who answered: the handler's written explanation of the red card, linked to its review for a supervisor.
    assert "explained 11-19 15:00" in rows["红牌已说明的案件"]
    assert reverse("approvals:card_review", args=[explained.pk]) in rows["红牌已说明的案件"]
    assert "not explained yet" in rows["红牌未说明的案件"]
    assert "no red card yet" in rows["逾期案件甲"]  # a red warning whose case has no card raised
    # A leader reads the same, without the link to the supervisors' review page.
    leader_html = login(world.leader.user).get(reverse("dashboards:command_centre")).content.decode()
    assert "explained 11-19 15:00" in leader_html
    assert reverse("approvals:card_review", args=[explained.pk]) not in leader_html
    # The export says the same.
    rows_x = workbook_rows(
        login(world.supervisor.user).get(
            reverse("dashboards:drill", args=["city", "warnings_red_month"]), {"export": "xlsx"}
        )
    )
    column = rows_x[0].index("Written explanation (red card)")
    by_title = {row[2]: row[column] for row in rows_x[1:]}
    assert by_title["红牌已说明的案件"].startswith("explained 2025-11-19 15:00")
    assert by_title["红牌未说明的案件"] == "not explained yet"
