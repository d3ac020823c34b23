"""The demo tasks load on top of the organisation demo and a second run adds nothing."""

from __future__ import annotations

import io

import pytest

from efficiency_portal.org import demo as org_demo
from efficiency_portal.supervised_tasks import demo
from efficiency_portal.supervised_tasks.models import Task, TaskStatus
from tests.factories import seed_calendar

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent():
    seed_calendar(2025, 2026)
    org_demo.load(io.StringIO())
    assert demo.load(io.StringIO())["tasks"] == 4
    assert demo.load(io.StringIO())["tasks"] == 0
    assert Task.objects.count() == 4
    assert Task.objects.filter(status=TaskStatus.CLOSED).count() == 1
    assert Task.objects.filter(is_public=True).exclude(public_progress_note="").count() == 2
