"""SMS gateway adapters, chosen by ``settings.SMS_BACKEND``.

Every adapter receives the delivery's idempotency key and must pass it to the gateway as the client message id:
a sender that died after the gateway accepted a message but before recording it re-sends with the same key, and
the gateway (or, in development, ``LogSmsBackend``) drops the repeat. That is what makes SMS exactly-once.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway refused or could not be reached; the outbox retries later."""


class BaseSmsBackend:
    def send(self, phone: str, text: str, idempotency_key: str) -> str:
        """Send ``text`` to ``phone``; return the gateway's message id. Raise on failure.

        A repeat of ``idempotency_key`` must not send a second message.
        """
        raise NotImplementedError


class LogSmsBackend(BaseSmsBackend):
    """Development backend: writes the message to the log and to ``SentSms``, once per idempotency key."""

    def send(self, phone: str, text: str, idempotency_key: str) -> str:
        from .models import SentSms

        record, created = SentSms.objects.get_or_create(
            idempotency_key=idempotency_key, defaults={"phone": phone, "text": text}
        )
        if created:
            logger.info("SMS to %s [%s]: %s", phone, idempotency_key, text)
        else:
            logger.info("SMS %s already sent; repeat ignored", idempotency_key)
        return str(record.pk)


class HttpSmsBackend(BaseSmsBackend):
    """An adapter for a JSON-over-HTTPS gateway, configured by ``settings.SMS_HTTP_GATEWAY``::

        SMS_HTTP_GATEWAY = {"url": "https://sms.example.gov.cn/v1/messages", "api_key": "...",
                            "sign_name": "效能监督平台", "timeout": 10}

    The gateway is expected to accept ``{"phone", "text", "sign_name", "client_msg_id"}``, answer 2xx with
    ``{"message_id": ...}``, and answer 409 when it has already accepted ``client_msg_id`` (treated as success).
    Adapt ``build_request`` / ``parse_response`` for a gateway that speaks differently.
    """

    def __init__(self, config: dict[str, Any] | None = None, opener: Any = None) -> None:
        self.config = config if config is not None else getattr(settings, "SMS_HTTP_GATEWAY", {})
        self.opener = opener or urllib.request.build_opener()

    def build_request(self, phone: str, text: str, idempotency_key: str) -> urllib.request.Request:
        url = self.config.get("url")
        if not url:
            raise SmsError("SMS_HTTP_GATEWAY['url'] is not configured")
        payload = {
            "phone": phone,
            "text": text,
            "sign_name": self.config.get("sign_name", ""),
            "client_msg_id": idempotency_key,
        }
        return urllib.request.Request(
            url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.config.get('api_key', '')}",
                "Idempotency-Key": idempotency_key,
            },
        )

    def parse_response(self, status: int, body: bytes, idempotency_key: str) -> str:
        if status == 409:
            return idempotency_key
        if not 200 <= status < 300:
            raise SmsError(f"gateway answered HTTP {status}")
        try:
            return str(json.loads(body or b"{}").get("message_id", idempotency_key))
        except (ValueError, AttributeError) as exc:
            raise SmsError("gateway answered with invalid JSON") from exc

    def send(self, phone: str, text: str, idempotency_key: str) -> str:
        request = self.build_request(phone, text, idempotency_key)
        try:
            with self.opener.open(request, timeout=self.config.get("timeout", 10)) as response:
                return self.parse_response(response.status, response.read(), idempotency_key)
        except urllib.error.HTTPError as exc:
            return self.parse_response(exc.code, exc.read(), idempotency_key)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"gateway unreachable: {exc}") from exc


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
