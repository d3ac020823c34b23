"""Channel doubles for the outbox tests, selected through settings.SMS_BACKEND / EMAIL_BACKEND."""

from __future__ import annotations

import threading

from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend

from efficiency_portal.notifications.sms import BaseSmsBackend, LogSmsBackend, SmsError


class WorkerKilled(BaseException):
    """Raised by a channel to stand for the worker process dying in the middle of a send."""


class FlakySmsBackend(BaseSmsBackend):
    """Refuses the first ``failures`` calls, then sends through the development backend."""

    failures = 2
    calls: list[str] = []

    def send(self, phone: str, text: str, idempotency_key: str) -> str:
        type(self).calls.append(idempotency_key)
        if len(type(self).calls) <= type(self).failures:
            raise SmsError("gateway busy")
        return LogSmsBackend().send(phone, text, idempotency_key)


class BrokenSmsBackend(BaseSmsBackend):
    def send(self, phone: str, text: str, idempotency_key: str) -> str:
        raise SmsError("gateway down")


class DyingSmsBackend(BaseSmsBackend):
    """The gateway accepts the message, then the worker dies before it can record the outcome."""

    def send(self, phone: str, text: str, idempotency_key: str) -> str:
        LogSmsBackend().send(phone, text, idempotency_key)
        raise WorkerKilled


class CountingSmsBackend(BaseSmsBackend):
    """Counts every call, from any thread, without deduplicating: shows what the sender itself does."""

    lock = threading.Lock()
    calls: list[str] = []

    def send(self, phone: str, text: str, idempotency_key: str) -> str:
        with type(self).lock:
            type(self).calls.append(idempotency_key)
        return idempotency_key


class FlakyEmailBackend(LocmemEmailBackend):
    """Refuses the first ``failures`` messages, remembering the Message-ID of every attempt."""

    failures = 2
    attempts: list[str] = []

    def send_messages(self, messages) -> int:
        for message in messages:
            type(self).attempts.append(message.extra_headers["Message-ID"])
        if len(type(self).attempts) <= type(self).failures:
            raise ConnectionRefusedError("SMTP server unavailable")
        return super().send_messages(messages)
