"""A small city with hand-counted figures, frozen on Thu 20 Nov 2025 at noon (Asia/Shanghai).

Running case clocks (kind "case"):   x: green, yellow, red (+ one finished, not counted)   y: red, paused yellow
Daily figures:   x 2025-11-20: received 4, finished 2 (1 on time, 1 late)
                 x 2025-11-03: received 6, finished 8 (5 on time, 1 early, 2 late)
                 y 2025-11-20: received 1, finished 1 (on time)
Monthly figures: x 2025-10: received 20, finished 20 (19 on time, 1 late)
Warnings:        x red raised 11-10 (clerk opened it, head did not)   y red raised 11-19 (nobody opened)
                 x yellow raised 10-30 (last month: not counted)
Tasks:           one led by x, in progress.
Complaints (x):  submitted 11-19 (awaiting, on time); submitted 11-03 (awaiting, acceptance clock due 11-06: overdue);
                 accepted 11-10; being investigated 11-11; declined 11-12; replied 11-14 (not upheld)
                 -> awaiting 2, open 4 (submitted, accepted, investigating), overdue 1
Ratings:         x: 5 (11-05) and 2 (11-10, clerk_x handled both; order's contact clock due 11-11: overdue)
                    -> satisfaction (100 + 40) / 2 = 70.00 of 2; clerk_x the same
                 y: 4 (11-18) and 1 (11-20 10:00, order not yet due) -> (80 + 0) / 2 = 40.00 of 2
                 -> rectifications open 2, overdue 1
Credit:          pending "talk_reminder" on clerk_y; confirmed "buck_passing" (-10) on clerk_x 11-03, objected to
                 11-04 (acceptance clock of 2 working days due 11-06: overdue) -> pending 1, objections 1, overdue 1;
                 clerk_x's score 1000 - 10 = 990 (a disputed entry still counts)
Assessment:      2025-10 published 11-04: clerk_x's result (rank 1, excellent, 88.50) appealed 11-05 (decision clock of
                 10 working days due 11-19: due); department x's result (rank 2, good) appealed by head_x 11-19 (not
                 due) -> appeals open 2, due 1
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from approvals.models import Case, DailyCaseStat, Item
from approvals.models.stats import MonthlyCaseStat
from efficiency_portal.supervised_tasks import services as task_services
from efficiency_portal.supervision.models import (
    Deadline,
    DeadlineStatus,
    Light,
    RecipientRole,
    Warning,
    WarningRecipient,
)
from tests.credit.factories import ensure_seeded_rules
from tests.factories import ItemFactory, make_deadline
from tests.supervision.conftest import MATRIX, World, at, calendar, world  # noqa: F401

NOW = at(2025, 11, 20, 12)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def case_row(department, handler) -> Case:
    """A case as the clock's subject (only the row: its clock is made by ``case_clock``)."""
    number = Case.objects.count() + 1
    item = Item.objects.filter(department=department).first() or ItemFactory(department=department)
    return Case.objects.create(
        item=item,
        department=department,
        tracking_code=f"D{department.code}{number:06d}",
        tracking_secret_hash="x",
        applicant_name="李明",
        applicant_phone="13800000000",
        submitted_at=at(2025, 11, 3, 9),
        accepted_at=at(2025, 11, 3, 9),
        handler=handler,
        status="processing",
    )


def case_clock(people, department, light: str, *, status: str = DeadlineStatus.OPEN, title: str = "") -> Deadline:
    responsible = people.clerk_x.user if department == people.x else people.clerk_y.user
    deadline = make_deadline(
        responsible=responsible,
        department=department,
        kind="case",
        subject=case_row(department, responsible),
        started_at=at(2025, 11, 3, 9),
        limit_days=20,
        title=title or f"{department.name}案件{light}",
    )
    Deadline.objects.filter(pk=deadline.pk).update(light=light, status=status)
    deadline.refresh_from_db()
    return deadline


def stat(department, item, day: dt.date, **counts) -> None:
    """A daily figure, and its month's monthly sums rebuilt from the daily rows as approvals does."""
    from approvals.services.stats import rebuild_monthly_stats

    DailyCaseStat.objects.create(day=day, department=department, item=item, **counts)
    rebuild_monthly_stats([day])


