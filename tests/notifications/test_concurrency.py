"""Two senders at once on PostgreSQL never send one delivery twice."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, connections

from efficiency_portal.notifications import services
from efficiency_portal.notifications.models import Delivery
from tests.factories import ReachableUserFactory
from tests.notifications import backends

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SKIP LOCKED)")


def test_two_senders_at_once_send_each_delivery_exactly_once(postgres_only, settings, monkeypatch):
    # Leave the whole outbox to the two senders below instead of the run queued on commit.
    monkeypatch.setattr(services, "_fire_send_outbox", lambda: None)
    settings.SMS_BACKEND = "tests.notifications.backends.CountingSmsBackend"
    # Any hour: the test runs in real time across threads, so the SMS window must not matter.
    settings.SMS_SEND_FROM = settings.SMS_SEND_UNTIL = "00:00"
    users = ReachableUserFactory.create_batch(60)
    for user in users:
        services.notify(user, kind="test", title="并发", body="", dedupe_key=f"race:{user.pk}")

    start = threading.Barrier(2)
    results: dict[str, list[dict[str, int]]] = {"a": [], "b": []}
    errors: list[BaseException] = []

    def sender(name: str) -> None:
        try:
            start.wait(timeout=10)
            while True:
                counts = services.send_outbox(batch_size=4)
                results[name].append(counts)
                if not counts["claimed"]:
                    break
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender, args=(name,)) for name in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    sms_calls = Counter(backends.CountingSmsBackend.calls)
    assert len(sms_calls) == 60
    assert set(sms_calls.values()) == {1}
    message_ids = Counter(m.extra_headers["Message-ID"] for m in mail.outbox)
    assert len(message_ids) == 60
    assert set(message_ids.values()) == {1}
    assert Delivery.objects.exclude(status=Delivery.Status.SENT).count() == 0
    sent_by = {name: sum(c["sent"] for c in runs) for name, runs in results.items()}
    assert sum(sent_by.values()) == 120
