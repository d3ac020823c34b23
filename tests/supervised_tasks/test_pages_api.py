"""Pages and API of supervised tasks: permissions matrix, bad input, Excel export, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from efficiency_portal.supervised_tasks import services
from efficiency_portal.supervised_tasks.models import Task, TaskKind, TaskStatus
from tests.factories import pdf_upload

from .conftest import MATRIX

pytestmark = pytest.mark.django_db

LIST_STATUS = {
    "anonymous": 302,
    "citizen": 403,
    "clerk_x": 200,
    "clerk_y": 200,
    "head_x": 200,
    "head_y": 200,
    "leader": 200,
    "supervisor": 200,
    "admin": 200,
}
DETAIL_STATUS = {**LIST_STATUS, "citizen": 404}
CREATE_STATUS = {**LIST_STATUS, **dict.fromkeys(["clerk_x", "clerk_y", "head_x", "head_y", "leader", "citizen"], 403)}


@pytest.mark.parametrize("who", MATRIX)
def test_page_permissions(world, task, login, who):
    client = login(world.user(who))
    assert client.get(reverse("supervised_tasks:list")).status_code == LIST_STATUS[who]
    assert client.get(reverse("supervised_tasks:detail", args=[task.pk])).status_code == DETAIL_STATUS[who]
    assert client.get(reverse("supervised_tasks:create")).status_code == CREATE_STATUS[who]


def test_outsider_does_not_see_the_task(world, task, login):
    from tests.factories import DepartmentFactory, StaffFactory

    outsider = StaffFactory(department=DepartmentFactory())
    client = login(outsider.user)
    assert client.get(reverse("supervised_tasks:detail", args=[task.pk])).status_code == 404
    response = client.get(reverse("supervised_tasks:list"))
    assert response.status_code == 200 and task.title not in response.content.decode()


def test_assign_through_the_page_with_bad_then_good_input(world, login):
    client = login(world.supervisor.user)
    url = reverse("supervised_tasks:create")
    bad = client.post(url, {"title": "", "kind": "reform", "limit_days": "0"})
    assert bad.status_code == 400 and not Task.objects.exists()
    wrong_person = client.post(
        url,
        {
            "title": "改革",
            "kind": "reform",
            "description": "内容",
            "lead_department": world.x.pk,
            "responsible": world.clerk_y.pk,
            "limit_days": 10,
        },
    )
    assert wrong_person.status_code == 400
    assert "The responsible person must work in the lead department." in wrong_person.content.decode()
    assert not Task.objects.exists()
    good = client.post(
        url,
        {
            "title": "改革",
            "kind": "reform",
            "description": "内容",
            "lead_department": world.x.pk,
            "responsible": world.clerk_x.pk,
            "co_departments": [world.y.pk],
            "limit_days": 10,
        },
    )
    task = Task.objects.get()
    assert good.status_code == 302 and good["Location"] == task.get_absolute_url()
    assert task.parts.get().department == world.y


def test_report_close_and_return_through_the_pages(world, task, login):
    client = login(world.clerk_x.user)
    report_url = reverse("supervised_tasks:report", args=[task.pk])
    assert client.post(report_url, {"department": world.x.pk, "text": "", "progress": 150}).status_code == 400
    response = client.post(
        report_url,
        {"department": world.x.pk, "text": "已完成", "progress": 100, "asks_close_out": "on", "files": [pdf_upload()]},
    )
    assert response.status_code == 302
    assert client.post(reverse("supervised_tasks:close", args=[task.pk]), {}).status_code == 403
    attachment = task.reports.get().attachments.get()
    assert client.get(reverse("supervised_tasks:attachment", args=[attachment.pk])).status_code == 200
    client = login(world.citizen)
    assert client.get(reverse("supervised_tasks:attachment", args=[attachment.pk])).status_code == 404
    client = login(world.supervisor.user)
    assert client.post(reverse("supervised_tasks:return", args=[task.pk]), {"reason": ""}).status_code == 400
    assert client.post(reverse("supervised_tasks:close", args=[task.pk]), {"note": "同意"}).status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.CLOSED
    # Closing twice: a clear message, not a 500.
    assert client.post(reverse("supervised_tasks:close", args=[task.pk]), {"note": "同意"}).status_code == 400


def test_list_export_and_query_count(world, login, django_assert_max_num_queries):
    client = login(world.supervisor.user)

    def make(n: int) -> None:
        for i in range(n):
            services.assign_task(
                title=f"任务{Task.objects.count()}-{i}",
                description="内容",
                lead_department=world.x,
                responsible=world.clerk_x.user,
                co_departments=[world.y],
                limit_days=5,
                actor=world.supervisor.user,
                kind=TaskKind.REFORM,
            )

    make(1)
    client.get(reverse("supervised_tasks:list"))
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("supervised_tasks:list"))
    make(20)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("supervised_tasks:list"))
    assert response.status_code == 200
    export = client.get(reverse("supervised_tasks:list"), {"export": "xlsx", "status": "in_progress"})
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]


def test_api_flow_and_permissions(world, login):
    api = login(world.clerk_x.user)
    payload = {
        "title": "接口任务",
        "kind": "reform",
        "description": "内容",
        "lead_department": world.x.pk,
        "responsible": world.clerk_x.pk,
        "co_departments": [world.y.pk],
        "limit_days": 5,
    }
    assert api.post("/api/tasks/", payload, content_type="application/json").status_code == 403
    api = login(world.supervisor.user)
    bad = api.post("/api/tasks/", {**payload, "limit_days": 0}, content_type="application/json")
    assert bad.status_code == 400 and "limit_days" in bad.json()
    created = api.post("/api/tasks/", payload, content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    api = login(world.clerk_y.user)
    listed = api.get("/api/tasks/").json()
    assert [row["id"] for row in listed["results"]] == [pk]  # y takes part, so its clerk sees the task
    wrong = api.post(
        f"/api/tasks/{pk}/report/",
        {"department": world.x.pk, "text": "x", "progress": 10},
        content_type="application/json",
    )
    assert wrong.status_code == 400
    api = login(world.clerk_x.user)
    done = api.post(
        f"/api/tasks/{pk}/report/",
        {"department": world.x.pk, "text": "完成", "progress": 100, "asks_close_out": True},
        content_type="application/json",
    )
    assert done.status_code == 201
    assert api.post(f"/api/tasks/{pk}/close/", {}, content_type="application/json").status_code == 403
    api = login(world.supervisor.user)
    closed = api.post(f"/api/tasks/{pk}/close/", {"note": "同意"}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["status"] == TaskStatus.CLOSED
    assert api.post(f"/api/tasks/{pk}/close/", {}, content_type="application/json").status_code == 400
    detail = api.get(f"/api/tasks/{pk}/").json()
    assert [r["progress"] for r in detail["reports"]] == [100]
    api = login(world.citizen)
    assert api.get(f"/api/tasks/{pk}/").status_code == 404


def test_supervisor_sets_the_public_summary(world, task, login):
    url = reverse("supervised_tasks:public_note", args=[task.pk])
    assert login(world.clerk_x.user).post(url, {"public-note": "已完成一半"}).status_code == 403
    client = login(world.supervisor.user)
    assert client.post(url, {"public-note": "x" * 301}).status_code == 400
    assert client.post(url, {"public-note": "已完成一半"}).status_code == 302
    task.refresh_from_db()
    assert task.public_progress_note == "已完成一半"
    public = client.get(reverse("dashboards:disclosure")).content.decode()
    assert "已完成一半" in public