@pytest.fixture
def city(world, frozen):  # noqa: F811 - the fixture imported above
    x, y = world.x, world.y
    clocks = {
        "x_green": case_clock(world, x, Light.GREEN),
        "x_yellow": case_clock(world, x, Light.YELLOW),
        "x_red": case_clock(world, x, Light.RED, title="逾期案件甲"),
        "x_done": case_clock(world, x, Light.RED, status=DeadlineStatus.FINISHED),
        "y_red": case_clock(world, y, Light.RED, title="逾期案件乙"),
        "y_paused": case_clock(world, y, Light.YELLOW, status=DeadlineStatus.PAUSED),
    }
    item_x, item_y = ItemFactory(department=x), ItemFactory(department=y)
    stat(x, item_x, dt.date(2025, 11, 20), received=4, finished=2, finished_on_time=1, finished_late=1)
    stat(x, item_x, dt.date(2025, 11, 3), received=6, finished=8, finished_on_time=5, finished_early=1, finished_late=2)
    stat(y, item_y, dt.date(2025, 11, 20), received=1, finished=1, finished_on_time=1)
    MonthlyCaseStat.objects.create(
        month=dt.date(2025, 10, 1),
        department=x,
        item=item_x,
        received=20,
        finished=20,
        finished_on_time=19,
        finished_late=1,
    )
    red_x = Warning.objects.create(deadline=clocks["x_red"], level="red", raised_at=at(2025, 11, 10, 9))
    WarningRecipient.objects.create(
        warning=red_x,
        user=world.clerk_x.user,
        role=RecipientRole.RESPONSIBLE,
        told_at=at(2025, 11, 10, 9),
        acknowledged_at=at(2025, 11, 10, 10),
    )
    WarningRecipient.objects.create(
        warning=red_x, user=world.head_x.user, role=RecipientRole.HEAD, told_at=at(2025, 11, 10, 9)
    )
    red_y = Warning.objects.create(deadline=clocks["y_red"], level="red", raised_at=at(2025, 11, 19, 9))
    WarningRecipient.objects.create(
        warning=red_y, user=world.clerk_y.user, role=RecipientRole.RESPONSIBLE, told_at=at(2025, 11, 19, 9)
    )
    Warning.objects.create(deadline=clocks["x_yellow"], level="yellow", raised_at=at(2025, 10, 30, 9))
    task = task_services.assign_task(
        title="一件事一次办",
        description="整合流程",
        lead_department=x,
        responsible=world.clerk_x.user,
        limit_days=30,
        actor=world.supervisor.user,
        at=at(2025, 11, 5, 9),
    )
    return {"clocks": clocks, "task": task, **complaints_and_ratings(world), **credit_and_appeals(world)}


COMPLAINT_TEXT = "窗口工作人员推诿，让我跑了三次。"
COMPLAINANT = {"name": "李投诉", "phone": "13900001111", "email": "complainant@example.com"}
RATING_COMMENTS = ("态度冷淡，让我等了两个小时", "服务一般般")


def complaints_and_ratings(world: World) -> dict:  # noqa: F811 - the fixture imported above
    from complaints.models import Category, Finding
    from complaints.services import handling, ratings
    from complaints.services.filing import file_complaint

    supervisor = world.supervisor.user

    def filed(day: int, key: str):
        return file_complaint(
            category=Category.BUCK_PASSING,
            description=COMPLAINT_TEXT,
            department=world.x,
            submission_key=f"dashboard-{key}",
            at=at(2025, 11, day, 10),
            **COMPLAINANT,
        ).complaint

    complaints = {"new": filed(19, "new"), "late": filed(3, "late")}
    complaints["accepted"] = handling.accept(filed(10, "accepted"), supervisor, at=at(2025, 11, 10, 11))
    investigating = handling.accept(filed(11, "investigating"), supervisor, at=at(2025, 11, 11, 11))
    complaints["investigating"] = handling.handle_self(investigating, supervisor, at=at(2025, 11, 12, 9))
    complaints["declined"] = handling.decline(
        filed(12, "declined"), supervisor, reason="不属于效能投诉", at=at(2025, 11, 12, 11)
    )
    replied = handling.accept(filed(4, "replied"), supervisor, at=at(2025, 11, 4, 11))
    replied = handling.handle_self(replied, supervisor, at=at(2025, 11, 5, 9))
    replied = handling.record_finding(
        replied, supervisor, finding=Finding.NOT_UPHELD, text="经核查不属实", at=at(2025, 11, 14, 9)
    )
    complaints["replied"] = handling.reply(
        replied, supervisor, text="经核查不属实，特此答复。", at=at(2025, 11, 14, 10)
    )
    given = {
        "x_good": ratings.rate_window_visit(world.x, level=5, handler=world.clerk_x, at=at(2025, 11, 5, 10)),
        "x_bad": ratings.rate_window_visit(
            world.x, level=2, handler=world.clerk_x, comment=RATING_COMMENTS[0], at=at(2025, 11, 10, 10)
        ),
        "y_good": ratings.rate_window_visit(
            world.y, level=4, handler=world.clerk_y, comment=RATING_COMMENTS[1], at=at(2025, 11, 18, 10)
        ),
        "y_bad": ratings.rate_window_visit(world.y, level=1, handler=world.clerk_y, at=at(2025, 11, 20, 10)),
    }
    return {"complaints": complaints, "ratings": given}


