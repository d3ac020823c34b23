"""Cards: from deadline warnings (set-based, idempotent), direct triggers, talk flags, explanations and review."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import Case, CaseDepartment, CaseEvent, CaseStatus, CaseStep
from approvals.models.cards import (
    Card,
    CardAction,
    CardEvent,
    CardLevel,
    CardTrigger,
    ExplanationStatus,
    TalkFlag,
)
from approvals.services import cards as card_services
from approvals.services.cards import _sql as card_sql
from approvals.services.common import CASE_CLOCK, JOINT_CLOCK, PRE_REVIEW_CLOCK, STEP_CLOCK
from efficiency_portal.accounts.models import User
from efficiency_portal.notifications.models import Notification
from efficiency_portal.org.models import Department, Role, Staff
from efficiency_portal.supervision.services import open_deadline, sweep_deadlines
from tests.factories import (
    CitizenFactory,
    DepartmentFactory,
    ItemFactory,
    StaffFactory,
    UserFactory,
    make_head,
    seed_calendar,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
_codes = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class World:
    x: Department
    y: Department
    clerk_x: Staff
    clerk_x2: Staff
    clerk_y: Staff
    head_x: Staff
    leader: Staff
    supervisor: Staff
    admin: User
    citizen: User

    def user(self, who: str) -> User | None:
        if who == "anonymous":
            return None
        value = getattr(self, who)
        return value.user if isinstance(value, Staff) else value


MATRIX = ["anonymous", "citizen", "clerk_x", "clerk_x2", "clerk_y", "head_x", "leader", "supervisor", "admin"]


@pytest.fixture
def world(db) -> World:
    seed_calendar(2025, 2026)
    x = DepartmentFactory(name="市市场监管局", code="amr")
    y = DepartmentFactory(name="市住建局", code="housing")
    head_x = make_head(x, name="王科长")
    leader = StaffFactory(department=x, name="分管李副市长", roles=[Role.LEADER])
    x.leader_in_charge = leader
    x.save(update_fields=["leader_in_charge"])
    supervisor = StaffFactory(department=DepartmentFactory(name="效能办", code="eff"), roles=[Role.SUPERVISOR])
    return World(
        x=x,
        y=y,
        clerk_x=StaffFactory(department=x, name="张伟", roles=[Role.CLERK]),
        clerk_x2=StaffFactory(department=x, name="赵敏", roles=[Role.CLERK]),
        clerk_y=StaffFactory(department=y, name="陈刚", roles=[Role.CLERK]),
        head_x=head_x,
        leader=leader,
        supervisor=supervisor,
        admin=UserFactory(username="root", kind=User.Kind.STAFF, is_superuser=True, is_staff=True),
        citizen=CitizenFactory(),
    )


def make_case(department: Department, handler: User | None, *, status: str = CaseStatus.PROCESSING) -> Case:
    item = ItemFactory(department=department)
    return Case.objects.create(
        item=item,
        department=department,
        tracking_code=f"K{next(_codes):08d}",
        tracking_secret_hash="x",
        applicant_name="李四",
        applicant_phone="13800000000",
        handler=handler,
        status=status,
        submitted_at=at(2025, 9, 1, 9),
        accepted_at=at(2025, 9, 1, 9),
    )


def case_clock(case: Case, *, started: dt.datetime, limit: int = 5, kind: str = CASE_CLOCK, subject=None):
    return open_deadline(
        subject if subject is not None else case,
        kind=kind,
        title=f"{case.tracking_code} 办件",
        department=case.department,
        responsible=case.handler,
        started_at=started,
        limit_days=limit,
    )


# Started Fri Sep 26 2025, 5 working days: due Fri Oct 10 17:30 (National Day holidays), yellow from Thu Oct 9.
STARTED = at(2025, 9, 26, 10)
YELLOW_AT = at(2025, 10, 9, 8)
RED_AT = at(2025, 10, 11, 8)


def sweep_and_sync(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        sweep_deadlines()
        return card_services.sync_cards_from_warnings()


# --- sync from warnings -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_card_per_warning_level_and_running_twice_changes_nothing(world):
    case = make_case(world.x, world.clerk_x.user)
    case_clock(case, started=STARTED)

    assert sweep_and_sync(at(2025, 10, 8, 12)) == 0
    assert sweep_and_sync(YELLOW_AT) == 1
    yellow = Card.objects.get()
    assert (yellow.case, yellow.level, yellow.trigger) == (case, CardLevel.YELLOW, CardTrigger.WARNING)
    assert yellow.explanation_status == ExplanationStatus.NOT_NEEDED
    assert (yellow.department, yellow.handler) == (world.x, world.clerk_x.user)
    assert not Notification.objects.filter(kind="approvals_card").exists()

    assert sweep_and_sync(RED_AT) == 1
    red = Card.objects.get(level=CardLevel.RED)
    assert red.trigger == CardTrigger.OVERDUE
    assert red.explanation_status == ExplanationStatus.AWAITING
    note = Notification.objects.get(kind="approvals_card")
    assert note.recipient == world.clerk_x.user
    assert note.link == reverse("approvals:card_explain", args=[red.pk])
    assert case.tracking_code in note.body and note.urgent
    assert list(CardEvent.objects.filter(card=red).values_list("action", "to_status")) == [
        (CardAction.RAISED, ExplanationStatus.AWAITING)
    ]
    assert CaseEvent.objects.filter(case=case, action="card").count() == 2

    counts = (Card.objects.count(), CardEvent.objects.count(), Notification.objects.count(), CaseEvent.objects.count())
    assert sweep_and_sync(at(2025, 10, 13, 9)) == 0
    assert card_services.sync_cards_from_warnings(now=at(2025, 10, 13, 9)) == 0
    assert counts == (
        Card.objects.count(),
        CardEvent.objects.count(),
        Notification.objects.count(),
        CaseEvent.objects.count(),
    )


@pytest.mark.django_db
def test_steps_and_joint_parts_map_to_their_case_and_pre_review_is_ignored(world):
    case = make_case(world.x, world.clerk_x.user)
    step = CaseStep.objects.create(case=case, step=case.item.steps.get(code="review"))
    part = CaseDepartment.objects.create(case=case, department=world.y, limit_days=5, handler=world.clerk_y.user)
    case_clock(case, started=STARTED, kind=STEP_CLOCK, subject=step)
    open_deadline(
        part,
        kind=JOINT_CLOCK,
        title="并联",
        department=world.y,
        responsible=world.clerk_y.user,
        started_at=STARTED,
        limit_days=3,
    )
    other = make_case(world.x, world.clerk_x2.user)
    case_clock(other, started=STARTED, kind=PRE_REVIEW_CLOCK)

    sweep_and_sync(RED_AT)
    cards = Card.objects.order_by("department__code", "level")
    # The joint part's clock is more overdue; the case gets one card per (trigger, level), whoever's clock it was.
    assert {(c.case_id, c.level) for c in cards} == {(case.pk, CardLevel.RED)}
    assert Card.objects.filter(case=other).count() == 0


@pytest.mark.django_db
def test_joint_part_card_goes_to_the_part_department_and_handler(world):
    case = make_case(world.x, world.clerk_x.user)
    part = CaseDepartment.objects.create(case=case, department=world.y, limit_days=5, handler=world.clerk_y.user)
    open_deadline(
        part,
        kind=JOINT_CLOCK,
        title="并联",
        department=world.y,
        responsible=world.clerk_y.user,
        started_at=STARTED,
        limit_days=5,
    )
    sweep_and_sync(RED_AT)
    card = Card.objects.get(level=CardLevel.RED)
    assert (card.case, card.department, card.handler) == (case, world.y, world.clerk_y.user)


def _cases_with_clocks(world: World, n: int) -> None:
    for i in range(n):
        department = world.x if i % 2 else world.y
        handler = world.clerk_x.user if i % 2 else world.clerk_y.user
        case = make_case(department, handler)
        case_clock(case, started=STARTED)
        step = CaseStep.objects.create(case=case, step=case.item.steps.get(code="review"))
        case_clock(case, started=STARTED, kind=STEP_CLOCK, subject=step, limit=4)


@pytest.mark.django_db
def test_sync_query_count_does_not_grow_with_warnings(world, settings):
    # Talk flags are counted in their own test; here every department stays below the threshold.
    settings.APPROVALS_TALK_AFTER_RED_CARDS = 100
    _cases_with_clocks(world, 2)
    with time_machine.travel(RED_AT, tick=False):
        sweep_deadlines()
    with CaptureQueriesContext(connection) as few:
        first = card_services.sync_cards_from_warnings(now=RED_AT)
    assert first == 2
    Card.objects.all().delete()
    TalkFlag.objects.all().delete()
    Notification.objects.all().delete()
    _cases_with_clocks(world, 12)
    with time_machine.travel(RED_AT, tick=False):
        sweep_deadlines()
    with CaptureQueriesContext(connection) as many:
        second = card_services.sync_cards_from_warnings(now=RED_AT)
    assert second == 14
    assert len(many.captured_queries) == len(few.captured_queries)


# --- direct triggers ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_raise_card_is_idempotent_and_red_asks_for_an_explanation(world):
    case = make_case(world.x, world.clerk_x.user)
    card = card_services.raise_card(case, trigger=CardTrigger.LATE_DECISION, detail="超期决定", at=at(2025, 10, 9))
    assert card is not None and card.explanation_status == ExplanationStatus.AWAITING
    assert card_services.raise_card(case, trigger=CardTrigger.LATE_DECISION, at=at(2025, 10, 10)) is None
    assert Card.objects.count() == 1
    assert Notification.objects.filter(recipient=world.clerk_x.user, kind="approvals_card").count() == 1
    yellow = card_services.raise_card(case, trigger=CardTrigger.WRONG_FEE, level=CardLevel.YELLOW)
    assert yellow.explanation_status == ExplanationStatus.NOT_NEEDED


@pytest.mark.django_db
def test_flag_refusal_only_on_refused_cases_and_only_by_supervisors(world):
    refused = make_case(world.x, world.clerk_x.user, status=CaseStatus.REFUSED)
    running = make_case(world.x, world.clerk_x.user)
    for who in ("clerk_x", "head_x", "leader", "citizen"):
        with pytest.raises(PermissionDenied):
            card_services.flag_refusal_without_reason(refused, world.user(who), "理由不成立")
    with pytest.raises(ValidationError) as error:
        card_services.flag_refusal_without_reason(running, world.supervisor.user, "理由不成立")
    assert "case" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        card_services.flag_refusal_without_reason(refused, world.supervisor.user, "  ")
    assert "note" in error.value.message_dict
    assert Card.objects.count() == 0

    card = card_services.flag_refusal_without_reason(refused, world.supervisor.user, "不予受理理由不成立")
    assert (card.trigger, card.level, card.handler) == (
        CardTrigger.REFUSAL_WITHOUT_REASON,
        CardLevel.RED,
        world.clerk_x.user,
    )
    assert CaseEvent.objects.filter(case=refused, action="refusal_flagged", actor=world.supervisor.user).exists()
    with pytest.raises(ValidationError):
        card_services.flag_refusal_without_reason(refused, world.admin, "再次")
    assert Card.objects.count() == 1


# --- talk flags ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_talk_flag_on_the_second_red_card_of_a_month_and_a_new_month_starts_over(world):
    first, second, third = (make_case(world.x, world.clerk_x.user) for _ in range(3))
    card_services.raise_card(first, trigger=CardTrigger.LATE_DECISION, at=at(2025, 10, 3, 10))
    assert TalkFlag.objects.count() == 0
    card_services.raise_card(first, trigger=CardTrigger.WRONG_FEE, level=CardLevel.YELLOW, at=at(2025, 10, 4))
    assert TalkFlag.objects.count() == 0
    # A red card of another department does not count for x.
    card_services.raise_card(
        make_case(world.y, world.clerk_y.user), trigger=CardTrigger.LATE_DECISION, at=at(2025, 10, 5)
    )
    assert TalkFlag.objects.count() == 0

    card_services.raise_card(second, trigger=CardTrigger.LATE_DECISION, at=at(2025, 10, 31, 23))
    flag = TalkFlag.objects.get()
    assert (flag.department, flag.month, flag.red_cards) == (world.x, dt.date(2025, 10, 1), 2)
    told = set(Notification.objects.filter(kind="approvals_talk").values_list("recipient", flat=True))
    assert told == {world.head_x.user.pk, world.leader.user.pk, world.supervisor.user.pk}
    for user in (world.head_x.user, world.supervisor.user):
        note = Notification.objects.get(kind="approvals_talk", recipient=user)
        assert "市市场监管局" in note.title
        assert "市市场监管局" in note.body and "2025-10" in note.body and "2" in note.body
        assert note.link == reverse("approvals:talk_flags")

    # Local midnight: 00:30 on Nov 1 in Shanghai belongs to November.
    card_services.raise_card(third, trigger=CardTrigger.LATE_DECISION, at=at(2025, 11, 1, 0, 30))
    assert TalkFlag.objects.count() == 1
    assert card_services.raise_talk_flags(dt.date(2025, 10, 1)) == 0
    assert Notification.objects.filter(kind="approvals_talk").count() == 3

    card_services.raise_card(third, trigger=CardTrigger.WRONG_FEE, at=at(2025, 11, 20))
    assert TalkFlag.objects.filter(month=dt.date(2025, 11, 1)).count() == 1


# --- explanations -------------------------------------------------------------------------------------------------


@pytest.fixture
def red_card(world) -> Card:
    case = make_case(world.x, world.clerk_x.user)
    return card_services.raise_card(case, trigger=CardTrigger.LATE_DECISION, at=at(2025, 10, 9))


@pytest.mark.django_db
def test_only_the_handler_explains_with_enough_words(world, red_card):
    for who in ("clerk_x2", "clerk_y", "head_x", "supervisor", "citizen"):
        with pytest.raises(PermissionDenied):
            card_services.submit_explanation(red_card, world.user(who), "因系统故障未能按时办结。")
    with pytest.raises(ValidationError) as error:
        card_services.submit_explanation(red_card, world.clerk_x.user, "太忙了")
    assert "explanation" in error.value.message_dict
    red_card.refresh_from_db()
    assert red_card.explanation_status == ExplanationStatus.AWAITING

    card = card_services.submit_explanation(red_card, world.clerk_x.user, "  因专家评审延误，未能在时限内作出决定。 ")
    assert card.explanation_status == ExplanationStatus.SUBMITTED
    assert card.explanation == "因专家评审延误，未能在时限内作出决定。"
    with pytest.raises(ValidationError):
        card_services.submit_explanation(card, world.clerk_x.user, "再写一次说明，内容足够长。")


@pytest.mark.django_db
def test_supervisor_reviews_and_rejecting_needs_a_note_and_sends_it_back(world, red_card):
    with pytest.raises(ValidationError):
        card_services.review_explanation(red_card, world.supervisor.user, accept=True)  # nothing submitted yet
    card = card_services.submit_explanation(red_card, world.clerk_x.user, "因专家评审延误，未能按时。")
    for who in ("clerk_x", "head_x", "leader", "citizen"):
        with pytest.raises(PermissionDenied):
            card_services.review_explanation(card, world.user(who), accept=True)
    with pytest.raises(ValidationError) as error:
        card_services.review_explanation(card, world.supervisor.user, accept=False, note="")
    assert "note" in error.value.message_dict

    card = card_services.review_explanation(card, world.supervisor.user, accept=False, note="未附专家评审材料")
    assert card.explanation_status == ExplanationStatus.REJECTED
    assert card.reviewed_by == world.supervisor.user and card.review_note == "未附专家评审材料"
    sent_back = Notification.objects.filter(recipient=world.clerk_x.user, body="未附专家评审材料")
    assert sent_back.count() == 1

    card = card_services.submit_explanation(card, world.clerk_x.user, "已补充专家评审通知及会议纪要。")
    card = card_services.review_explanation(card, world.admin, accept=True)
    assert card.explanation_status == ExplanationStatus.ACCEPTED
    assert list(CardEvent.objects.filter(card=card).values_list("action", flat=True)) == [
        CardAction.RAISED,
        CardAction.EXPLAINED,
        CardAction.REJECTED,
        CardAction.EXPLAINED,
        CardAction.ACCEPTED,
    ]
    with pytest.raises(ValidationError):
        card_services.submit_explanation(card, world.clerk_x.user, "已经接受后不能再提交说明。")


@pytest.mark.django_db
def test_talk_held_is_recorded_once_by_a_supervisor(world):
    flag = TalkFlag.objects.create(
        department=world.x, month=dt.date(2025, 10, 1), red_cards=2, raised_at=at(2025, 10, 9)
    )
    with pytest.raises(PermissionDenied):
        card_services.record_talk_held(flag, world.head_x.user, "已约谈")
    with pytest.raises(ValidationError):
        card_services.record_talk_held(flag, world.supervisor.user, " ")
    flag = card_services.record_talk_held(flag, world.supervisor.user, "已约谈王科长，限期整改")
    assert flag.held_at is not None and flag.held_by == world.supervisor.user
    with pytest.raises(ValidationError):
        card_services.record_talk_held(flag, world.supervisor.user, "再次")


@pytest.mark.django_db
def test_periodic_task_syncs_and_is_idempotent(world):
    from approvals.tasks import sync_cards_task

    case = make_case(world.x, world.clerk_x.user)
    case_clock(case, started=STARTED)
    with time_machine.travel(RED_AT, tick=False):
        sweep_deadlines()
        assert sync_cards_task.name == "approvals.sync_cards"
        assert sync_cards_task.delay().get() == 1
        assert sync_cards_task.delay().get() == 0
    assert Card.objects.filter(case=case, level=CardLevel.RED).count() == 1


@pytest.mark.django_db
def test_templates_survive_a_translation_that_drops_or_invents_placeholders():
    from django.db.models import F

    department = DepartmentFactory(name="市税务局")
    expression = card_sql._from_template("{department} 卡需要说明 {unknown}", {"department": F("name")})
    text = Department.objects.filter(pk=department.pk).annotate(t=expression).values_list("t", flat=True).get()
    assert text == "市税务局 卡需要说明 {unknown}"
    assert "{month}" in "{department} {month}".format_map(card_sql._Lenient({"department": "x"}))


@pytest.mark.django_db
def test_warnings_of_deleted_subjects_are_skipped_and_month_end_cards_count_for_their_month(world):
    gone = make_case(world.x, world.clerk_x.user)
    step = CaseStep.objects.create(case=gone, step=gone.item.steps.get(code="review"))
    case_clock(gone, started=STARTED, kind=STEP_CLOCK, subject=step)
    step.delete()
    # Two cases of x overdue by Oct 31 late evening, synced only on Nov 1: October's talk flag.
    for _ in range(2):
        case = make_case(world.x, world.clerk_x.user)
        case_clock(case, started=at(2025, 10, 24, 10), limit=5)
    with time_machine.travel(at(2025, 10, 31, 18), tick=False):
        sweep_deadlines()
    with time_machine.travel(at(2025, 11, 1, 0, 5), tick=False):
        assert card_services.sync_cards_from_warnings() == 2
    assert not Card.objects.filter(case=gone).exists()
    flag = TalkFlag.objects.get()
    assert (flag.department, flag.month, flag.red_cards) == (world.x, dt.date(2025, 10, 1), 2)
