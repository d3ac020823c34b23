"""Calendar writes: validation, the change log, the signal and its count, the audit trail, sync and demo."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from efficiency_portal.audit.models import AuditEvent
from efficiency_portal.org.models import Role
from efficiency_portal.workdays import demo, official, services
from efficiency_portal.workdays.calendar import add_working_days, get_calendar, is_working_day
from efficiency_portal.workdays.models import CalendarChange, CalendarYear, SpecialDay
from efficiency_portal.workdays.services import DaySpec
from efficiency_portal.workdays.signals import calendar_changed
from tests.factories import StaffFactory, UserFactory, ensure_official_calendar, make_deadline

pytestmark = pytest.mark.django_db

D = dt.date
HOLIDAY, WORKDAY = SpecialDay.Kind.HOLIDAY, SpecialDay.Kind.WORKDAY
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A plausible 2027 schedule (not the official one): New Year Fri Jan 1 – Sun Jan 3, National Day Oct 1–7
# with Sat Sep 25 and Sat Oct 9 worked.
SCHEDULE_2027 = [
    DaySpec(D(2027, 1, 1), HOLIDAY, "元旦"),
    DaySpec(D(2027, 1, 2), HOLIDAY, "元旦"),
    DaySpec(D(2027, 1, 3), HOLIDAY, "元旦"),
    *[DaySpec(D(2027, 10, day), HOLIDAY, "国庆节") for day in range(1, 8)],
    DaySpec(D(2027, 9, 25), WORKDAY, "国庆节"),
    DaySpec(D(2027, 10, 9), WORKDAY, "国庆节"),
]


@pytest.fixture
def admin_user():
    return UserFactory(username="calendar-admin", roles=[Role.ADMINISTRATOR])


@pytest.fixture
def received():
    """Captures every calendar_changed sent, and answers with a count."""
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)
        return 2

    calendar_changed.connect(receiver, weak=False, dispatch_uid="test-workdays-receiver")
    yield calls
    calendar_changed.disconnect(dispatch_uid="test-workdays-receiver")


# --- a year's schedule ------------------------------------------------------------------------------------------


def test_add_year_schedule_logs_signals_counts_and_audits(admin_user, received):
    assert add_working_days(D(2027, 9, 30), 1).provisional is True
    change = services.add_year_schedule(admin_user, 2027, SCHEDULE_2027, note="国办发明电〔2026〕7号")
    row = CalendarYear.objects.get(year=2027)
    assert (row.source, row.note) == (CalendarYear.Source.MANUAL, "国办发明电〔2026〕7号")
    assert SpecialDay.objects.filter(date__year=2027).count() == len(SCHEDULE_2027)
    # The log: who, what, the dates whose status changed (weekend holidays change nothing), the count.
    assert change.changed_by == admin_user and change.action == CalendarChange.Action.YEAR_ADDED
    assert "2027" in change.summary
    assert D(2027, 1, 1).isoformat() in change.dates and D(2027, 9, 25).isoformat() in change.dates
    assert D(2027, 1, 2).isoformat() not in change.dates  # a Saturday: already a day off
    assert change.deadlines_recomputed == 2
    # The signal: sent once with the dates plus the year's bounds, and the change row.
    assert len(received) == 1 and received[0]["change"] == change
    assert received[0]["dates"][0] == D(2027, 1, 1) and received[0]["dates"][-1] == D(2027, 12, 31)
    # The in-process calendar already knows the year.
    assert is_working_day(D(2027, 9, 25)) is True
    assert add_working_days(D(2027, 9, 30), 1) == (D(2027, 10, 8), False)
    event = AuditEvent.objects.get(action="workdays.year_added")
    assert event.actor == admin_user and event.detail["deadlines_recomputed"] == 2


def test_adding_a_known_year_needs_replace(admin_user):
    services.add_year_schedule(admin_user, 2027, SCHEDULE_2027)
    with pytest.raises(ValidationError) as error:
        services.add_year_schedule(admin_user, 2027, SCHEDULE_2027[:3])
    assert "year" in error.value.message_dict
    change = services.add_year_schedule(admin_user, 2027, SCHEDULE_2027[:3], replace=True)
    assert change.action == CalendarChange.Action.YEAR_REPLACED
    assert SpecialDay.objects.filter(date__year=2027).count() == 3
    assert is_working_day(D(2027, 10, 1)) is True  # National Day no longer in the schedule
    assert D(2027, 10, 1).isoformat() in change.dates


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ([DaySpec(D(2027, 9, 27), WORKDAY, "国庆节")], "must be a Saturday or Sunday"),  # a Monday
        ([DaySpec(D(2027, 1, 2), HOLIDAY, "")], "name the holiday"),  # an unnamed Saturday
        ([DaySpec(D(2028, 1, 3), HOLIDAY, "元旦")], "does not lie in 2027"),
        ([DaySpec(D(2027, 1, 1), HOLIDAY, "元旦"), DaySpec(D(2027, 1, 1), HOLIDAY, "元旦")], "listed twice"),
        ([DaySpec(D(2027, 1, 1), HOLIDAY, "长" * 51)], "at most 50"),
    ],
)
def test_schedule_validation(admin_user, days, message):
    with pytest.raises(ValidationError) as error:
        services.add_year_schedule(admin_user, 2027, days)
    assert any(message in text for text in error.value.messages)
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarChange.objects.exists()


@pytest.mark.parametrize("year", [1999, 3000])
def test_year_must_be_sane(admin_user, year):
    with pytest.raises(ValidationError) as error:
        services.add_year_schedule(admin_user, year, [])
    assert "year" in error.value.message_dict


def test_remove_year(admin_user, received):
    services.add_year_schedule(admin_user, 2027, SCHEDULE_2027)
    change = services.remove_year(admin_user, 2027)
    assert change.action == CalendarChange.Action.YEAR_REMOVED
    assert not SpecialDay.objects.filter(date__year=2027).exists()
    assert add_working_days(D(2027, 9, 30), 1) == (D(2027, 10, 1), True)
    with pytest.raises(ValidationError):
        services.remove_year(admin_user, 2027)


# --- one special day --------------------------------------------------------------------------------------------


def test_add_change_remove_a_special_day(admin_user, received):
    day = D(2025, 11, 3)  # an ordinary Monday
    change = services.add_special_day(admin_user, day, HOLIDAY, "临时休息")
    assert change.dates == ["2025-11-03"] and change.deadlines_recomputed == 2
    assert is_working_day(day) is False
    assert CalendarYear.objects.get(year=2025).source == CalendarYear.Source.MANUAL  # sync keeps it now
    special = SpecialDay.objects.get(date=day)

    renamed = services.change_special_day(admin_user, special, HOLIDAY, "调整休息")
    assert renamed.dates == [] and SpecialDay.objects.get(date=day).name == "调整休息"  # status unchanged

    saturday = SpecialDay.objects.create(date=D(2025, 11, 8), kind=HOLIDAY, name="测试")
    flipped = services.change_special_day(admin_user, saturday, WORKDAY, "补班")
    assert flipped.dates == ["2025-11-08"] and is_working_day(D(2025, 11, 8)) is True

    removed = services.remove_special_day(admin_user, special)
    assert removed.dates == ["2025-11-03"] and is_working_day(day) is True
    assert [call["dates"] for call in received] == [[day], [], [D(2025, 11, 8)], [day]]
    actions = list(CalendarChange.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["day_added", "day_changed", "day_changed", "day_removed"]
    assert AuditEvent.objects.filter(action__startswith="workdays.").count() == 4


@pytest.mark.parametrize(
    ("day", "kind", "name", "field", "message"),
    [
        (D(2025, 10, 1), HOLIDAY, "国庆节", "date", "already a special day"),
        (D(2025, 11, 4), WORKDAY, "补班", "date", "must be a Saturday or Sunday"),
        (D(2025, 11, 8), HOLIDAY, "", "name", "name the holiday"),
        (D(2031, 3, 3), HOLIDAY, "测试", "date", "not known yet"),
        (D(1980, 3, 3), HOLIDAY, "测试", "date", "must lie between"),
        (D(2025, 11, 4), "sometimes", "测试", "kind", "Choose"),
    ],
)
def test_special_day_validation(admin_user, day, kind, name, field, message):
    before = SpecialDay.objects.count()
    with pytest.raises(ValidationError) as error:
        services.add_special_day(admin_user, day, kind, name)
    assert any(message in text for text in error.value.message_dict[field])
    assert SpecialDay.objects.count() == before and not CalendarChange.objects.exists()


def test_a_failing_receiver_rolls_everything_back(admin_user):
    def broken(sender, **kwargs):
        raise RuntimeError("recompute failed")

    calendar_changed.connect(broken, weak=False, dispatch_uid="test-broken")
    try:
        assert is_working_day(D(2025, 11, 3)) is True
        with pytest.raises(RuntimeError):
            services.add_special_day(admin_user, D(2025, 11, 3), HOLIDAY, "临时休息")
    finally:
        calendar_changed.disconnect(dispatch_uid="test-broken")
    assert not SpecialDay.objects.filter(date=D(2025, 11, 3)).exists()
    assert not CalendarChange.objects.exists()
    assert is_working_day(D(2025, 11, 3)) is True  # the process did not keep the rolled-back row


def test_receivers_counts_are_summed(admin_user, received):
    calendar_changed.connect(lambda sender, **kwargs: 3, weak=False, dispatch_uid="test-three")
    calendar_changed.connect(lambda sender, **kwargs: None, weak=False, dispatch_uid="test-none")
    try:
        change = services.add_special_day(admin_user, D(2025, 11, 3), HOLIDAY, "临时休息")
    finally:
        calendar_changed.disconnect(dispatch_uid="test-three")
        calendar_changed.disconnect(dispatch_uid="test-none")
    assert change.deadlines_recomputed == 5
    assert CalendarChange.objects.get().deadlines_recomputed == 5


def test_a_new_holiday_moves_an_open_deadline(admin_user):
    clerk = StaffFactory(roles=[Role.CLERK])
    started = dt.datetime(2025, 11, 3, 9, tzinfo=SHANGHAI)  # Monday
    deadline = make_deadline(responsible=clerk.user, started_at=started, limit_days=3)
    assert deadline.due_at.date() == D(2025, 11, 6)
    change = services.add_special_day(admin_user, D(2025, 11, 5), HOLIDAY, "临时休息")
    assert change.deadlines_recomputed == 1
    deadline.refresh_from_db()
    assert deadline.due_at.astimezone(SHANGHAI).date() == D(2025, 11, 7)


# --- the package sync and demo data -----------------------------------------------------------------------------


def test_sync_is_idempotent_and_keeps_years_entered_by_hand(admin_user):
    out = io.StringIO()
    call_command("sync_calendar", stdout=out)
    assert "2025: unchanged" in out.getvalue()
    assert not CalendarChange.objects.exists()
    services.add_special_day(admin_user, D(2025, 11, 3), HOLIDAY, "临时休息")
    out = io.StringIO()
    call_command("sync_calendar", "--year", "2025", stdout=out)
    assert out.getvalue().strip() == "2025: kept-manual"
    assert SpecialDay.objects.filter(date=D(2025, 11, 3)).exists()
    out = io.StringIO()
    call_command("sync_calendar", "--year", "2025", "--force", stdout=out)
    assert out.getvalue().startswith("2025: updated")
    assert not SpecialDay.objects.filter(date=D(2025, 11, 3)).exists()
    assert CalendarYear.objects.get(year=2025).source == CalendarYear.Source.PACKAGE
    assert CalendarChange.objects.latest("id").action == CalendarChange.Action.YEAR_SYNCED


def test_sync_adds_a_missing_year_and_refuses_an_unknown_one():
    CalendarYear.objects.filter(year=2024).delete()
    SpecialDay.objects.filter(date__year=2024).delete()
    out = io.StringIO()
    call_command("sync_calendar", "--year", "2024", stdout=out)
    assert out.getvalue().startswith("2024: added")
    assert SpecialDay.objects.filter(date__year=2024).count() == len(official.package_schedule(2024))
    with pytest.raises(CommandError, match="does not know the year 2099"):
        call_command("sync_calendar", "--year", "2099")


def test_demo_load_is_idempotent():
    SpecialDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    out = io.StringIO()
    demo.load(out)
    assert CalendarYear.objects.count() == len(official.package_years())
    count = SpecialDay.objects.count()
    demo.load(out)
    assert SpecialDay.objects.count() == count
    assert "unchanged" in out.getvalue().splitlines()[-1]
    assert get_calendar().known_years == frozenset(official.package_years())


def test_ensure_official_calendar_matches_the_migration():
    before = sorted(SpecialDay.objects.values_list("date", "kind", "name"))
    ensure_official_calendar()
    assert sorted(SpecialDay.objects.values_list("date", "kind", "name")) == before
