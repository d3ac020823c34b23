"""Writes of the notifications app: notify, mark read, and the outbox sender.

Delivery guarantees: a notification and its outbox rows are written in the caller's transaction, so an event
that commits always has its messages and one that rolls back has none. The sender claims rows under a lease,
sends each with a stable idempotency key, and records the outcome conditionally on still holding the lease; a
sender that dies mid-send leaves a lease that expires, and the next run re-sends with the same key, which the
channel drops as a repeat. Nothing is lost, nothing is sent twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, CharField, DateTimeField, F, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Left, Length, Repeat, Right, StrIndex, Substr
from django.template.loader import render_to_string
from django.utils import timezone

from efficiency_portal.accounts.models import User
from efficiency_portal.common.bulk import insert_from_select

from .models import Delivery, Notification, SentSms
from .sms import BaseSmsBackend, get_sms_backend

logger = logging.getLogger(__name__)

PHONE_MAX_LENGTH = Notification._meta.get_field("to_phone").max_length
FORGOTTEN_TEXT = "-"  # what a delivered confidential SMS leaves in the SMS log
NOTIFICATION_FIELDS = ["recipient_id", "kind", "title", "body", "link", "urgent", "dedupe_key"]
DELIVERY_FIELDS = ["notification_id", "channel", "status", "attempts", "next_attempt_at", "lease_token", "last_error"]


class PermanentDeliveryError(Exception):
    """Retrying cannot help (e.g. the recipient no longer has an address): the delivery fails at once."""


# --- Writing notifications ------------------------------------------------------------------------------------


def notify(
    recipient: User,
    *,
    kind: str,
    title: str,
    body: str,
    link: str = "",
    urgent: bool = False,
    dedupe_key: str,
) -> Notification | None:
    """Write an in-app notification and its e-mail/SMS outbox rows in the caller's transaction.

    A repeated ``dedupe_key`` is ignored and returns None.
    """
    now = timezone.now()
    with transaction.atomic():
        try:
            # A savepoint of its own, so that a duplicate key does not break the caller's transaction.
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient,
                    kind=kind,
                    title=title,
                    body=body,
                    link=link,
                    urgent=urgent,
                    dedupe_key=dedupe_key,
                )
        except IntegrityError:
            if Notification.objects.filter(dedupe_key=dedupe_key).exists():
                return None
            raise
        channels = []
        if recipient.email:
            channels.append(Delivery.Channel.EMAIL)
        if recipient.phone:
            channels.append(Delivery.Channel.SMS)
        Delivery.objects.bulk_create(
            [Delivery(notification=notification, channel=channel, next_attempt_at=now) for channel in channels]
        )
        if channels:
            _queue_sender()
    return notification


def notify_address(
    *,
    phone: str = "",
    email: str = "",
    kind: str,
    title: str,
    body: str,
    link: str = "",
    urgent: bool = False,
    dedupe_key: str,
    confidential: bool = False,
) -> Notification | None:
    """SMS and/or e-mail to someone without an account, through the same outbox; None for a repeated key or
    when there is no address at all.

    ``confidential``: the body carries a secret. The SMS then carries the body too (others only the title and
    link), and once every delivery is done the body is blanked and the addresses masked, here and in the SMS log
    (``forget_confidential``): nothing that outlives the delivery holds the secret."""
    phone, email = (phone or "").strip(), (email or "").strip()
    if len(phone) > PHONE_MAX_LENGTH:
        # Not a number a gateway takes; the e-mail (if any) still goes.
        logger.warning("Phone number of %s characters left out of notification %s", len(phone), dedupe_key)
        phone = ""
    if not phone and not email:
        return None
    with transaction.atomic():
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    to_phone=phone,
                    to_email=email,
                    kind=kind,
                    title=title,
                    body=body,
                    link=link,
                    urgent=urgent,
                    dedupe_key=dedupe_key,
                    confidential=confidential,
                )
        except IntegrityError:
            if Notification.objects.filter(dedupe_key=dedupe_key).exists():
                return None
            raise
        pairs = ((Delivery.Channel.EMAIL, email), (Delivery.Channel.SMS, phone))
        channels = [channel for channel, address in pairs if address]
        Delivery.objects.bulk_create(
            [
                Delivery(notification=notification, channel=channel, next_attempt_at=timezone.now())
                for channel in channels
            ]
        )
        _queue_sender()
    return notification


def enqueue_from_queryset(rows: QuerySet) -> int:
    """Insert one notification per row of ``rows`` and their deliveries, set-based; return how many were new.

    ``rows`` is a ``.values()`` queryset of any model selecting exactly ``recipient_id, kind, title, body, link,
    urgent, dedupe_key``. Rows whose dedupe key exists already are skipped. The statements are the same whatever
    the number of rows: one to find the highest id so far, one INSERT ... SELECT for the notifications, and one
    per channel for the deliveries of the notifications just inserted.
    """
    with transaction.atomic():
        # Notifications inserted by this statement get ids above every id committed before it.
        before = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
        inserted = insert_from_select(Notification, NOTIFICATION_FIELDS, rows)
        if not inserted:
            return 0
        fresh = Notification.objects.filter(id__gt=before, dedupe_key__in=rows.values_list("dedupe_key", flat=True))
        now = timezone.now()
        for channel, has_address in (
            (Delivery.Channel.EMAIL, ~Q(recipient__email="")),
            (Delivery.Channel.SMS, ~Q(recipient__phone="")),
        ):
            source = fresh.filter(has_address).values(
                notification_id=F("id"),
                channel=Value(channel.value),
                status=Value(Delivery.Status.PENDING.value),
                attempts=Value(0),
                next_attempt_at=Value(now, output_field=DateTimeField()),
                lease_token=Value(""),
                last_error=Value(""),
            )
            insert_from_select(Delivery, DELIVERY_FIELDS, source)
        _queue_sender()
    return inserted


def _fire_send_outbox() -> None:
    from efficiency_portal.common.tasks import enqueue

    from .tasks import send_outbox_task

    # Beat runs the sender every few seconds anyway: a broker away only delays the first attempt.
    enqueue(send_outbox_task)


def _queue_sender() -> None:
    """Queue one ``send_outbox`` run when the transaction commits, however many notifications it wrote."""
    conn = transaction.get_connection()
    # run_on_commit entries are (savepoint ids, callable, robust); an entry rolled back with its savepoint is
    # removed by Django, so a later call registers the callback again.
    if conn.in_atomic_block and any(entry[1] is _fire_send_outbox for entry in conn.run_on_commit):
        return
    transaction.on_commit(_fire_send_outbox, robust=True)


# --- Reading state --------------------------------------------------------------------------------------------


def mark_read(user: User, ids: Iterable[int]) -> int:
    """Mark the user's notifications ``ids`` read; return how many changed.

    Raises ``Notification.DoesNotExist`` if any id is not one of the user's notifications (nothing is marked).
    """
    wanted = set(ids)
    with transaction.atomic():
        if Notification.objects.filter(recipient=user, id__in=wanted).count() != len(wanted):
            raise Notification.DoesNotExist
        return Notification.objects.filter(recipient=user, id__in=wanted, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def open_notification(user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read and return it (``Notification.DoesNotExist`` if not theirs)."""
    notification = Notification.objects.get(recipient=user, pk=notification_id)
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def retry_deliveries(ids: Iterable[int]) -> int:
    """Put failed deliveries back in the queue (administrators, after fixing an address or a gateway). A
    confidential message whose body was already forgotten cannot be sent again."""
    count = (
        Delivery.objects.filter(id__in=list(ids), status=Delivery.Status.FAILED)
        .exclude(notification__confidential=True, notification__body="")
        .update(status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error="")
    )
    if count:
        _queue_sender()
    return count


