from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.notifications import backends

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _reset_doubles(settings):
    settings.SMS_BACKEND = "efficiency_portal.notifications.sms.LogSmsBackend"
    settings.SMS_SEND_FROM = "08:00"
    settings.SMS_SEND_UNTIL = "21:00"
    settings.OUTBOX_MAX_ATTEMPTS = 8
    settings.OUTBOX_LEASE_SECONDS = 120
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    backends.FlakySmsBackend.calls = []
    backends.CountingSmsBackend.calls = []
    backends.FlakyEmailBackend.attempts = []
    yield


@pytest.fixture
def daytime():
    """A Monday morning, inside the SMS hours; ``traveller.shift(seconds)`` moves the clock on."""
    with time_machine.travel(local(2026, 3, 2, 10, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def night():
    with time_machine.travel(local(2026, 3, 2, 22, 30), tick=False) as traveller:
        yield traveller
