"""Idempotency keys of the filing API: scoped to the caller, bound to the body, the first answer replayed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIClient

from complaints.models import Complaint
from efficiency_portal.common import receipts
from efficiency_portal.common.models import Receipt
from tests.factories import CitizenFactory, DepartmentFactory

pytestmark = pytest.mark.django_db
URL = "/api/complaints/file/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def body(department, **extra):
    return {"category": "delay", "description": "超期未办", "department": department.pk, "name": "钱七", **extra}


def post(client, data, key="demo-1"):
    return client.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_another_anonymous_caller_with_the_same_key_gets_no_other_persons_complaint():
    department = DepartmentFactory()
    first = post(APIClient(REMOTE_ADDR="10.0.0.1"), body(department))
    assert first.status_code == 201
    # Another address, same key, an unrelated body: a filing of its own, not the first one's number.
    other = post(APIClient(REMOTE_ADDR="10.0.0.2"), body(department, description="另一件事"))
    assert other.status_code == 201 and other.data["tracking_code"] != first.data["tracking_code"]
    assert Complaint.objects.count() == 2


def test_same_key_with_a_different_body_is_refused_with_422():
    department = DepartmentFactory()
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    assert post(client, body(department)).status_code == 201
    refused = post(client, body(department, description="改过的内容"))
    assert refused.status_code == 422 and Complaint.objects.count() == 1


def test_replay_returns_the_first_answer_with_its_secret_then_the_number_alone(settings):
    settings.RECEIPT_SECRET_MINUTES = 10
    department = DepartmentFactory()
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    first = post(client, body(department))
    again = post(client, body(department))
    assert again.status_code == 200 and again.data["duplicate"]
    assert (again.data["tracking_code"], again.data["secret"]) == (first.data["tracking_code"], first.data["secret"])
    with time_machine.travel(dt.timedelta(minutes=11)):
        receipts.purge()
        late = post(client, body(department))
    assert late.status_code == 200 and late.data["secret"] is None
    assert late.data["tracking_code"] == first.data["tracking_code"]
    assert Receipt.objects.get().secret_encrypted == ""


def test_signed_in_callers_are_scoped_by_account():
    department = DepartmentFactory()
    alice, bob = APIClient(), APIClient()
    alice.force_authenticate(CitizenFactory())
    bob.force_authenticate(CitizenFactory())
    first = post(alice, body(department))
    theirs = post(bob, body(department))
    assert theirs.status_code == 201 and theirs.data["tracking_code"] != first.data["tracking_code"]
    assert post(alice, body(department)).data["secret"] == first.data["secret"]


def test_purge_task_wipes_secrets_past_their_time_and_drops_old_receipts(settings):
    from efficiency_portal.common.tasks import purge_receipts_task

    settings.RECEIPT_SECRET_MINUTES = 10
    department = DepartmentFactory()
    post(APIClient(REMOTE_ADDR="10.0.0.1"), body(department))
    assert purge_receipts_task() == 0 and Receipt.objects.get().secret_encrypted
    with time_machine.travel(dt.timedelta(minutes=11)):
        assert purge_receipts_task() == 1
    with time_machine.travel(dt.timedelta(days=settings.RECEIPT_KEEP_DAYS, minutes=11)):
        purge_receipts_task()
    assert not Receipt.objects.exists() and Complaint.objects.count() == 1


def test_every_task_has_a_queue_when_queues_are_separate():
    """The routing table of CELERY_SEPARATE_QUEUES names every task the portal defines (docs/scale-out.md)."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'efficiency_portal.settings'; django.setup();"
        "from efficiency_portal.celery import app; app.loader.import_default_modules();"
        "from django.conf import settings;"
        "names = {n for n in app.tasks if not n.startswith('celery.')};"
        "print(sorted(names - set(settings.CELERY_TASK_ROUTES)));"
        "print(sorted({r['queue'] for r in settings.CELERY_TASK_ROUTES.values()}))"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "CELERY_SEPARATE_QUEUES": "1"},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    unrouted, queues = result.stdout.strip().splitlines()
    assert unrouted == "[]" and queues == "['notifications', 'reports', 'sweeps']"
