"""People without an account (guest applicants, complainants) are reached by SMS and e-mail through the outbox."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import IntegrityError

from efficiency_portal.notifications import services
from efficiency_portal.notifications.models import Delivery, Notification, SentSms
from efficiency_portal.notifications.selectors import unread_count
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def send(**kwargs):
    defaults = {"kind": "approvals.case", "title": "申请已受理", "body": "请留意短信。", "link": "/approvals/track/"}
    return services.notify_address(**(defaults | kwargs))


def test_guest_reached_by_sms_and_email_once(daytime, settings):
    settings.PORTAL_BASE_URL = "https://xiaoneng.example.gov.cn"
    first = send(phone="13912345678", email="wang@example.cn", dedupe_key="case:1:accepted")
    again = send(phone="13912345678", email="wang@example.cn", dedupe_key="case:1:accepted")
    assert first is not None and again is None
    assert sorted(first.deliveries.values_list("channel", flat=True)) == ["email", "sms"]

    counts = services.send_outbox()

    assert counts["sent"] == 2
    sms = SentSms.objects.get()
    assert sms.phone == "13912345678" and "申请已受理" in sms.text
    assert "https://xiaoneng.example.gov.cn/approvals/track/" in sms.text
    assert [message.to for message in mail.outbox] == [["wang@example.cn"]]


def test_only_the_channels_with_an_address(daytime):
    notification = send(phone="13912345678", dedupe_key="only-sms")
    assert list(notification.deliveries.values_list("channel", flat=True)) == [Delivery.Channel.SMS]


def test_nobody_to_reach_writes_nothing():
    assert send(phone=" ", email="", dedupe_key="nobody") is None
    assert not Notification.objects.exists()


def test_database_refuses_a_notification_for_nobody():
    with pytest.raises(IntegrityError):
        Notification.objects.create(kind="x", title="x", dedupe_key="no-one")


def test_not_in_anybodys_bell():
    user = UserFactory()
    send(phone="13912345678", dedupe_key="guest")
    assert unread_count(user) == 0
