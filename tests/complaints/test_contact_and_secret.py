"""Contact details are checked where they come in (filing form, API, Open311, staff intake), so the outbox never
gets a number it cannot hold; the secret sent by SMS or e-mail leaves nothing behind once delivered; the admin
shows the addresses masked and no confidential body."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.models import Complaint
from complaints.services import handling
from complaints.services.filing import normalise_phone
from efficiency_portal.notifications import services as outbox
from efficiency_portal.notifications.models import Delivery, Notification, SentSms
from tests.factories import DepartmentFactory, UserFactory

from .factories import file, make_supervisor
from .test_pages import filing_data

pytestmark = pytest.mark.django_db
LONG_PHONE = "1391234567813912345678139"  # 25 characters


@pytest.fixture(autouse=True)
def _sms_any_time(settings):
    settings.SMS_BACKEND = "efficiency_portal.notifications.sms.LogSmsBackend"
    settings.SMS_SEND_FROM = "00:00"
    settings.SMS_SEND_UNTIL = "00:00"  # the same moment: no quiet hours


def english_client(user=None) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("13912345678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("0571-88886666", "0571-88886666"),
        ("(0571) 88886666", "057188886666"),
        ("010-12345678-123", "010-12345678-123"),
        ("", ""),
    ],
)
def test_phone_numbers_that_are_kept(given, kept):
    assert normalise_phone(given) == kept


@pytest.mark.parametrize("given", [LONG_PHONE, "12345", "abc", "23912345678", "0571-88886666-1234567", "<b>1</b>"])
def test_phone_numbers_that_are_refused(given):
    with pytest.raises(ValidationError):
        normalise_phone(given)


def test_filing_form_refuses_a_25_character_phone_with_a_message(client):
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("complaints:file"), filing_data(DepartmentFactory(), phone=LONG_PHONE, send_secret="on")
    )
    assert response.status_code == 200
    assert "Please give a mobile number" in response.content.decode()
    assert not Complaint.objects.exists() and not Notification.objects.exists()


def test_filing_form_refuses_a_bad_email(client):
    client.cookies["django_language"] = "en"
    response = client.post(reverse("complaints:file"), filing_data(DepartmentFactory(), email="not-an-address"))
    assert response.status_code == 200 and not Complaint.objects.exists()


def test_staff_intake_refuses_a_25_character_phone():
    client = english_client(make_supervisor())
    data = {**filing_data(DepartmentFactory(), token="intake-phone", phone=LONG_PHONE), "channel": "hotline"}
    response = client.post(reverse("complaints:intake"), data)
    assert response.status_code == 200 and "Please give a mobile number" in response.content.decode()
    assert not Complaint.objects.exists()


def test_api_refuses_a_25_character_phone():
    api = APIClient()
    body = {"category": "delay", "description": "超期", "department": DepartmentFactory().pk, "name": "钱七"}
    response = api.post("/api/complaints/file/", {**body, "phone": LONG_PHONE})
    assert response.status_code == 400 and "phone" in response.data
    api.force_authenticate(make_supervisor())
    response = api.post("/api/complaints/intake/hotline/", {**body, "phone": LONG_PHONE})
    assert response.status_code == 400 and "phone" in response.data
    response = api.post("/api/complaints/file/", {**body, "email": "nope"})
    assert response.status_code == 400 and "email" in response.data
    assert not Complaint.objects.exists()


def test_the_service_refuses_a_long_phone_for_every_caller():
    with pytest.raises(ValidationError) as error:
        file(phone=LONG_PHONE)
    assert "phone" in error.value.message_dict


def test_a_stored_overlong_phone_does_not_break_the_reply():
    """Complaints filed before the check may hold a longer number: the reply still goes (by e-mail)."""
    from complaints import crypto

    supervisor = make_supervisor()
    complaint, _ = file(email="old@example.com")
    Complaint.objects.filter(pk=complaint.pk).update(phone_encrypted=crypto.encrypt(LONG_PHONE))
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.handle_self(complaint, supervisor)
    complaint = handling.record_finding(complaint, supervisor, finding="not_upheld", text="不属实")
    handling.reply(complaint, supervisor, text="答复")
    told = Notification.objects.get(dedupe_key__startswith=f"complaint:replied:{complaint.pk}")
    assert told.to_phone == "" and told.to_email == "old@example.com"


@pytest.mark.parametrize("channel", ["sms", "email"])
def test_secret_is_sent_then_forgotten(client, channel):
    client.cookies["django_language"] = "en"
    contact = {"phone": "13955554444", "email": ""} if channel == "sms" else {"phone": "", "email": "li@example.cn"}
    client.get(reverse("complaints:file"))
    response = client.post(reverse("complaints:file"), filing_data(DepartmentFactory(), send_secret="on", **contact))
    assert response.status_code == 302
    done = client.get(reverse("complaints:file_done"))
    code, secret = done.context["new"]["code"], done.context["new"]["secret"]

    notification = Notification.objects.get(dedupe_key__startswith="complaint:filed:")
    assert notification.confidential and notification.recipient is None
    assert list(notification.deliveries.values_list("channel", flat=True)) == [channel]

    counts = outbox.send_outbox()
    assert counts["sent"] == 1
    if channel == "sms":
        # The SMS carried the secret to the phone ...
        assert SentSms.objects.count() == 1
        sent_text = outbox_sms_text(notification)
        assert code in sent_text and secret in sent_text
    else:
        assert len(mail.outbox) == 1 and secret in mail.outbox[0].body and mail.outbox[0].to == ["li@example.cn"]

    # ... and nothing stored keeps it, or the address in clear.
    notification.refresh_from_db()
    assert notification.body == ""
    assert Delivery.objects.get(notification=notification).status == Delivery.Status.SENT
    for row in Notification.objects.values_list("title", "body", "to_phone", "to_email"):
        assert secret not in "".join(row)
    for row in SentSms.objects.values_list("phone", "text"):
        assert secret not in "".join(row) and "13955554444" not in "".join(row)
    if channel == "sms":
        assert notification.to_phone == "139****4444"
    else:
        assert notification.to_email == "l***@example.cn"
    # A second run changes nothing and sends nothing again.
    assert outbox.send_outbox()["sent"] == 0
    assert outbox.forget_confidential([notification.pk]) == 0


_SENT_TEXTS: dict[int, str] = {}


def outbox_sms_text(notification) -> str:
    """The text the gateway received (captured before the log forgot it)."""
    return _SENT_TEXTS[notification.pk]


@pytest.fixture(autouse=True)
def _capture_sms(monkeypatch):
    from efficiency_portal.notifications import sms

    original = sms.LogSmsBackend.send

    def send(self, phone, text, idempotency_key):
        notification = Notification.objects.get(dedupe_key=idempotency_key.rsplit("#", 1)[0])
        _SENT_TEXTS[notification.pk] = text
        return original(self, phone, text, idempotency_key)

    monkeypatch.setattr(sms.LogSmsBackend, "send", send)
    _SENT_TEXTS.clear()


def test_secret_waits_while_a_delivery_is_pending():
    """Not forgotten before every channel is done: a retry still has something to send."""
    complaint, secret = file(phone="13955554444", email="li@example.cn", send_secret=True)
    notification = Notification.objects.get(dedupe_key=f"complaint:filed:{complaint.pk}")
    Delivery.objects.filter(notification=notification, channel="email").update(status=Delivery.Status.HELD)
    outbox.forget_confidential([notification.pk])
    notification.refresh_from_db()
    assert secret in notification.body and notification.to_phone == "13955554444"


def test_admin_shows_no_confidential_body_and_masked_addresses():
    complaint, secret = file(phone="13955554444", email="li@example.cn", send_secret=True)
    notification = Notification.objects.get(dedupe_key=f"complaint:filed:{complaint.pk}")
    plain = outbox.notify_address(phone="13800001111", kind="x", title="普通通知", body="正文可见", dedupe_key="plain")
    admin = english_client(UserFactory(is_staff=True, is_superuser=True))
    page = admin.get(reverse("admin:notifications_notification_change", args=[notification.pk])).content.decode()
    assert secret not in page and "13955554444" not in page and "li@example.cn" not in page
    assert "139****4444" in page and "l***@example.cn" in page
    other = admin.get(reverse("admin:notifications_notification_change", args=[plain.pk])).content.decode()
    assert "正文可见" in other and "13800001111" not in other
    listing = admin.get(reverse("admin:notifications_notification_changelist")).content.decode()
    assert secret not in listing and "13955554444" not in listing
    outbox.send_outbox()
    sms_log = admin.get(reverse("admin:notifications_sentsms_changelist")).content.decode()
    assert "13955554444" not in sms_log and "13800001111" not in sms_log and secret not in sms_log
