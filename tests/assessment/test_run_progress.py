"""The period shows a queued run as queued, then in progress, then finished (or failed, with the reason)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import IndicatorKind, Period, PeriodStatus, Result, RunState
from assessment.services import publishing, runs
from assessment.tasks import run_period_task
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, StaffFactory, UserFactory, seed_calendar

from .factories import make_period, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    seed_calendar(2026)
    x = DepartmentFactory(name="X科")
    alice = StaffFactory(department=x, name="张三")
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    scheme = make_scheme()
    period = make_period(scheme)
    detail = reverse("assessment:period_detail", args=[period.pk])
    run_url = reverse("assessment:period_run", args=[period.pk])
    return locals()


def _state(period: Period) -> str:
    return Period.objects.values_list("run_state", flat=True).get(pk=period.pk)


def test_a_new_period_has_not_been_run(client, world):
    assert world["period"].run_state == RunState.IDLE
    client.force_login(world["supervisor"])
    page = client.get(world["detail"]).content.decode()
    assert 'data-state="idle"' in page and "Not run yet" in page
    assert 'http-equiv="refresh"' not in page


def test_the_page_shows_a_queued_run_then_its_end(client, world, django_capture_on_commit_callbacks, monkeypatch):
    client.force_login(world["supervisor"])
    seen: list[str] = []
    original = runs.run_period

    def watching(period, **kwargs):
        # What another request sees while the task works: the state was committed before the run began.
        seen.append(_state(period))
        return original(period, **kwargs)

    monkeypatch.setattr(runs, "run_period", watching)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert client.post(world["run_url"]).status_code == 302
    period = Period.objects.get(pk=world["period"].pk)
    assert period.run_state == RunState.QUEUED and period.run_requested_at is not None
    page = client.get(world["detail"]).content.decode()
    assert "Run queued" in page and 'http-equiv="refresh"' in page
    assert 'type="submit" disabled' in page
    assert client.get(reverse("assessment:period_list")).content.decode().count("Run queued") == 1

    # A second request while the first is queued is refused with a message, and nothing more is queued.
    with django_capture_on_commit_callbacks(execute=False) as again:
        response = client.post(world["run_url"], follow=True)
    assert "already queued or in progress" in response.content.decode()
    assert again == []

    for callback in queued:
        callback()
    assert seen == [RunState.RUNNING]
    period.refresh_from_db()
    assert period.run_state == RunState.DONE and period.status == PeriodStatus.COMPUTED
    run = period.runs.get()
    assert period.run_finished_at == run.finished_at
    assert period.run_requested_at <= period.run_started_at <= period.run_finished_at
    page = client.get(world["detail"]).content.decode()
    assert "Run finished" in page and timezone.localtime(run.finished_at).strftime("%Y-%m-%d %H:%M:%S") in page
    assert 'http-equiv="refresh"' not in page
    assert "Run finished" in client.get(reverse("assessment:period_list")).content.decode()


def test_a_run_stuck_in_the_queue_may_be_queued_again(client, world, django_capture_on_commit_callbacks):
    old = timezone.now() - dt.timedelta(minutes=31)
    Period.objects.filter(pk=world["period"].pk).update(run_state=RunState.QUEUED, run_requested_at=old)
    client.force_login(world["supervisor"])
    page = client.get(world["detail"]).content.decode()
    assert "it may be queued again" in page and 'http-equiv="refresh"' not in page
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert client.post(world["run_url"]).status_code == 302
    assert len(queued) == 1
    assert _state(world["period"]) == RunState.DONE


def test_a_refused_run_is_shown_failed_with_the_reason(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["supervisor"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(world["run_url"])
    # The weights were changed between queueing and running.
    world["scheme"].indicators.filter(kind=IndicatorKind.EVALUATED).update(weight=10)
    for callback in queued:
        callback()
    period = Period.objects.get(pk=world["period"].pk)
    assert period.run_state == RunState.FAILED and "sum to 100" in period.run_message
    assert period.run_finished_at is not None and not Result.objects.exists()
    page = client.get(world["detail"]).content.decode()
    assert "Run failed" in page and "sum to 100" in page
    assert 'type="submit" disabled' not in page


def test_an_unexpected_error_is_shown_failed_and_raised_for_the_worker_log(world, monkeypatch):
    def broken(period, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(runs, "run_period", broken)
    with pytest.raises(RuntimeError):
        run_period_task(world["period"].pk)
    period = Period.objects.get(pk=world["period"].pk)
    assert period.run_state == RunState.FAILED
    assert "unexpected error" in period.run_message and "disk full" not in period.run_message


def test_the_task_leaves_a_published_or_missing_period_alone(world):
    runs.run_period(world["period"])
    publishing.publish_period(world["period"], actor=world["supervisor"])
    before = Period.objects.values_list("run_state", "run_finished_at").get(pk=world["period"].pk)
    assert run_period_task(world["period"].pk) == 0
    assert Period.objects.values_list("run_state", "run_finished_at").get(pk=world["period"].pk) == before
    assert run_period_task(999999) == 0


def test_a_direct_run_also_records_when_it_finished(world):
    run = runs.run_period(world["period"])
    period = Period.objects.get(pk=world["period"].pk)
    assert (period.run_state, period.run_finished_at) == (RunState.DONE, run.finished_at)
