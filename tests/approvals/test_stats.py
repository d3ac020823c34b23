"""Daily figures: refresh_daily_stats against hand-computed counts (across the 2025 National Day holiday), rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from approvals.models import CaseStatus, DailyCaseStat, SupplementNotice
from approvals.selectors import stats as figures
from approvals.services.common import CASE_CLOCK, PRE_REVIEW_CLOCK
from approvals.services.stats import refresh_daily_stats
from efficiency_portal.supervision.models import Deadline, DeadlineStatus, Outcome, Warning, WarningLevel
from tests.approvals.test_queues import make_case
from tests.factories import DepartmentFactory, ItemFactory, StaffFactory, ensure_official_calendar

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
SEP30, OCT9 = dt.date(2025, 9, 30), dt.date(2025, 10, 9)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def finish(case, *, at: dt.datetime, outcome: str, paused_days: int = 0) -> None:
    Deadline.objects.filter(object_id=case.pk, kind=CASE_CLOCK).update(
        status=DeadlineStatus.FINISHED, finished_at=at, outcome=outcome, paused_days=paused_days
    )


@pytest.fixture
def data():
    ensure_official_calendar()
    dept_x, dept_y = DepartmentFactory(code="stat-x"), DepartmentFactory(code="stat-y")
    clerk_x, clerk_y = StaffFactory(department=dept_x).user, StaffFactory(department=dept_y).user
    item_a, item_b = ItemFactory(department=dept_x), ItemFactory(department=dept_x)
    item_c = ItemFactory(department=dept_y)
    # c1: received and accepted on 30 Sep, finished on time on 9 Oct — one working day after 30 Sep (1-8 Oct off).
    c1 = make_case(item_a, handler=clerk_x, submitted_at=local(SEP30, 9), clock=CASE_CLOCK)
    finish(c1, at=local(OCT9, 15), outcome=Outcome.ON_TIME)
    # c2: received at 23:30 local on 30 Sep (still 30 Sep, though 15:30 UTC), refused on 9 Oct.
    c2 = make_case(item_a, status=CaseStatus.REFUSED, submitted_at=local(SEP30, 23, 30), clock=None)
    type(c2).objects.filter(pk=c2.pk).update(decided_at=local(OCT9, 9))
    # c3: accepted Fri 26 Sep, finished late on 9 Oct after one working day paused: working days after 26 Sep up
    # to 9 Oct are Sun 28 Sep (make-up day), 29 Sep, 30 Sep and 9 Oct = 4, minus 1 paused = 3.
    c3 = make_case(item_b, handler=clerk_x, submitted_at=local(dt.date(2025, 9, 26), 10), clock=CASE_CLOCK)
    finish(c3, at=local(OCT9, 16), outcome=Outcome.LATE, paused_days=1)
    # c4: received at 00:10 local on 9 Oct (8 Oct in UTC); one notice; its pre-review clock warned twice that day.
    c4 = make_case(
        item_c,
        status=CaseStatus.SUPPLEMENT,
        submitted_at=local(OCT9, 0, 10),
        clock=PRE_REVIEW_CLOCK,
        responsible=clerk_y,
    )
    SupplementNotice.objects.create(case=c4, note="缺营业执照", issued_by=clerk_y, issued_at=local(OCT9, 10))
    clock = Deadline.objects.get(object_id=c4.pk, kind=PRE_REVIEW_CLOCK)
    Warning.objects.create(deadline=clock, level=WarningLevel.YELLOW, raised_at=local(OCT9, 11))
    Warning.objects.create(deadline=clock, level=WarningLevel.RED, raised_at=local(OCT9, 16))
    return {"dept_x": dept_x, "dept_y": dept_y, "a": item_a, "b": item_b, "c": item_c}


def table() -> dict:
    return {
        (row.day, row.item_id): {name: getattr(row, name) for name in figures.COUNT_FIELDS if getattr(row, name)}
        for row in DailyCaseStat.objects.all()
    }


def test_refresh_matches_hand_computed_figures(data):
    untouched = DailyCaseStat.objects.create(
        day=dt.date(2025, 9, 26), department=data["dept_x"], item=data["a"], received=7
    )
    assert refresh_daily_stats([SEP30, OCT9]) == 4
    expected = {
        (SEP30, data["a"].pk): {"received": 2, "accepted": 1},
        (OCT9, data["a"].pk): {"refused": 1, "finished": 1, "finished_on_time": 1, "working_days_total": 1},
        (OCT9, data["b"].pk): {"finished": 1, "finished_late": 1, "working_days_total": 3},
        (OCT9, data["c"].pk): {"received": 1, "supplement_notices": 1, "warned": 1},
        (untouched.day, data["a"].pk): {"received": 7},
    }
    assert table() == expected
    # Running again rebuilds the same rows.
    assert refresh_daily_stats([OCT9, SEP30]) == 4
    assert table() == expected
    assert DailyCaseStat.objects.get(day=OCT9, item=data["c"]).department == data["dept_y"]


def test_refresh_of_scattered_days_and_default_days(data):
    assert refresh_daily_stats([dt.date(2025, 9, 26), OCT9]) == 4  # 26 Sep: c3 received and accepted
    assert (dt.date(2025, 9, 26), data["b"].pk) in table()
    assert not any(day == SEP30 for day, _item in table())
    with time_machine.travel(local(dt.date(2025, 10, 10), 8), tick=False):
        assert refresh_daily_stats() == 3  # yesterday (9 Oct) and today (nothing yet)
    assert refresh_daily_stats([]) == 0


def test_figures_and_rates(data):
    refresh_daily_stats([SEP30, OCT9])
    x = figures.department_figures(data["dept_x"], SEP30, OCT9)
    assert (x.received, x.accepted, x.refused, x.finished) == (2, 1, 1, 2)
    assert x.on_time_rate == Decimal("50.0")
    assert x.early_rate == Decimal("0.0")
    assert x.late_rate == Decimal("50.0")
    assert x.refusal_rate == Decimal("50.0")
    assert x.supplement_rate == Decimal("0.0")
    assert x.warning_rate == Decimal("0.0")
    assert x.average_working_days == Decimal("2.0")
    y = figures.department_figures(data["dept_y"], SEP30, OCT9)
    assert y.on_time_rate is None and y.average_working_days is None
    assert y.supplement_rate == Decimal("100.0")
    assert y.warning_rate == Decimal("100.0")
    empty = figures.department_figures(data["dept_y"], dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    assert all(
        rate is None
        for rate in (
            empty.on_time_rate,
            empty.early_rate,
            empty.late_rate,
            empty.warning_rate,
            empty.supplement_rate,
            empty.refusal_rate,
            empty.average_working_days,
        )
    )
    rows = figures.figures_by_department(SEP30, OCT9, figures.Department.objects.filter(code__startswith="stat-"))
    assert [row.key for row in rows] == ["stat-x", "stat-y"]
    assert figures.total(rows).received == 3
    items = {row.key: row for row in figures.figures_by_item(data["dept_x"], SEP30, OCT9)}
    assert items[data["b"].code].late_rate == Decimal("100.0")
    trend = figures.monthly_trend(data["dept_x"], dt.date(2025, 8, 1), OCT9)
    assert [row.label for row in trend] == ["2025-08", "2025-09", "2025-10"]
    assert [row.received for row in trend] == [0, 2, 0]
    assert [row.finished for row in trend] == [0, 0, 2]


def test_percent_rounds_half_up():
    assert figures.percent(1, 3) == Decimal("33.3")
    assert figures.percent(2, 3) == Decimal("66.7")
    assert figures.percent(1, 8) == Decimal("12.5")
    assert figures.percent(5, 0) is None


def test_refresh_task_runs_the_service(data):
    from approvals.tasks import refresh_daily_stats_task

    assert refresh_daily_stats_task.delay(days=[SEP30.isoformat(), OCT9.isoformat()]).get() == 4
    assert DailyCaseStat.objects.filter(day=OCT9).count() == 3