def _masked_phone(field: str):
    """SQL of ``masking.mask_phone``: the first three and the last four characters."""
    return Case(
        When(**{f"{field}": ""}, then=Value("")),
        When(
            **{f"{field}__regex": r"^.{8,}$"},
            then=Concat(Left(field, 3), Repeat(Value("*"), Length(field) - 7), Right(field, 4)),
        ),
        default=Repeat(Value("*"), Length(field)),
        output_field=CharField(),
    )


def _masked_email(field: str):
    """SQL of ``masking.mask_email``: the first character and the domain."""
    return Case(
        When(**{f"{field}": ""}, then=Value("")),
        default=Concat(Left(field, 1), Value("***"), Substr(field, StrIndex(field, Value("@")))),
        output_field=CharField(),
    )


def forget_confidential(notification_ids: Iterable[int]) -> int:
    """Blank the body and mask the addresses of the confidential notifications among ``notification_ids`` whose
    deliveries are all done (sent, or failed for good), and forget their text in the SMS log. Set-based; running
    it again changes nothing. Returns how many notifications were forgotten."""
    unfinished = (Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.HELD)
    done = (
        Notification.objects.filter(pk__in=list(notification_ids), confidential=True)
        .exclude(body="")
        .exclude(deliveries__status__in=unfinished)
    )
    keys = [f"{key}#{Delivery.Channel.SMS}" for key in done.values_list("dedupe_key", flat=True)]
    if not keys:
        return 0
    with transaction.atomic():
        SentSms.objects.filter(idempotency_key__in=keys).update(text=FORGOTTEN_TEXT, phone=_masked_phone("phone"))
        return Notification.objects.filter(pk__in=done.values("pk")).update(
            body="", to_phone=_masked_phone("to_phone"), to_email=_masked_email("to_email")
        )