def credit_and_appeals(world: World) -> dict:  # noqa: F811 - the fixture imported above
    from assessment.models import Grade, PeriodStatus, Result, SubjectKind
    from assessment.services.publishing import file_appeal
    from credit.models import Source
    from credit.services.entries import propose_entry, record_entry
    from credit.services.objections import file_objection
    from tests.assessment.factories import make_period, make_scheme

    ensure_seeded_rules()
    supervisor = world.supervisor.user
    pending = propose_entry(
        rule_code="talk_reminder",
        fact_date=dt.date(2025, 11, 14),
        source=Source.MANUAL,
        staff=world.clerk_y,
        actor=supervisor,
        at=at(2025, 11, 14, 10),
    )
    objected = record_entry(
        rule_code="buck_passing",
        fact_date=dt.date(2025, 11, 3),
        source=Source.MANUAL,
        staff=world.clerk_x,
        actor=supervisor,
        at=at(2025, 11, 3, 10),
    )
    objection = file_objection(objected, world.clerk_x.user, "事实不清，请复核。", at=at(2025, 11, 4, 10))
    published = {
        "status": PeriodStatus.PUBLISHED,
        "published_at": at(2025, 11, 4, 9),
        "published_by": supervisor,
        "appeal_until": at(2025, 11, 30, 18),
    }
    period = dict(start=dt.date(2025, 10, 1), end=dt.date(2025, 10, 31), forms_close_at=at(2025, 11, 1), **published)
    staff_period = make_period(make_scheme(SubjectKind.STAFF, name="公务员月度考核"), **period)
    unit_period = make_period(make_scheme(SubjectKind.DEPARTMENT, name="部门月度考核"), **period)
    staff_result = Result.objects.create(
        period=staff_period,
        subject_id=world.clerk_x.pk,
        staff=world.clerk_x,
        department=world.x,
        total=Decimal("88.50"),
        rank=1,
        computed_grade=Grade.EXCELLENT,
        proposed_grade=Grade.EXCELLENT,
    )
    unit_result = Result.objects.create(
        period=unit_period,
        subject_id=world.x.pk,
        department=world.x,
        total=Decimal("81.00"),
        rank=2,
        computed_grade=Grade.GOOD,
        proposed_grade=Grade.GOOD,
    )
    appeals = [
        file_appeal(staff_result, user=world.clerk_x.user, reason="得分计算有误，请复核。", at=at(2025, 11, 5, 10)),
        file_appeal(unit_result, user=world.head_x.user, reason="部门得分计算有误，请复核。", at=at(2025, 11, 19, 10)),
    ]
    return {
        "pending_entry": pending,
        "objection": objection,
        "staff_result": staff_result,
        "unit_result": unit_result,
        "appeals": appeals,
    }


@pytest.fixture(autouse=True)
def _case_figures_read_every_time(settings):
    """Each test sees the figures of its own rows, never ones kept from an earlier test."""
    settings.DASHBOARD_CASE_FIGURES_SECONDS = 0


@pytest.fixture(autouse=True)
def _english(settings, client):
    """The assertions read the English messages, whichever language the catalogue is in."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def login(client, settings):
    """Signs ``user`` in (None: nobody) on the test client, reading English (a logout forgets every cookie)."""

    def _login(user):
        client.logout()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            client.force_login(user)
        return client

    return _login


def workbook_rows(response) -> list[tuple]:
    """The rows of an exported workbook's first sheet (header first)."""
    import io

    from openpyxl import load_workbook

    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
