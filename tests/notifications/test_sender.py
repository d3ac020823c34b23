"""The outbox sender: batches, retries with backoff, leases, SMS hours, exactly-once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from efficiency_portal.notifications import services
from efficiency_portal.notifications.models import Delivery, SentSms
from tests.factories import ReachableUserFactory, UserFactory
from tests.notifications import backends
from tests.notifications.conftest import local

pytestmark = pytest.mark.django_db

Status = Delivery.Status
Channel = Delivery.Channel


def notify(user, key: str = "event:1", urgent: bool = False, link: str = "/supervision/"):
    return services.notify(
        user, kind="warning", title="办件即将超期", body="请尽快办理。", link=link, urgent=urgent, dedupe_key=key
    )


def delivery(channel: str) -> Delivery:
    return Delivery.objects.select_related("notification").get(channel=channel)


def test_sends_email_and_sms_once_with_stable_idempotency_keys(daytime, settings):
    settings.PORTAL_BASE_URL = "https://xiaoneng.example.gov.cn"
    user = ReachableUserFactory()
    notify(user)

    counts = services.send_outbox()

    assert counts["claimed"] == 2
    assert counts["sent"] == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "办件即将超期"
    assert "https://xiaoneng.example.gov.cn/supervision/" in message.body
    assert message.extra_headers["X-Portal-Dedupe-Key"] == "event:1#email"
    assert message.extra_headers["Message-ID"].startswith("<")
    assert message.extra_headers["Message-ID"].endswith("@efficiency.example.gov.cn>")
    sms = SentSms.objects.get()
    assert (sms.idempotency_key, sms.phone) == ("event:1#sms", user.phone)
    assert "办件即将超期" in sms.text
    for channel in (Channel.EMAIL, Channel.SMS):
        row = delivery(channel)
        assert (row.status, row.attempts, row.lease_token) == (Status.SENT, 1, "")
        assert row.sent_at == timezone.now()

    # A second run finds nothing to do.
    assert services.send_outbox()["claimed"] == 0
    assert len(mail.outbox) == 1
    assert SentSms.objects.count() == 1


def test_batches_respect_batch_size(daytime):
    for user in UserFactory.create_batch(5, phone=""):
        notify(user, key=f"batch:{user.pk}")
    assert services.send_outbox(batch_size=2)["sent"] == 2
    assert services.send_outbox(batch_size=2)["sent"] == 2
    assert services.send_outbox(batch_size=2)["sent"] == 1
    assert services.send_outbox(batch_size=2)["claimed"] == 0
    assert len(mail.outbox) == 5


def test_failing_sms_gateway_is_retried_with_backoff_and_sends_exactly_once(daytime, settings):
    settings.SMS_BACKEND = "tests.notifications.backends.FlakySmsBackend"
    notify(UserFactory(email="", phone="13900000011"))

    first = services.send_outbox()
    row = delivery(Channel.SMS)
    assert first["retried"] == 1
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert row.next_attempt_at == timezone.now() + dt.timedelta(seconds=30)
    assert "gateway busy" in row.last_error

    # Not due before the backoff has passed.
    daytime.shift(29)
    assert services.send_outbox()["claimed"] == 0
    daytime.shift(1)
    assert services.send_outbox()["retried"] == 1
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at == timezone.now() + dt.timedelta(seconds=60)  # the delay doubles

    daytime.shift(59)
    assert services.send_outbox()["claimed"] == 0
    daytime.shift(1)
    assert services.send_outbox()["sent"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 3, "")
    assert backends.FlakySmsBackend.calls == ["event:1#sms"] * 3
    assert SentSms.objects.count() == 1

    daytime.shift(3600)
    assert services.send_outbox()["claimed"] == 0
    assert SentSms.objects.count() == 1


def test_failing_mail_server_is_retried_with_the_same_message_id(daytime, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyEmailBackend"
    notify(UserFactory(phone=""))

    for _attempt in range(3):
        services.send_outbox()
        daytime.shift(3600)

    row = delivery(Channel.EMAIL)
    assert (row.status, row.attempts) == (Status.SENT, 3)
    assert len(mail.outbox) == 1
    attempts = backends.FlakyEmailBackend.attempts
    assert len(attempts) == 3
    assert len(set(attempts)) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == attempts[0]


def test_worker_killed_mid_send_resends_after_the_lease_with_the_same_key(daytime, settings):
    settings.SMS_BACKEND = "tests.notifications.backends.DyingSmsBackend"
    notify(UserFactory(email="", phone="13900000012"))

    with pytest.raises(backends.WorkerKilled):
        services.send_outbox()
    row = delivery(Channel.SMS)
    assert row.status == Status.SENDING
    assert row.lease_token
    assert SentSms.objects.count() == 1  # the gateway took it; the outcome was never recorded

    # The worker comes back; while the dead sender's lease runs, the row is not claimed again.
    settings.SMS_BACKEND = "efficiency_portal.notifications.sms.LogSmsBackend"
    daytime.shift(settings.OUTBOX_LEASE_SECONDS - 1)
    assert services.send_outbox()["claimed"] == 0

    daytime.shift(1)
    counts = services.send_outbox()
    assert counts["sent"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.lease_token) == (Status.SENT, 2, "")
    sms = SentSms.objects.get()
    assert sms.idempotency_key == "event:1#sms"


def test_a_sender_that_lost_its_lease_does_not_record_an_outcome(daytime):
    notify(UserFactory(email="", phone="13900000013"))
    token, batch = services.claim_batch(timezone.now(), 10)
    assert [d.channel for d in batch] == [Channel.SMS]

    daytime.shift(121)
    assert services.send_outbox()["sent"] == 1  # a second sender takes over the expired lease

    # The first sender wakes up: its conditional update finds the row no longer under its lease.
    assert services._finish(batch[0], token, status=Status.FAILED, last_error="late") is False
    assert delivery(Channel.SMS).status == Status.SENT


def test_sms_outside_hours_is_held_and_released_at_eight(night):
    user = ReachableUserFactory()
    notify(user)

    counts = services.send_outbox()
    assert counts["held"] == 1
    assert counts["sent"] == 1  # e-mail is not held
    assert len(mail.outbox) == 1
    row = delivery(Channel.SMS)
    assert row.status == Status.HELD
    assert row.attempts == 0
    assert row.next_attempt_at == local(2026, 3, 3, 8, 0)
    assert not SentSms.objects.exists()

    night.move_to(local(2026, 3, 3, 7, 59, 59))
    counts = services.send_outbox()
    assert (counts["claimed"], counts["released"]) == (0, 0)

    night.move_to(local(2026, 3, 3, 8, 0))
    counts = services.send_outbox()
    assert (counts["released"], counts["sent"]) == (1, 1)
    assert delivery(Channel.SMS).status == Status.SENT
    assert SentSms.objects.count() == 1


def test_sms_queued_after_midnight_waits_for_eight_the_same_morning():
    with time_machine.travel(local(2026, 3, 3, 0, 30), tick=False):
        notify(UserFactory(email="", phone="13900000014"))
        assert services.send_outbox()["held"] == 1
    assert delivery(Channel.SMS).next_attempt_at == local(2026, 3, 3, 8, 0)


def test_urgent_sms_goes_out_at_night(night):
    notify(UserFactory(email="", phone="13900000015"), urgent=True)
    counts = services.send_outbox()
    assert (counts["held"], counts["sent"]) == (0, 1)
    assert SentSms.objects.count() == 1


def test_sms_hours_are_configurable(night, settings):
    settings.SMS_SEND_FROM = "07:00"
    settings.SMS_SEND_UNTIL = "23:00"
    notify(UserFactory(email="", phone="13900000016"))
    assert services.send_outbox()["sent"] == 1


def test_sms_window_running_past_midnight():
    with override_settings(SMS_SEND_FROM="22:00", SMS_SEND_UNTIL="02:00"):
        assert services.sms_allowed_at(local(2026, 3, 2, 23, 0))
        assert services.sms_allowed_at(local(2026, 3, 3, 1, 59))
        assert not services.sms_allowed_at(local(2026, 3, 3, 2, 0))
        assert not services.sms_allowed_at(local(2026, 3, 3, 12, 0))
        assert services.next_sms_window(local(2026, 3, 3, 12, 0)) == local(2026, 3, 3, 22, 0)


def test_max_attempts_then_failed(daytime, settings):
    settings.SMS_BACKEND = "tests.notifications.backends.BrokenSmsBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    notify(UserFactory(email="", phone="13900000017"))

    outcomes = []
    for _run in range(5):
        counts = services.send_outbox()
        outcomes.append((counts["retried"], counts["failed"]))
        daytime.shift(3600)

    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]
    row = delivery(Channel.SMS)
    assert (row.status, row.attempts) == (Status.FAILED, 3)
    assert "gateway down" in row.last_error


def test_a_sender_dying_on_the_last_attempt_leaves_the_row_failed(daytime, settings):
    settings.SMS_BACKEND = "tests.notifications.backends.DyingSmsBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 1
    notify(UserFactory(email="", phone="13900000018"))
    with pytest.raises(backends.WorkerKilled):
        services.send_outbox()
    daytime.shift(3600)
    counts = services.send_outbox()
    assert (counts["failed"], counts["claimed"]) == (1, 0)
    assert delivery(Channel.SMS).status == Status.FAILED


def test_recipient_without_address_at_send_time_fails_without_retry(daytime):
    user = UserFactory(phone="")
    notify(user)
    type(user).objects.filter(pk=user.pk).update(email="")
    counts = services.send_outbox()
    assert counts["failed"] == 1
    assert delivery(Channel.EMAIL).attempts == 1
    assert not mail.outbox


def test_retry_deliveries_requeues_failed_rows_only(daytime):
    notify(ReachableUserFactory())
    Delivery.objects.filter(channel=Channel.EMAIL).update(status=Status.FAILED, attempts=8, last_error="x")
    Delivery.objects.filter(channel=Channel.SMS).update(status=Status.SENT)
    assert services.retry_deliveries(Delivery.objects.values_list("id", flat=True)) == 1
    row = delivery(Channel.EMAIL)
    assert (row.status, row.attempts, row.last_error) == (Status.PENDING, 0, "")
    assert services.send_outbox()["sent"] == 1
