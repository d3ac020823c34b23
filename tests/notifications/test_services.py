"""Writing notifications: notify() and the set-based enqueue_from_queryset()."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection, transaction
from django.db.models import BooleanField, CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.test.utils import CaptureQueriesContext

from efficiency_portal.accounts.models import User
from efficiency_portal.notifications import services
from efficiency_portal.notifications.models import Delivery, Notification
from tests.factories import NotificationFactory, ReachableUserFactory, UserFactory

pytestmark = pytest.mark.django_db

Channel = Delivery.Channel


def channels_of(notification: Notification) -> set[str]:
    return set(notification.deliveries.values_list("channel", flat=True))


def test_notify_writes_notification_and_one_delivery_per_reachable_channel():
    both = ReachableUserFactory()
    mail_only = UserFactory(phone="")
    phone_only = UserFactory(email="", phone="13800000001")
    neither = UserFactory(email="", phone="")

    results = {
        user.username: services.notify(user, kind="test", title="标题", body="正文", dedupe_key=f"k:{user.pk}")
        for user in (both, mail_only, phone_only, neither)
    }

    assert channels_of(results[both.username]) == {Channel.EMAIL, Channel.SMS}
    assert channels_of(results[mail_only.username]) == {Channel.EMAIL}
    assert channels_of(results[phone_only.username]) == {Channel.SMS}
    assert channels_of(results[neither.username]) == set()
    assert Notification.objects.count() == 4
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.PENDING}
    created = Notification.objects.get(dedupe_key=f"k:{both.pk}")
    assert created.created_at is not None
    assert created.read_at is None


def test_repeated_dedupe_key_is_ignored_and_keeps_the_callers_transaction_usable():
    user = ReachableUserFactory()
    with transaction.atomic():
        first = services.notify(user, kind="test", title="一", body="", dedupe_key="same")
        second = services.notify(user, kind="test", title="二", body="", dedupe_key="same")
        # The caller's transaction goes on after the duplicate.
        third = services.notify(user, kind="test", title="三", body="", dedupe_key="other")
    assert first is not None
    assert second is None
    assert third is not None
    assert list(Notification.objects.order_by("id").values_list("title", flat=True)) == ["一", "三"]
    assert Delivery.objects.count() == 4


def test_notify_rolls_back_with_the_callers_transaction():
    user = ReachableUserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(user, kind="test", title="x", body="", dedupe_key="rolled-back")
        raise RuntimeError("the event failed")
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_notify_queues_one_sender_run_on_commit_which_sends(django_capture_on_commit_callbacks, daytime):
    users = ReachableUserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for user in users:
            services.notify(user, kind="test", title="请处理", body="正文", dedupe_key=f"c:{user.pk}")
    assert len(callbacks) == 1
    assert len(mail.outbox) == 3
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 6


def test_nothing_is_queued_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    user = ReachableUserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.notify(user, kind="test", title="x", body="", dedupe_key="gone")
            raise RuntimeError
        # After the rollback a new notification queues the sender again.
        services.notify(user, kind="test", title="y", body="", dedupe_key="kept")
    assert len(callbacks) == 1


# --- enqueue_from_queryset ------------------------------------------------------------------------------------


def members_rows(group: Group, kind: str = "group-notice"):
    """Rows for every member of ``group``, built from a model (the membership table) with annotations."""
    return User.groups.through.objects.filter(group=group).values(
        recipient_id=F("user_id"),
        kind=Value(kind),
        title=Concat(Value("小组通知："), F("group__name")),
        body=Value("请查看。"),
        link=Value("/notifications/"),
        urgent=Value(False, output_field=BooleanField()),
        dedupe_key=Concat(Value(f"{kind}:"), Cast("group_id", CharField()), Value(":"), Cast("user_id", CharField())),
    )


def make_group(name: str, users: list[User]) -> Group:
    group = Group.objects.create(name=name)
    group.user_set.add(*users)
    return group


def test_enqueue_from_queryset_inserts_notifications_and_deliveries_per_channel():
    both = ReachableUserFactory()
    mail_only = UserFactory(phone="")
    phone_only = UserFactory(email="", phone="13800000002")
    neither = UserFactory(email="", phone="")
    group = make_group("科室", [both, mail_only, phone_only, neither])

    inserted = services.enqueue_from_queryset(members_rows(group))

    assert inserted == 4
    by_user = {n.recipient_id: n for n in Notification.objects.all()}
    assert by_user[both.pk].title == "小组通知：科室"
    assert by_user[both.pk].urgent is False
    assert by_user[both.pk].created_at is not None
    assert channels_of(by_user[both.pk]) == {Channel.EMAIL, Channel.SMS}
    assert channels_of(by_user[mail_only.pk]) == {Channel.EMAIL}
    assert channels_of(by_user[phone_only.pk]) == {Channel.SMS}
    assert channels_of(by_user[neither.pk]) == set()
    delivery = Delivery.objects.first()
    assert (delivery.status, delivery.attempts, delivery.lease_token) == (Delivery.Status.PENDING, 0, "")


def test_enqueue_from_queryset_skips_existing_keys_and_leaves_their_deliveries_alone():
    old, new = ReachableUserFactory.create_batch(2)
    group = make_group("窗口", [old])
    assert services.enqueue_from_queryset(members_rows(group)) == 1
    old_delivery_ids = set(Delivery.objects.values_list("id", flat=True))
    Delivery.objects.update(status=Delivery.Status.SENT)

    group.user_set.add(new)
    assert services.enqueue_from_queryset(members_rows(group)) == 1
    assert services.enqueue_from_queryset(members_rows(group)) == 0

    assert Notification.objects.count() == 2
    assert Delivery.objects.count() == 4
    # The earlier notification's deliveries were neither duplicated nor reset.
    assert set(Delivery.objects.filter(id__in=old_delivery_ids).values_list("status", flat=True)) == {"sent"}


def test_enqueue_from_queryset_ignores_a_key_written_by_notify():
    user = ReachableUserFactory()
    group = make_group("督查", [user])
    key = f"group-notice:{group.pk}:{user.pk}"
    NotificationFactory(recipient=user, dedupe_key=key, title="先到")
    assert services.enqueue_from_queryset(members_rows(group)) == 0
    assert Notification.objects.get().title == "先到"
    assert not Delivery.objects.exists()


def test_enqueue_from_queryset_rejects_rows_selecting_other_names():
    user = ReachableUserFactory()
    group = make_group("错", [user])
    rows = members_rows(group).values("recipient_id", "kind")
    with pytest.raises(ValueError):
        services.enqueue_from_queryset(rows)


@pytest.mark.parametrize("size", [3, 40])
def test_enqueue_from_queryset_query_count_does_not_grow_with_rows(size, django_capture_on_commit_callbacks):
    group = make_group(f"组{size}", ReachableUserFactory.create_batch(size))
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as queries:
        inserted = services.enqueue_from_queryset(members_rows(group))
    assert inserted == size
    assert Delivery.objects.count() == 2 * size
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    # Highest id, the notifications, and one INSERT ... SELECT per channel.
    assert len(statements) == 4, statements
    assert sum(s.startswith("INSERT") for s in statements) == 3
    assert len(callbacks) == 1
