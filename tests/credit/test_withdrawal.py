"""withdraw_entry: a source that changed its mind takes a pending, confirmed or disputed entry back."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from credit import services
from credit.models import (
    CreditEntry,
    CreditEvent,
    CreditObjection,
    EntryStatus,
    ObjectionOutcome,
    ObjectionStatus,
    Source,
)
from credit.selectors import score_on
from efficiency_portal.notifications.models import Notification
from efficiency_portal.supervision.models import Deadline, DeadlineStatus
from tests.credit.factories import supervisor
from tests.factories import DepartmentFactory, StaffFactory, make_head, seed_calendar

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 6, 1, 10, tzinfo=TZ)
DAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _frozen():
    seed_calendar(2025, 2026)
    with time_machine.travel(NOW, tick=False):
        yield


def _recorded(staff, **kwargs) -> CreditEntry:
    return services.record_entry(
        rule_code="buck_passing",
        fact_date=dt.date(2026, 5, 20),
        source=Source.COMPLAINT,
        staff=staff,
        actor=kwargs.pop("actor", None) or supervisor(),
        **kwargs,
    )


def _withdrawn_notes(user) -> int:
    notes = Notification.objects.filter(recipient=user, kind="credit_entry")
    return notes.filter(title="A credit entry was withdrawn").count()


def test_a_confirmed_entry_stops_counting_and_the_subject_is_told():
    staff = StaffFactory()
    entry = _recorded(staff)
    assert score_on(staff=staff, on=DAY).points == 990
    boss = supervisor()
    withdrawn = services.withdraw_entry(entry, boss, "  复查结论：不属实  ")
    assert withdrawn.status == EntryStatus.WITHDRAWN and withdrawn.decision_reason == "复查结论：不属实"
    assert score_on(staff=staff, on=DAY).points == 1000
    event = CreditEvent.objects.get(entry=entry, action="withdrawn")
    assert (event.actor, event.from_status, event.to_status, event.reason, event.at) == (
        boss,
        EntryStatus.CONFIRMED,
        EntryStatus.WITHDRAWN,
        "复查结论：不属实",
        NOW,
    )
    assert _withdrawn_notes(staff.user) == 1
    note = Notification.objects.get(recipient=staff.user, title="A credit entry was withdrawn")
    assert note.link == entry.get_absolute_url() and "复查结论" in note.body


def test_a_pending_entry_is_withdrawn_by_id():
    staff = StaffFactory()
    pending = services.propose_entry(
        rule_code="bad_rating", fact_date=dt.date(2026, 5, 2), source=Source.BAD_RATING, staff=staff
    )
    withdrawn = services.withdraw_entry(pending.pk, supervisor(), "评价人撤回")
    assert withdrawn.status == EntryStatus.WITHDRAWN
    assert CreditEvent.objects.get(entry=pending, action="withdrawn").from_status == EntryStatus.PENDING
    # Withdrawn, it can no longer be confirmed.
    with pytest.raises(ValidationError, match="already decided"):
        services.confirm_entry(pending, supervisor())


@pytest.mark.parametrize("accepted", [False, True], ids=["submitted", "accepted"])
def test_a_disputed_entry_closes_its_objection_and_stops_its_clocks(accepted):
    staff = StaffFactory()
    entry = _recorded(staff)
    objection = services.file_objection(entry, staff.user, "并非本人推诿。")
    boss = supervisor()
    if accepted:
        services.accept_objection(objection, boss)
    assert Deadline.objects.exclude(status=DeadlineStatus.FINISHED).count() == 1
    services.withdraw_entry(entry, boss, "投诉重新调查，不属实。")
    objection.refresh_from_db()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WITHDRAWN
    assert (objection.status, objection.outcome, objection.decided_by) == (
        ObjectionStatus.DECIDED,
        ObjectionOutcome.WITHDRAWN,
        boss,
    )
    assert objection.decision_reason == "投诉重新调查，不属实。"
    assert not Deadline.objects.exclude(status=DeadlineStatus.FINISHED).exists()
    assert Deadline.objects.filter(status=DeadlineStatus.FINISHED).count() == (2 if accepted else 1)
    assert _withdrawn_notes(staff.user) == 1  # the objector is the subject: told once
    with pytest.raises(ValidationError, match="already"):
        services.decide_objection(objection, boss, outcome=ObjectionOutcome.UPHELD, reason="late")


def test_a_department_entry_tells_the_head():
    department = DepartmentFactory()
    head = make_head(department)
    entry = services.record_entry(
        rule_code="buck_passing",
        fact_date=dt.date(2026, 5, 20),
        source=Source.AUDIT,
        department=department,
        actor=supervisor(),
    )
    services.withdraw_entry(entry, supervisor(), "审计复核撤回")
    assert _withdrawn_notes(head.user) == 1


def test_withdrawing_twice_returns_the_entry_and_writes_nothing_more():
    staff = StaffFactory()
    entry = _recorded(staff)
    boss = supervisor()
    first = services.withdraw_entry(entry, boss, "不属实")
    again = services.withdraw_entry(entry, boss, "不属实")
    assert again.pk == first.pk and again.status == EntryStatus.WITHDRAWN
    assert CreditEvent.objects.filter(entry=entry, action="withdrawn").count() == 1
    assert _withdrawn_notes(staff.user) == 1


def test_an_empty_reason_is_refused():
    entry = _recorded(StaffFactory())
    with pytest.raises(ValidationError) as caught:
        services.withdraw_entry(entry, supervisor(), "   ")
    assert "reason" in caught.value.message_dict
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CONFIRMED
    assert not CreditEvent.objects.filter(action="withdrawn").exists()


def test_dismissed_and_expired_entries_are_refused():
    staff = StaffFactory()
    dismissed = services.propose_entry(
        rule_code="bad_rating", fact_date=dt.date(2026, 5, 2), source=Source.BAD_RATING, staff=staff
    )
    services.dismiss_entry(dismissed, supervisor(), "not proven")
    expired = _recorded(staff)
    CreditEntry.objects.filter(pk=expired.pk).update(status=EntryStatus.EXPIRED)
    for entry, state in ((dismissed, EntryStatus.DISMISSED), (expired, EntryStatus.EXPIRED)):
        with pytest.raises(ValidationError) as caught:
            services.withdraw_entry(entry, supervisor(), "不属实")
        assert "status" in caught.value.message_dict
        assert "only a pending, confirmed or disputed entry" in caught.value.message_dict["status"][0]
        entry.refresh_from_db()
        assert entry.status == state
    assert not CreditEvent.objects.filter(action="withdrawn").exists()
    assert not CreditObjection.objects.exists()
