"""Credit services: recording and proposing, doubling, validity, confirm/dismiss, objections on the clock, expiry."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from credit import services
from credit.models import CreditEntry, CreditEvent, CreditObjection, EntryStatus, ObjectionOutcome, Source
from credit.selectors import dashboard_counts, score_on
from efficiency_portal.notifications.models import Notification
from efficiency_portal.supervision.models import Deadline, DeadlineStatus
from efficiency_portal.supervision.services import sweep_deadlines
from tests.credit.factories import supervisor
from tests.factories import DepartmentFactory, StaffFactory, make_head, seed_calendar

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _calendar():
    seed_calendar(2025, 2026)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture
def june():
    with time_machine.travel(at(2026, 6, 1, 10), tick=False):
        yield


def record(staff, code="buck_passing", fact=dt.date(2026, 3, 2), **kwargs):
    return services.record_entry(
        rule_code=code, fact_date=fact, source=Source.MANUAL, staff=staff, actor=kwargs.pop("actor", None), **kwargs
    )


@pytest.mark.usefixtures("june")
class TestRecording:
    def test_seeded_rules_exist(self):
        from credit.models import CreditRule

        codes = set(CreditRule.objects.values_list("code", flat=True))
        assert {"talk_reminder", "public_criticism_4", "transfer", "dismissal_proposal", "second_class_merit"} <= codes

    def test_record_is_confirmed_and_counts(self):
        staff = StaffFactory()
        entry = record(staff)
        assert entry.status == EntryStatus.CONFIRMED
        assert entry.points == -10 and entry.valid_until == dt.date(2027, 3, 2)
        assert score_on(staff=staff, on=dt.date(2026, 6, 1)).points == 990
        assert Notification.objects.filter(recipient=staff.user, kind="credit_entry").count() == 1

    def test_same_source_object_is_recorded_once(self):
        staff = StaffFactory()
        other = DepartmentFactory()
        first = services.propose_entry(
            rule_code="red_card_case",
            fact_date=dt.date(2026, 5, 1),
            source=Source.RED_CARD,
            source_object=other,
            staff=staff,
        )
        again = services.propose_entry(
            rule_code="red_card_case",
            fact_date=dt.date(2026, 5, 1),
            source=Source.RED_CARD,
            source_object=other,
            staff=staff,
        )
        assert first.pk == again.pk and first.status == EntryStatus.PENDING
        assert first.source_id == other.pk and first.source_type.model == "department"
        assert CreditEntry.objects.count() == 1

    def test_repeat_while_valid_doubles(self):
        staff = StaffFactory()
        record(staff, fact=dt.date(2025, 7, 1))
        second = record(staff, fact=dt.date(2026, 5, 1))
        assert second.repeated and second.points == -20
        third = record(StaffFactory(), fact=dt.date(2026, 5, 1))
        assert not third.repeated and third.points == -10

    def test_repeat_after_expiry_does_not_double(self):
        staff = StaffFactory()
        record(staff, fact=dt.date(2025, 3, 1))  # valid until 2026-03-01
        later = record(staff, fact=dt.date(2026, 3, 1))
        assert not later.repeated and later.points == -10

    def test_validity_by_points(self):
        staff = StaffFactory()
        small = record(staff, code="public_criticism_4", fact=dt.date(2026, 1, 5))  # 50 points: 2 years
        assert small.valid_until == dt.date(2028, 1, 5)
        forty = record(StaffFactory(), code="second_class_merit", fact=dt.date(2026, 1, 5))
        assert forty.valid_until == dt.date(2027, 1, 5)
        doubled = record(staff, code="admonition", fact=dt.date(2025, 12, 1))
        again = record(staff, code="admonition", fact=dt.date(2026, 2, 1))
        assert doubled.valid_until == dt.date(2026, 12, 1)
        assert again.points == -60 and again.valid_until == dt.date(2028, 2, 1)

    def test_direct_downgrade(self):
        staff = StaffFactory()
        entry = record(staff, code="transfer", fact=dt.date(2026, 1, 5))
        assert entry.valid_until == dt.date(2029, 1, 5) and entry.points == 0
        score = score_on(staff=staff, on=dt.date(2026, 6, 1))
        assert score.points == 1000 and score.grade == "C" and score.downgraded_to == "C"
        record(staff, code="dismissal_proposal", fact=dt.date(2026, 2, 5))
        assert score_on(staff=staff, on=dt.date(2026, 6, 1)).grade == "D"
        assert score_on(staff=staff, on=dt.date(2029, 1, 5)).grade == "D"
        assert score_on(staff=staff, on=dt.date(2031, 2, 5)).grade == "A"

    def test_downgrade_never_raises_a_grade(self):
        staff = StaffFactory()
        for fact in (dt.date(2025, 9, 1), dt.date(2026, 1, 1)):
            record(staff, code="public_criticism_4", fact=fact)  # -50, then -100: 850
        record(staff, code="kickbacks", fact=dt.date(2026, 2, 1))  # -20: 830, C
        record(staff, code="dismissal_proposal", fact=dt.date(2026, 2, 2))
        assert score_on(staff=staff, on=dt.date(2026, 6, 1)).grade == "D"

    @pytest.mark.parametrize(
        ("points", "fact", "field"),
        [
            (5, dt.date(2026, 5, 1), "points"),  # a deduction with positive points
            (None, dt.date(2026, 6, 2), "fact_date"),  # tomorrow
        ],
    )
    def test_bad_input_is_refused(self, points, fact, field):
        staff = StaffFactory()
        with pytest.raises(ValidationError) as caught:
            record(staff, fact=fact, points=points)
        assert field in caught.value.message_dict
        assert not CreditEntry.objects.exists()

    def test_bonus_with_negative_points_and_two_subjects_are_refused(self):
        staff = StaffFactory()
        with pytest.raises(ValidationError, match="positive"):
            record(staff, code="commendation", points=-5)
        with pytest.raises(ValidationError):
            services.record_entry(
                rule_code="buck_passing",
                fact_date=dt.date(2026, 5, 1),
                source=Source.MANUAL,
                staff=staff,
                department=staff.department,
                actor=None,
            )
        with pytest.raises(ValidationError, match="does not apply"):
            services.record_entry(
                rule_code="transfer",
                fact_date=dt.date(2026, 5, 1),
                source=Source.MANUAL,
                department=staff.department,
                actor=None,
            )
        assert not CreditEntry.objects.exists()


@pytest.mark.usefixtures("june")
class TestConfirmation:
    def test_confirm_doubles_at_confirmation_and_tells_the_subject(self):
        staff = StaffFactory()
        record(staff, code="red_card_case", fact=dt.date(2026, 4, 1))
        pending = services.propose_entry(
            rule_code="red_card_case", fact_date=dt.date(2026, 5, 1), source=Source.RED_CARD, staff=staff
        )
        assert score_on(staff=staff, on=dt.date(2026, 6, 1)).points == 995  # pending does not count
        boss = supervisor()
        confirmed = services.confirm_entry(pending, boss)
        assert confirmed.status == EntryStatus.CONFIRMED and confirmed.points == -10 and confirmed.confirmed_by == boss
        assert score_on(staff=staff, on=dt.date(2026, 6, 1)).points == 985
        assert CreditEvent.objects.filter(entry=confirmed, action="confirmed", actor=boss).exists()

    def test_decided_entry_cannot_be_confirmed_or_dismissed_again(self):
        entry = services.propose_entry(
            rule_code="bad_rating", fact_date=dt.date(2026, 5, 1), source=Source.BAD_RATING, staff=StaffFactory()
        )
        boss = supervisor()
        services.dismiss_entry(entry, boss, "not proven")
        with pytest.raises(ValidationError, match="already decided"):
            services.confirm_entry(entry, boss)
        with pytest.raises(ValidationError, match="already decided"):
            services.dismiss_entry(entry, boss, "again")
        entry.refresh_from_db()
        assert entry.status == EntryStatus.DISMISSED and entry.decision_reason == "not proven"

    def test_dismiss_needs_a_reason(self):
        entry = services.propose_entry(
            rule_code="bad_rating", fact_date=dt.date(2026, 5, 1), source=Source.BAD_RATING, staff=StaffFactory()
        )
        with pytest.raises(ValidationError) as caught:
            services.dismiss_entry(entry, supervisor(), "  ")
        assert "reason" in caught.value.message_dict


class TestObjections:
    def _confirmed(self, staff, when):
        with time_machine.travel(when, tick=False):
            return record(staff, fact=dt.date(2026, 9, 1), actor=supervisor())

    def test_objection_clock_across_national_day(self):
        staff = StaffFactory()
        entry = self._confirmed(staff, at(2026, 9, 28, 9))
        with time_machine.travel(at(2026, 9, 30, 10), tick=False):
            objection = services.file_objection(entry, staff.user, "The case was handed over to me late.")
        entry.refresh_from_db()
        assert entry.status == EntryStatus.DISPUTED
        clock = Deadline.objects.get(kind=services.ACCEPT_CLOCK, object_id=objection.pk)
        # 2 working days after 30 September, skipping the National Day holiday (1-7 October 2026) and counting
        # the 调休 make-up day if any: the due day lies after the holiday.
        from efficiency_portal.workdays.calendar import add_working_days

        assert clock.due_at.astimezone(TZ).date() == add_working_days(dt.date(2026, 9, 30), 2).day
        assert clock.due_at.astimezone(TZ).date() >= dt.date(2026, 10, 8)
        assert Notification.objects.filter(recipient=clock.responsible, kind="credit_objection").count() == 1
        with time_machine.travel(at(2026, 10, 20, 10), tick=False):
            sweep_deadlines()
            clock.refresh_from_db()
            assert clock.light == "red"
            assert dashboard_counts(dt.date(2026, 10, 20))["objections_overdue"] == 1
            boss = supervisor()
            services.accept_objection(objection, boss)
            clock.refresh_from_db()
            assert clock.status == DeadlineStatus.FINISHED
            decide = Deadline.objects.get(kind=services.DECIDE_CLOCK, object_id=objection.pk)
            assert decide.responsible == boss and decide.limit_days == 10
            decided = services.decide_objection(
                objection, boss, outcome=ObjectionOutcome.WITHDRAWN, reason="Handed over late by another department."
            )
        entry.refresh_from_db()
        decide.refresh_from_db()
        assert decided.status == "decided" and entry.status == EntryStatus.WITHDRAWN
        assert decide.status == DeadlineStatus.FINISHED
        assert score_on(staff=staff, on=dt.date(2026, 10, 20)).points == 1000
        assert Notification.objects.filter(recipient=staff.user, kind="credit_objection").count() == 1

    def test_upheld_entry_counts_again(self):
        staff = StaffFactory()
        entry = self._confirmed(staff, at(2026, 9, 2, 9))
        with time_machine.travel(at(2026, 9, 3, 10), tick=False):
            objection = services.file_objection(entry, staff.user, "No.")
            assert dashboard_counts(dt.date(2026, 9, 3))["objections_open"] == 1
            services.decide_objection(objection, supervisor(), outcome=ObjectionOutcome.UPHELD, reason="Proven.")
            assert dashboard_counts(dt.date(2026, 9, 3))["objections_open"] == 0
        entry.refresh_from_db()
        assert entry.status == EntryStatus.CONFIRMED
        assert not Deadline.objects.exclude(status=DeadlineStatus.FINISHED).exists()

    def test_only_the_subject_within_the_window_objects_once(self):
        staff = StaffFactory()
        entry = self._confirmed(staff, at(2026, 9, 2, 9))
        with time_machine.travel(at(2026, 9, 3, 10), tick=False):
            with pytest.raises(ValidationError, match="Only the civil servant"):
                services.file_objection(entry, StaffFactory(department=staff.department).user, "Not mine")
            with pytest.raises(ValidationError):
                services.file_objection(entry, staff.user, "  ")
        with (
            time_machine.travel(at(2026, 10, 30, 10), tick=False),
            pytest.raises(ValidationError, match="time to object ended"),
        ):
            services.file_objection(entry, staff.user, "Too late")
        assert not CreditObjection.objects.exists()
        entry.refresh_from_db()
        assert entry.status == EntryStatus.CONFIRMED

    def test_department_head_objects_for_the_department(self):
        department = DepartmentFactory()
        head = make_head(department)
        with time_machine.travel(at(2026, 9, 2, 9), tick=False):
            entry = services.record_entry(
                rule_code="buck_passing",
                fact_date=dt.date(2026, 9, 1),
                source=Source.AUDIT,
                department=department,
                actor=None,
            )
            with pytest.raises(ValidationError):
                services.file_objection(entry, StaffFactory(department=department).user, "No")
            objection = services.file_objection(entry, head.user, "Audit misread the file.")
        assert objection.objector == head.user


class TestExpiry:
    def test_sweep_expires_once_and_keeps_history(self):
        staff = StaffFactory()
        with time_machine.travel(at(2025, 5, 1, 9), tick=False):
            old = record(staff, fact=dt.date(2025, 5, 1))
        with time_machine.travel(at(2026, 4, 30, 9), tick=False):
            assert services.expire_entries() == 0
        with time_machine.travel(at(2026, 5, 1, 9), tick=False):
            assert services.expire_entries() == 1
            assert services.expire_entries() == 0
        old.refresh_from_db()
        assert old.status == EntryStatus.EXPIRED
        assert CreditEvent.objects.filter(entry=old, action="expired").count() == 1
        assert score_on(staff=staff, on=dt.date(2025, 6, 1)).points == 990  # still counts on past dates
        assert score_on(staff=staff, on=dt.date(2026, 5, 1)).points == 1000
