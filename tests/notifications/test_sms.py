"""SMS adapters: the development backend dedupes by key; the HTTP adapter passes the key to the gateway."""

from __future__ import annotations

import io
import json
import urllib.error

import pytest

from efficiency_portal.notifications.models import SentSms
from efficiency_portal.notifications.sms import HttpSmsBackend, LogSmsBackend, SmsError, get_sms_backend

CONFIG = {"url": "https://sms.example.test/v1/messages", "api_key": "k-123", "sign_name": "效能办", "timeout": 3}


class FakeResponse(io.BytesIO):
    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(body)
        self.status = status


class FakeOpener:
    """Stands in for the network: records requests and answers as told."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.requests: list = []

    def open(self, request, timeout=None):
        self.requests.append((request, timeout))
        if isinstance(self.answer, BaseException):
            raise self.answer
        return FakeResponse(*self.answer)


@pytest.mark.django_db
def test_log_backend_records_each_key_once():
    backend = LogSmsBackend()
    first = backend.send("13900000021", "您好", "k#sms")
    again = backend.send("13900000021", "您好", "k#sms")
    assert first == again
    assert SentSms.objects.count() == 1
    backend.send("13900000021", "您好", "other#sms")
    assert SentSms.objects.count() == 2


def test_settings_choose_the_backend(settings):
    settings.SMS_BACKEND = "efficiency_portal.notifications.sms.HttpSmsBackend"
    settings.SMS_HTTP_GATEWAY = CONFIG
    backend = get_sms_backend()
    assert isinstance(backend, HttpSmsBackend)
    assert backend.config == CONFIG


def test_http_backend_sends_the_idempotency_key_as_client_message_id():
    opener = FakeOpener((200, b'{"message_id": "gw-42"}'))
    assert HttpSmsBackend(CONFIG, opener).send("13900000022", "请办理", "deadline:7:red#sms") == "gw-42"
    request, timeout = opener.requests[0]
    assert request.full_url == CONFIG["url"]
    assert request.get_method() == "POST"
    assert request.get_header("Idempotency-key") == "deadline:7:red#sms"
    assert request.get_header("Authorization") == "Bearer k-123"
    assert json.loads(request.data) == {
        "phone": "13900000022",
        "text": "请办理",
        "sign_name": "效能办",
        "client_msg_id": "deadline:7:red#sms",
    }
    assert timeout == 3


def test_http_backend_treats_a_duplicate_answer_as_sent():
    error = urllib.error.HTTPError(CONFIG["url"], 409, "Conflict", {}, io.BytesIO(b"{}"))
    assert HttpSmsBackend(CONFIG, FakeOpener(error)).send("13900000022", "x", "k#sms") == "k#sms"


@pytest.mark.parametrize(
    "answer",
    [
        (500, b"oops"),
        (200, b"not json"),
        urllib.error.HTTPError(CONFIG["url"], 503, "Busy", {}, io.BytesIO(b"")),
        urllib.error.URLError("connection refused"),
        TimeoutError("timed out"),
    ],
)
def test_http_backend_failures_raise_sms_error(answer):
    with pytest.raises(SmsError):
        HttpSmsBackend(CONFIG, FakeOpener(answer)).send("13900000022", "x", "k#sms")


def test_http_backend_without_a_url_raises():
    opener = FakeOpener((200, b"{}"))
    with pytest.raises(SmsError):
        HttpSmsBackend({}, opener).send("13900000022", "x", "k#sms")
    assert opener.requests == []
