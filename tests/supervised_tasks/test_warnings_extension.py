"""The warnings of a task's clocks (who is told at yellow and at red), the notifications of close-out, the API's return,
multipart upload and attachments, and the one extension of a task's limit (service, page, API)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from efficiency_portal.notifications.models import Notification
from efficiency_portal.supervised_tasks import services
from efficiency_portal.supervised_tasks.models import TaskEvent, TaskEventAction, TaskStatus
from efficiency_portal.supervision.models import DeadlineStatus, Light, RecipientRole, Warning, WarningLevel
from efficiency_portal.supervision.services import sweep_deadlines
from tests.factories import DepartmentFactory, StaffFactory, pdf_upload

from .conftest import at

pytestmark = pytest.mark.django_db


def told(deadline, level: str) -> set[tuple[str, str]]:
    [warning] = Warning.objects.filter(deadline=deadline, level=level)
    return {(r.user.username, r.role) for r in warning.recipients.select_related("user")}


def test_yellow_tells_the_responsible_people_and_red_also_the_head_and_the_leader(world, task):
    deadline = services.task_deadline(task)
    [part] = services.part_deadlines(task)
    with time_machine.travel(deadline.yellow_from + dt.timedelta(minutes=5), tick=False):
        sweep_deadlines()
        sweep_deadlines()  # nothing twice
    deadline.refresh_from_db()
    part.refresh_from_db()
    assert (deadline.light, part.light) == (Light.YELLOW, Light.YELLOW)
    assert told(deadline, WarningLevel.YELLOW) == {("zhangwei", RecipientRole.RESPONSIBLE)}
    assert told(part, WarningLevel.YELLOW) == {("liuqiang", RecipientRole.RESPONSIBLE)}  # y's head answers for y
    with time_machine.travel(deadline.due_at + dt.timedelta(hours=1), tick=False):
        sweep_deadlines()
        sweep_deadlines()
    deadline.refresh_from_db()
    assert deadline.light == Light.RED
    # x's clerk, x's head and x's leader in charge.
    assert told(deadline, WarningLevel.RED) == {
        ("zhangwei", RecipientRole.RESPONSIBLE),
        ("chenming", RecipientRole.HEAD),
        ("zhaofu", RecipientRole.LEADER),
    }
    assert Warning.objects.filter(deadline=deadline).count() == 2


def notes(user, title: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="supervised_task", title=title))


def test_close_out_asked_granted_and_returned_are_told(world, task):
    submit = dict(department=world.x, author=world.clerk_x.user, text="完成", progress=100, asks_close_out=True)
    services.report_progress(task, **submit, at=at(2025, 9, 29, 9))
    [asked] = notes(world.supervisor.user, "A supervised task awaits your acceptance")
    assert asked.link == task.get_absolute_url() and asked.body == task.title
    services.return_task(task, actor=world.supervisor.user, reason="缺少佐证材料", at=at(2025, 9, 29, 15))
    [returned] = notes(world.clerk_x.user, "Your supervised task was returned for more work")
    assert returned.link == task.get_absolute_url()
    services.report_progress(task, **submit, at=at(2025, 9, 30, 9))
    assert len(notes(world.supervisor.user, "A supervised task awaits your acceptance")) == 2
    services.close_out(task, actor=world.supervisor.user, note="同意销号", at=at(2025, 9, 30, 15))
    [closed] = notes(world.clerk_x.user, "Your supervised task was closed out")
    assert closed.link == task.get_absolute_url()
    # Nobody else was told of these steps.
    assert not notes(world.head_x.user, "Your supervised task was closed out")


def test_api_return_multipart_upload_and_attachments(world, task, login):
    api = login(world.clerk_x.user)
    url = f"/api/tasks/{task.pk}/report/"
    fake = SimpleUploadedFile("假.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    bad = api.post(url, {"department": world.x.pk, "text": "进展", "progress": 100, "files": [fake]})
    assert bad.status_code == 400 and "files" in bad.json()
    assert not task.reports.exists()
    made = api.post(
        url,
        {
            "department": world.x.pk,
            "text": "已完成，附件为验收材料",
            "progress": 100,
            "asks_close_out": "true",
            "files": [pdf_upload("验收报告.pdf"), pdf_upload("照片说明.pdf")],
        },
    )
    assert made.status_code == 201
    assert sorted(a["name"] for a in made.json()["attachments"]) == ["照片说明.pdf", "验收报告.pdf"]
    # Return: supervisors only, with a reason, and only while the task awaits acceptance.
    return_url = f"/api/tasks/{task.pk}/return/"
    assert api.post(return_url, {"reason": "缺材料"}, content_type="application/json").status_code == 403
    api = login(world.supervisor.user)
    empty = api.post(return_url, {"reason": ""}, content_type="application/json")
    assert empty.status_code == 400 and "reason" in empty.json()
    back = api.post(return_url, {"reason": "缺少现场照片"}, content_type="application/json")
    assert back.status_code == 200 and back.json()["status"] == TaskStatus.IN_PROGRESS
    again = api.post(return_url, {"reason": "缺少现场照片"}, content_type="application/json")
    assert again.status_code == 400 and "status" in again.json()
    # The detail lists each report's attachments with the permission-checked download.
    detail = api.get(f"/api/tasks/{task.pk}/").json()
    [report] = detail["reports"]
    assert [a["content_type"] for a in report["attachments"]] == ["application/pdf", "application/pdf"]
    links = [a["url"] for a in report["attachments"]]
    assert links == [reverse("supervised_tasks:attachment", args=[a["id"]]) for a in report["attachments"]]
    assert login(world.clerk_y.user).get(links[0]).status_code == 200  # y takes part
    assert login(world.citizen).get(links[0]).status_code == 404
    outsider = StaffFactory(department=DepartmentFactory())
    assert login(outsider.user).get(links[0]).status_code == 404
    assert login(outsider.user).get(f"/api/tasks/{task.pk}/").status_code == 404


def test_extend_once_before_expiry_through_the_clock(world, task):
    deadline = services.task_deadline(task)
    [part] = services.part_deadlines(task)
    assert deadline.due_at == at(2025, 10, 10, 17, 30)
    with pytest.raises(ValidationError) as error:
        services.extend_task(task, actor=world.supervisor.user, days=2, reason=" ", at=at(2025, 9, 29, 9))
    assert "reason" in error.value.message_dict
    extended = services.extend_task(
        task, actor=world.supervisor.user, days=2, reason="需省级部门会签", at=at(2025, 9, 29, 9)
    )
    # Two more working days after Fri Oct 10: Sat Oct 11 (a make-up working day) and Mon Oct 13.
    assert extended.due_at == at(2025, 10, 13, 17, 30)
    deadline.refresh_from_db()
    part.refresh_from_db()
    assert (deadline.due_at, deadline.extension_days, deadline.extension_reason) == (
        at(2025, 10, 13, 17, 30),
        2,
        "需省级部门会签",
    )
    assert part.due_at == at(2025, 10, 13, 17, 30) and part.extended_at is not None
    assert TaskEvent.objects.filter(task=task, action=TaskEventAction.EXTENDED, reason="需省级部门会签").exists()
    assert Notification.objects.filter(
        recipient=world.clerk_x.user, title="The time limit of a supervised task was extended"
    ).exists()
    assert Notification.objects.filter(
        recipient=world.head_y.user, title="The time limit of a supervised task was extended"
    ).exists()
    with pytest.raises(ValidationError):  # once only
        services.extend_task(task, actor=world.supervisor.user, days=1, reason="再延一天", at=at(2025, 9, 30, 9))
    task.refresh_from_db()
    assert task.due_at == at(2025, 10, 13, 17, 30)


def test_no_extension_after_expiry_or_close_out(world, task):
    with pytest.raises(ValidationError) as error:
        services.extend_task(task, actor=world.supervisor.user, days=2, reason="逾期后补延", at=at(2025, 10, 11, 9))
    assert "at" in error.value.message_dict
    assert services.task_deadline(task).extended_at is None
    submit = dict(department=world.x, author=world.clerk_x.user, text="完成", progress=100, asks_close_out=True)
    services.report_progress(task, **submit, at=at(2025, 9, 29, 9))
    services.close_out(task, actor=world.supervisor.user, at=at(2025, 9, 29, 10))
    with pytest.raises(ValidationError) as error:
        services.extend_task(task, actor=world.supervisor.user, days=2, reason="补延", at=at(2025, 9, 29, 11))
    assert "status" in error.value.message_dict
    assert services.task_deadline(task).status == DeadlineStatus.FINISHED


def test_extend_through_the_page_and_the_api(world, task, login):
    page = reverse("supervised_tasks:detail", args=[task.pk])
    url = reverse("supervised_tasks:extend", args=[task.pk])
    with time_machine.travel(at(2025, 9, 29, 9), tick=False):
        assert 'id="extend-form"' not in login(world.clerk_x.user).get(page).content.decode()
        assert login(world.clerk_x.user).post(url, {"extend-days": 2, "extend-reason": "x"}).status_code == 403
        client = login(world.supervisor.user)
        assert 'id="extend-form"' in client.get(page).content.decode()
        bad = client.post(url, {"extend-days": 0, "extend-reason": ""})
        assert bad.status_code == 400 and services.task_deadline(task).extended_at is None
        assert client.post(url, {"extend-days": 2, "extend-reason": "需省级部门会签"}).status_code == 302
        html = client.get(page).content.decode()
        assert 'id="extend-form"' not in html and "需省级部门会签" in html and 'id="task-extension"' in html
        assert client.post(url, {"extend-days": 1, "extend-reason": "再延"}).status_code == 400
        api_url = f"/api/tasks/{task.pk}/extend/"
        assert client.post(api_url, {"days": 1, "reason": "再延"}, content_type="application/json").status_code == 400
    task.refresh_from_db()
    assert task.due_at == at(2025, 10, 13, 17, 30)


def test_extend_through_the_api(world, task, login):
    url = f"/api/tasks/{task.pk}/extend/"
    with time_machine.travel(at(2025, 9, 29, 9), tick=False):
        body = {"days": 2, "reason": "需省级部门会签"}
        assert login(world.clerk_x.user).post(url, body, content_type="application/json").status_code == 403
        api = login(world.supervisor.user)
        bad = api.post(url, {"days": 0, "reason": ""}, content_type="application/json")
        assert bad.status_code == 400 and {"days", "reason"} <= set(bad.json())
        done = api.post(url, body, content_type="application/json")
        assert done.status_code == 200
        assert dt.datetime.fromisoformat(done.json()["due_at"]) == at(2025, 10, 13, 17, 30)
