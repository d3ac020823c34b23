"""Assigning, reporting, close-out rules, the clocks of a task and its warnings."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from efficiency_portal.notifications.models import Notification
from efficiency_portal.supervised_tasks import selectors, services
from efficiency_portal.supervised_tasks.models import (
    PART_DEADLINE_KIND,
    TaskAttachment,
    TaskEvent,
    TaskEventAction,
    TaskReport,
    TaskStatus,
)
from efficiency_portal.supervision.models import DeadlineStatus, Light, Outcome, Warning, WarningLevel
from efficiency_portal.supervision.services import sweep_deadlines
from tests.factories import pdf_upload

from .conftest import at

pytestmark = pytest.mark.django_db


def test_assign_starts_a_clock_for_the_lead_and_each_co_department(world, task):
    deadline = services.task_deadline(task)
    # Fri Sep 26 + 5 working days across the National Day holiday (Oct 1-8; Sun Sep 28 is a make-up working day).
    assert deadline.due_at == at(2025, 10, 10, 17, 30)
    assert deadline.department == world.x and deadline.responsible == world.clerk_x.user
    assert task.due_at == deadline.due_at
    parts = list(services.part_deadlines(task))
    assert [(d.kind, d.department_id, d.responsible_id) for d in parts] == [
        (PART_DEADLINE_KIND, world.y.pk, world.head_y.user.pk)
    ]
    assert Notification.objects.filter(recipient=world.clerk_x.user, kind="supervised_task").count() == 1
    assert Notification.objects.filter(recipient=world.head_y.user, kind="supervised_task").count() == 1
    assert list(TaskEvent.objects.filter(task=task).values_list("action", flat=True)) == [TaskEventAction.ASSIGNED]


def test_assign_refuses_bad_input_and_writes_nothing(world):
    with pytest.raises(ValidationError) as error:
        services.assign_task(
            title=" ",
            description="",
            lead_department=world.x,
            responsible=world.clerk_y.user,
            limit_days=0,
            actor=world.supervisor.user,
        )
    assert set(error.value.message_dict) == {"title", "description", "responsible", "limit_days"}
    from efficiency_portal.supervised_tasks.models import Task

    assert not Task.objects.exists()


def test_close_out_only_after_the_lead_submits_and_only_at_100_percent(world, task):
    supervisor = world.supervisor.user
    with pytest.raises(ValidationError):
        services.close_out(task, actor=supervisor)
    with pytest.raises(ValidationError) as error:
        services.report_progress(
            task, department=world.x, author=world.clerk_x.user, text="基本完成", progress=90, asks_close_out=True
        )
    assert "progress" in error.value.message_dict
    services.report_progress(
        task,
        department=world.x,
        author=world.clerk_x.user,
        text="已完成",
        progress=100,
        asks_close_out=True,
        at=at(2025, 9, 29, 9),
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.AWAITING_ACCEPTANCE and task.progress == 100
    deadline = services.task_deadline(task)
    assert deadline.status == DeadlineStatus.PAUSED
    with pytest.raises(ValidationError):
        services.report_progress(task, department=world.x, author=world.clerk_x.user, text="又一条", progress=100)
    closed = services.close_out(task, actor=supervisor, note="同意销号", at=at(2025, 9, 30, 10))
    assert closed.status == TaskStatus.CLOSED and closed.closed_by == supervisor
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.FINISHED and deadline.outcome == Outcome.EARLY
    assert all(d.status == DeadlineStatus.FINISHED for d in services.part_deadlines(task))
    with pytest.raises(ValidationError):
        services.close_out(task, actor=supervisor)


def test_return_sends_the_task_back_and_resumes_its_clock(world, task):
    services.report_progress(
        task,
        department=world.x,
        author=world.clerk_x.user,
        text="完成",
        progress=100,
        asks_close_out=True,
        at=at(2025, 9, 29, 9),
    )
    with pytest.raises(ValidationError):
        services.return_task(task, actor=world.supervisor.user, reason=" ")
    returned = services.return_task(task, actor=world.supervisor.user, reason="缺少佐证材料", at=at(2025, 9, 29, 15))
    assert returned.status == TaskStatus.IN_PROGRESS
    assert services.task_deadline(task).status == DeadlineStatus.OPEN
    assert TaskEvent.objects.filter(task=task, action=TaskEventAction.RETURNED, reason="缺少佐证材料").exists()


def test_co_department_reports_its_part_done_and_its_clock_stops(world, task):
    services.report_progress(
        task,
        department=world.y,
        author=world.head_y.user,
        text="配合完成",
        progress=100,
        asks_close_out=True,
        at=at(2025, 9, 29, 9),
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.progress == 0
    (part_deadline,) = services.part_deadlines(task)
    assert part_deadline.status == DeadlineStatus.FINISHED
    with pytest.raises(ValidationError):
        services.report_progress(task, department=world.y, author=world.head_y.user, text="再报", progress=100)


def test_attachments_are_checked_by_content(world, task):
    fake = SimpleUploadedFile("说明.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.report_progress(
            task, department=world.x, author=world.clerk_x.user, text="进展", progress=30, files=[fake]
        )
    assert "files" in error.value.message_dict
    assert not TaskReport.objects.exists()
    report = services.report_progress(
        task, department=world.x, author=world.clerk_x.user, text="进展", progress=30, files=[pdf_upload()]
    )
    assert TaskAttachment.objects.get(report=report).content_type == "application/pdf"


def test_a_department_without_a_part_cannot_report(world, task):
    from tests.factories import DepartmentFactory

    with pytest.raises(ValidationError):
        services.report_progress(task, department=DepartmentFactory(), author=world.clerk_x.user, text="x", progress=10)


def test_overdue_task_turns_red_and_warns_once(world, task):
    deadline = services.task_deadline(task)
    with time_machine.travel(deadline.due_at.replace(hour=23), tick=False):
        sweep_deadlines()
        sweep_deadlines()
    deadline.refresh_from_db()
    assert deadline.light == Light.RED
    assert Warning.objects.filter(deadline=deadline, level=WarningLevel.RED).count() == 1
    # The task counts once, by its lead clock, although the co-department's part is red as well.
    assert selectors.dashboard_counts()["red"] == 1
    assert list(selectors.red_tasks()) == [task]


def test_visibility_matrix(world, task):
    expected = {
        "anonymous": False,
        "citizen": False,
        "clerk_x": True,
        "clerk_y": True,  # y takes part
        "head_x": True,
        "head_y": True,
        "leader": True,
        "supervisor": True,
        "admin": True,
    }
    for who, sees in expected.items():
        user = world.user(who)
        from django.contrib.auth.models import AnonymousUser

        visible = selectors.visible_tasks(user or AnonymousUser()).filter(pk=task.pk).exists()
        assert visible is sees, who
    assert [d.pk for d in selectors.reporting_departments(world.clerk_x.user, task)] == [world.x.pk]
    assert [d.pk for d in selectors.reporting_departments(world.head_y.user, task)] == [world.y.pk]
    assert selectors.reporting_departments(world.supervisor.user, task) == []
