"""Supervised tasks in the browser: a department reports progress with an attachment, the supervisor closes it out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from efficiency_portal.org.models import Role
from efficiency_portal.supervised_tasks import services
from efficiency_portal.supervised_tasks.models import Task, TaskKind, TaskStatus
from tests.e2e.conftest import log_in
from tests.factories import PDF_BYTES, DepartmentFactory, StaffFactory, ensure_official_calendar, make_head

pytestmark = [pytest.mark.e2e]


@pytest.fixture(autouse=True)
def _private_media(_plain_static, settings, tmp_path) -> Iterator[None]:
    from django.core.files.storage import storages

    private = settings.STORAGES["private"]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**private, "OPTIONS": {**private["OPTIONS"], "location": str(tmp_path)}},
    }
    storages._storages.pop("private", None)
    yield
    storages._storages.pop("private", None)


def test_a_department_reports_task_progress_and_the_supervisor_closes_it(page) -> None:
    ensure_official_calendar()
    lead = DepartmentFactory(name="市市场监督管理局")
    head = make_head(lead, name="陈科长")
    supervisor = StaffFactory(name="周敏", roles=[Role.SUPERVISOR])
    task = services.assign_task(
        title="企业开办一日办结（浏览器测试）",
        description="全流程1个工作日内办结。",
        kind=TaskKind.COMMITMENT,
        lead_department=lead,
        responsible=head.user,
        limit_days=20,
        is_public=True,
        actor=supervisor.user,
        at=timezone.now(),
    )

    # The head of the lead department finds the task in the list and reports it done, with proof attached.
    log_in(page, head.user.username)
    page.goto(reverse("supervised_tasks:list"))
    with page.expect_navigation():
        page.locator("#task-list").get_by_role("link", name=task.title).click()
    page.fill("#id_text", "已实现全流程网办，平均办理时间0.8个工作日。")
    page.fill("#id_progress", "100")
    page.set_input_files("#id_files", {"name": "验收材料.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES})
    page.check("#id_asks_close_out")
    with page.expect_navigation():
        page.locator("#report-form button[type=submit]").click()
    expect(page.locator("#reports")).to_contain_text("验收材料.pdf")
    expect(page.locator("#task-progress")).to_have_text("100 %")
    task.refresh_from_db()
    assert task.status == TaskStatus.AWAITING_ACCEPTANCE

    # The supervisor reads the report and closes the task out (销号).
    page.context.clear_cookies()
    log_in(page, supervisor.user.username)
    page.goto(task.get_absolute_url())
    page.fill("#id_note", "佐证材料齐全，同意销号。")
    with page.expect_navigation():
        page.locator("#close-form button[type=submit]").click()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.CLOSED
    expect(page.locator("#close-form")).to_have_count(0)