# --- SMS sending hours ----------------------------------------------------------------------------------------


def _clock(value: str) -> dt.time:
    hours, minutes = value.strip().split(":")
    return dt.time(int(hours), int(minutes))


def _sms_hours() -> tuple[dt.time, dt.time]:
    return _clock(settings.SMS_SEND_FROM), _clock(settings.SMS_SEND_UNTIL)


def sms_allowed_at(moment: dt.datetime) -> bool:
    """Whether a non-urgent SMS may go out at ``moment`` (local time within [SMS_SEND_FROM, SMS_SEND_UNTIL))."""
    start, end = _sms_hours()
    local = timezone.localtime(moment).time()
    if start == end:
        return True
    if start < end:
        return start <= local < end
    return local >= start or local < end  # a window that runs past midnight


def next_sms_window(moment: dt.datetime) -> dt.datetime:
    """The next moment at or after ``moment`` when the SMS window opens."""
    start, _end = _sms_hours()
    local = timezone.localtime(moment)
    opening = timezone.make_aware(dt.datetime.combine(local.date(), start))
    if opening < moment:
        opening = timezone.make_aware(dt.datetime.combine(local.date() + dt.timedelta(days=1), start))
    return opening


# --- The outbox sender ----------------------------------------------------------------------------------------


def _retry_delay(attempts: int) -> dt.timedelta:
    delay = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(delay, settings.OUTBOX_RETRY_MAX_SECONDS))


def _due(now: dt.datetime) -> Q:
    return Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Delivery.Status.SENDING, lease_until__lte=now
    )


def _hold_quiet_sms(now: dt.datetime) -> int:
    """Outside SMS hours: park due non-urgent SMS as held until the window opens."""
    return (
        Delivery.objects.filter(_due(now), channel=Delivery.Channel.SMS, notification__urgent=False)
        .filter(attempts__lt=settings.OUTBOX_MAX_ATTEMPTS)
        .update(status=Delivery.Status.HELD, next_attempt_at=next_sms_window(now), lease_token="", lease_until=None)
    )


def _release_held(now: dt.datetime) -> int:
    return Delivery.objects.filter(status=Delivery.Status.HELD, next_attempt_at__lte=now).update(
        status=Delivery.Status.PENDING
    )


def _fail_exhausted_leases(now: dt.datetime) -> int:
    """A row whose last allowed attempt died mid-send is not claimed again."""
    return Delivery.objects.filter(
        status=Delivery.Status.SENDING, lease_until__lte=now, attempts__gte=settings.OUTBOX_MAX_ATTEMPTS
    ).update(
        status=Delivery.Status.FAILED,
        lease_token="",
        lease_until=None,
        last_error="The sender stopped during the last attempt.",
    )


def claim_batch(now: dt.datetime, batch_size: int) -> tuple[str, list[Delivery]]:
    """Claim up to ``batch_size`` due deliveries under a fresh lease; return the token and the rows."""
    token = uuid.uuid4().hex
    due = Delivery.objects.filter(_due(now), attempts__lt=settings.OUTBOX_MAX_ATTEMPTS)
    if not sms_allowed_at(now):
        due = due.exclude(channel=Delivery.Channel.SMS, notification__urgent=False)
    due = due.order_by("next_attempt_at", "id")
    claim = {
        "status": Delivery.Status.SENDING,
        "lease_token": token,
        "lease_until": now + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
        "attempts": F("attempts") + 1,
    }
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            # Concurrent senders each lock a different batch instead of waiting for one another.
            ids = list(due.select_for_update(skip_locked=True, of=("self",)).values_list("id", flat=True)[:batch_size])
            claimed = Delivery.objects.filter(id__in=ids).update(**claim) if ids else 0
        else:
            # SQLite serialises writers: one conditional UPDATE is the claim.
            claimed = Delivery.objects.filter(_due(now), id__in=due.values("id")[:batch_size]).update(**claim)
    if not claimed:
        return token, []
    rows = list(
        Delivery.objects.filter(status=Delivery.Status.SENDING, lease_token=token)
        .select_related("notification__recipient")
        .order_by("id")
    )
    return token, rows


