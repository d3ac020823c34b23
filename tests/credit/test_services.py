"""Credit services: recording and proposing, doubling, validity, confirm/dismiss, objections on the clock, expiry."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from credit import services
from credit.models import CreditEntry, CreditEvent, CreditObjection, CreditRule, EntryStatus, ObjectionOutcome, Source
from credit.selectors import dashboard_counts, score_on
from efficiency_portal.notifications.models import Notification
from efficiency_portal.org.models import Role
from efficiency_portal.supervision.models import Deadline, DeadlineStatus, Warning, WarningLevel, WarningRecipient
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


def _told(warning: Warning) -> set[tuple[int, str]]:
    return set(warning.recipients.values_list("user_id", "role"))


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

    @pytest.mark.parametrize(("grade", "years"), [("B", 2), ("C", 3), ("D", 5)])
    def test_downgrade_validity_by_grade(self, grade, years, settings):
        rules = {r.downgrade_to: r for r in CreditRule.objects.filter(kind="downgrade", validity_years__isnull=True)}
        assert {"C": "transfer", "D": "dismissal_proposal"}.items() <= {g: r.code for g, r in rules.items()}.items()
        if grade not in rules:
            rules[grade] = CreditRule.objects.create(
                code=f"downgrade_{grade.lower()}", name=f"降为{grade}", kind="downgrade", downgrade_to=grade
            )
        entry = record(StaffFactory(), code=rules[grade].code, fact=dt.date(2026, 1, 5))
        assert entry.valid_until == dt.date(2026 + years, 1, 5)
        # The number comes from the setting, not from the rule.
        settings.CREDIT_DOWNGRADE_YEARS = {"B": 4, "C": 6, "D": 7}
        later = record(StaffFactory(), code=rules[grade].code, fact=dt.date(2026, 1, 5))
        assert later.valid_until == dt.date(2026 + {"B": 4, "C": 6, "D": 7}[grade], 1, 5)

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

    def test_objection_clock_across_national_day(self, settings):
        # Every date below is counted by hand on the official 2026 schedule: Mid-autumn 25-27 September, National
        # Day 1-7 October, 10 October (Saturday) a working day; working days end at 17:30.
        settings.DEADLINE_YELLOW_WORKING_DAYS = 1
        settings.WORKDAY_ENDS_AT = "17:30"
        office = DepartmentFactory(name="效能办")
        office_head = make_head(office)
        office_leader = StaffFactory()
        office.leader_in_charge = office_leader
        office.save(update_fields=["leader_in_charge"])
        recorder = StaffFactory(department=office, roles=[Role.SUPERVISOR]).user
        subject_department = DepartmentFactory()
        subject_head = make_head(subject_department)
        subject_leader = StaffFactory()
        subject_department.leader_in_charge = subject_leader
        subject_department.save(update_fields=["leader_in_charge"])
        staff = StaffFactory(department=subject_department)
        with time_machine.travel(at(2026, 9, 28, 9), tick=False):  # Monday
            entry = record(staff, fact=dt.date(2026, 9, 1), actor=recorder)
        # 15 working days after 28 September: 29, 30 Sep, 8, 9, 10, 12-16, 19-23 October.
        assert services.objection_window_ends(entry) == at(2026, 10, 23, 17, 30)
        with time_machine.travel(at(2026, 9, 30, 10), tick=False):
            objection = services.file_objection(entry, staff.user, "The case was handed over to me late.")
        entry.refresh_from_db()
        assert entry.status == EntryStatus.DISPUTED
        clock = Deadline.objects.get(kind=services.ACCEPT_CLOCK, object_id=objection.pk)
        # 2 working days after Wednesday 30 September: 8 and 9 October; yellow from the start of the last one before.
        assert clock.due_at == at(2026, 10, 9, 17, 30)
        assert clock.yellow_from == at(2026, 10, 8, 0, 0)
        assert (clock.responsible, clock.department) == (recorder, office)
        assert Notification.objects.filter(recipient=recorder, kind="credit_objection").count() == 1

        sweep_deadlines(at(2026, 10, 7, 23, 59))
        assert not Warning.objects.exists()
        sweep_deadlines(at(2026, 10, 8, 10))
        yellow = Warning.objects.get(deadline=clock, level=WarningLevel.YELLOW)
        assert _told(yellow) == {(recorder.pk, "responsible")}
        assert dashboard_counts(dt.date(2026, 10, 8))["objections_overdue"] == 0
        sweep_deadlines(at(2026, 10, 9, 17, 30))
        red = Warning.objects.get(deadline=clock, level=WarningLevel.RED)
        # The efficiency office's head and leader are told; nobody of the department objected against.
        assert _told(red) == {
            (recorder.pk, "responsible"),
            (office_head.user.pk, "head"),
            (office_leader.user.pk, "leader"),
        }
        clock.refresh_from_db()
        assert clock.light == "red"

        with time_machine.travel(at(2026, 10, 12, 10), tick=False):
            assert dashboard_counts(dt.date(2026, 10, 12))["objections_overdue"] == 1
            boss = StaffFactory(department=office, roles=[Role.SUPERVISOR]).user
            services.accept_objection(objection, boss)
            clock.refresh_from_db()
            assert clock.status == DeadlineStatus.FINISHED
            assert dashboard_counts(dt.date(2026, 10, 12))["objections_overdue"] == 0
            decide = Deadline.objects.get(kind=services.DECIDE_CLOCK, object_id=objection.pk)
        # 10 working days after Monday 12 October: 13-16, 19-23, 26 October.
        assert decide.due_at == at(2026, 10, 26, 17, 30)
        assert decide.yellow_from == at(2026, 10, 23, 0, 0)
        assert (decide.responsible, decide.department, decide.limit_days) == (boss, office, 10)
        sweep_deadlines(at(2026, 10, 26, 17, 31))
        assert _told(Warning.objects.get(deadline=decide, level=WarningLevel.RED)) == {
            (boss.pk, "responsible"),
            (office_head.user.pk, "head"),
            (office_leader.user.pk, "leader"),
        }
        assert not WarningRecipient.objects.filter(
            user__in=[staff.user, subject_head.user, subject_leader.user]
        ).exists()
        with time_machine.travel(at(2026, 10, 27, 10), tick=False):
            decided = services.decide_objection(
                objection, boss, outcome=ObjectionOutcome.WITHDRAWN, reason="Handed over late by another department."
            )
        entry.refresh_from_db()
        decide.refresh_from_db()
        assert decided.status == "decided" and entry.status == EntryStatus.WITHDRAWN
        assert decide.status == DeadlineStatus.FINISHED and decide.outcome == "late"
        assert score_on(staff=staff, on=dt.date(2026, 10, 27)).points == 1000
        assert Notification.objects.filter(recipient=staff.user, kind="credit_objection").count() == 1

    def test_objection_window_edge(self):
        first, second = StaffFactory(), StaffFactory()
        entries = [self._confirmed(person, at(2026, 9, 28, 9)) for person in (first, second)]
        with time_machine.travel(at(2026, 10, 23, 17, 30), tick=False):  # the last moment allowed
            assert services.file_objection(entries[0], first.user, "In time.").entry_id == entries[0].pk
        with (
            time_machine.travel(at(2026, 10, 23, 17, 30, 1), tick=False),
            pytest.raises(ValidationError, match="time to object ended on 2026-10-23"),
        ):
            services.file_objection(entries[1], second.user, "One second late.")
        assert CreditObjection.objects.count() == 1

    def test_a_department_objection_never_warns_its_own_head(self):
        office = DepartmentFactory()
        office_head = make_head(office)
        recorder = StaffFactory(department=office, roles=[Role.SUPERVISOR]).user
        department = DepartmentFactory()
        head = make_head(department)
        with time_machine.travel(at(2026, 9, 2, 9), tick=False):
            entry = services.record_entry(
                rule_code="buck_passing",
                fact_date=dt.date(2026, 9, 1),
                source=Source.AUDIT,
                department=department,
                actor=recorder,
            )
            objection = services.file_objection(entry, head.user, "Audit misread the file.")
        clock = Deadline.objects.get(kind=services.ACCEPT_CLOCK, object_id=objection.pk)
        assert clock.department == office
        sweep_deadlines(at(2026, 9, 30, 10))
        red = Warning.objects.get(deadline=clock, level=WarningLevel.RED)
        assert _told(red) == {(recorder.pk, "responsible"), (office_head.user.pk, "head")}

    def test_a_supervisor_without_a_staff_record_borrows_the_office_of_another(self):
        office = DepartmentFactory()
        StaffFactory(department=office, roles=[Role.SUPERVISOR])
        staff = StaffFactory()
        entry = self._confirmed(staff, at(2026, 9, 2, 9))  # recorded by a supervisor who is no staff member
        with time_machine.travel(at(2026, 9, 3, 10), tick=False):
            objection = services.file_objection(entry, staff.user, "No.")
        assert Deadline.objects.get(object_id=objection.pk, kind=services.ACCEPT_CLOCK).department == office

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
