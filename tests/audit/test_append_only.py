from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models.deletion import ProtectedError

from efficiency_portal.audit.models import AuditEvent, AuditLogIsAppendOnly
from efficiency_portal.audit.services import record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return record(UserFactory(), "test.something", detail={"n": 1})


def stored(event: AuditEvent) -> tuple:
    return AuditEvent.objects.filter(pk=event.pk).values_list("action", "result", "detail").get()


def test_model_refuses_to_save_an_existing_row(event):
    event.action = "test.rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    assert stored(event) == ("test.something", "success", {"n": 1})


def test_model_refuses_delete(event):
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "attempt",
    [
        lambda: AuditEvent.objects.filter(action="test.something").update(action="x"),
        lambda: AuditEvent.objects.update(result="failed"),
        lambda: AuditEvent.objects.all().delete(),
        lambda: AuditEvent.objects.filter(action="test.something").delete(),
        lambda: AuditEvent.objects.bulk_update([AuditEvent(pk=1, action="x")], ["action"]),
        lambda: AuditEvent.objects.filter(pk__gt=0).update_or_create(action="test.something", defaults={"result": "x"}),
    ],
)
def test_querysets_refuse_update_and_delete(event, attempt):
    # The savepoint keeps the test's transaction usable (bulk_update opens a block without one).
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        attempt()
    assert stored(event) == ("test.something", "success", {"n": 1})


def test_deleting_an_actor_with_history_is_refused(event):
    with pytest.raises(ProtectedError):
        event.actor.delete()


def test_appending_still_works(event):
    second = record(None, "test.other", actor_label="someone")
    assert AuditEvent.objects.count() == 2
    assert second.actor_label == "someone"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'test.rewritten' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgresql_trigger_refuses_update_and_delete_from_any_client(event, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert stored(event) == ("test.something", "success", {"n": 1})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_trigger_is_installed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass AND NOT tgisinternal"
        )
        assert [row[0] for row in cursor.fetchall()] == ["audit_auditevent_append_only"]


def test_factory_rows_are_append_only_too():
    from tests.factories import AuditEventFactory

    row = AuditEventFactory(action="test.factory")
    with pytest.raises(AuditLogIsAppendOnly):
        row.save()
    assert AuditEvent.objects.get(pk=row.pk).actor_label == row.actor.get_username()
