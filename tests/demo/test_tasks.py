"""The demo supervised tasks: four, one closed, two public with a progress note; a second run adds nothing."""

from __future__ import annotations

import io

from efficiency_portal.supervised_tasks import demo
from efficiency_portal.supervised_tasks.models import Task, TaskStatus


def test_four_tasks_loaded_once():
    assert Task.objects.count() == 4
    assert Task.objects.filter(status=TaskStatus.CLOSED).count() == 1
    assert Task.objects.filter(is_public=True).exclude(public_progress_note="").count() == 2
    assert demo.load(io.StringIO())["tasks"] == 0
    assert Task.objects.count() == 4