def _message_id(key: str) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def _absolute_link(link: str) -> str:
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    return f"{base}{link}" if link.startswith("/") and base else link


def _send_email(delivery: Delivery, mail_connection) -> None:
    notification = delivery.notification
    address = notification.recipient.email if notification.recipient_id else notification.to_email
    if not address:
        raise PermanentDeliveryError("The recipient has no e-mail address.")
    key = delivery.idempotency_key
    context = {"notification": notification, "link": _absolute_link(notification.link)}
    # Opened once per batch (a no-op when already open); a refused connection fails this attempt only.
    mail_connection.open()
    message = EmailMessage(
        subject=notification.title,
        body=render_to_string("notifications/emails/notification.txt", context),
        to=[address],
        connection=mail_connection,
        # The same Message-ID on every attempt lets mail servers and clients drop a repeat.
        headers={"Message-ID": _message_id(key), "X-Portal-Dedupe-Key": key},
    )
    message.send()


def _send_sms(delivery: Delivery, backend: BaseSmsBackend) -> None:
    notification = delivery.notification
    phone = notification.recipient.phone if notification.recipient_id else notification.to_phone
    if not phone:
        raise PermanentDeliveryError("The recipient has no mobile phone number.")
    context = {"notification": notification, "link": _absolute_link(notification.link)}
    text = render_to_string("notifications/sms.txt", context).strip()
    backend.send(phone, text, delivery.idempotency_key)


def _finish(delivery: Delivery, token: str, **changes) -> bool:
    """Record an outcome only if this sender still holds the lease."""
    changes.update(lease_token="", lease_until=None)
    updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING, lease_token=token).update(
        **changes
    )
    if not updated:
        logger.warning("Lease on delivery %s lost before its outcome was recorded", delivery.pk)
    return bool(updated)


def send_outbox(batch_size: int | None = None, now: dt.datetime | None = None) -> dict[str, int]:
    """Send one batch of due e-mail and SMS deliveries; return counts of what happened."""
    now = now or timezone.now()
    batch_size = batch_size or settings.OUTBOX_BATCH_SIZE
    counts = {"released": 0, "held": 0, "claimed": 0, "sent": 0, "retried": 0, "failed": 0}
    if sms_allowed_at(now):
        counts["released"] = _release_held(now)
    else:
        counts["held"] = _hold_quiet_sms(now)
    counts["failed"] += _fail_exhausted_leases(now)

    token, batch = claim_batch(now, batch_size)
    counts["claimed"] = len(batch)
    if not batch:
        return counts

    mail_connection = get_connection()
    sms_backend: BaseSmsBackend | None = None
    try:
        for delivery in batch:
            try:
                if delivery.channel == Delivery.Channel.EMAIL:
                    _send_email(delivery, mail_connection)
                else:
                    sms_backend = sms_backend or get_sms_backend()
                    _send_sms(delivery, sms_backend)
            except Exception as exc:
                # Any failure of a channel is recorded and retried; only the lease decides who records it.
                error = f"{type(exc).__name__}: {exc}"[:2000]
                if isinstance(exc, PermanentDeliveryError) or delivery.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                    if _finish(delivery, token, status=Delivery.Status.FAILED, last_error=error):
                        counts["failed"] += 1
                    logger.error("Delivery %s failed for good: %s", delivery.pk, error)
                else:
                    retry_at = now + _retry_delay(delivery.attempts)
                    if _finish(
                        delivery, token, status=Delivery.Status.PENDING, next_attempt_at=retry_at, last_error=error
                    ):
                        counts["retried"] += 1
                    logger.warning("Delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error)
            else:
                # Recorded one by one, not at the end of the batch: a sender that dies after 100 sends then
                # leaves at most one message to be repeated (and dropped by its idempotency key).
                if _finish(delivery, token, status=Delivery.Status.SENT, sent_at=now, last_error=""):
                    counts["sent"] += 1
    finally:
        mail_connection.close()
        forget_confidential({delivery.notification_id for delivery in batch if delivery.notification.confidential})
    return counts
