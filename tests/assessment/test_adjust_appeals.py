"""Grade adjustments (event, audit log, the page, the hard maximum on excellent) and the appeal paths: rejected,
the appellant told, a department head appealing their department's result."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessment.models import (
    Appeal,
    AppealStatus,
    AssessmentEvent,
    Grade,
    IndicatorKind,
    Result,
    SubjectKind,
)
from assessment.services import publishing, runs
from efficiency_portal.audit.models import AuditEvent
from efficiency_portal.notifications.models import Notification
from efficiency_portal.org.models import Role
from efficiency_portal.supervision.models import Deadline
from tests.factories import DepartmentFactory, StaffFactory, UserFactory, make_head, seed_calendar

from .factories import make_period, make_rule, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Eight people, all on full marks but for deductions that spread them out: 8 × 25 % = 2 excellent places."""
    import datetime as dt

    from assessment.services import forms

    seed_calendar(2026)
    dept = DepartmentFactory()
    people = [StaffFactory(department=dept, name=f"人{n}") for n in range(8)]
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    scheme = make_scheme(indicators=[("按时", IndicatorKind.COMPUTED, "on_time_rate", 100)], excellent_quota=D("20"))
    rule = make_rule(scheme, "late", "-1")
    period = make_period(scheme)
    for n, person in enumerate(people):
        if n:
            forms.record_adjustment(
                period, rule=rule, subject_id=person.pk, quantity=n * 2, fact_date=dt.date(2026, 3, 2), actor=None
            )
    runs.run_period(period)
    return {"dept": dept, "people": people, "supervisor": supervisor, "scheme": scheme, "period": period}


def result(world, n: int) -> Result:
    return Result.objects.get(period=world["period"], subject_id=world["people"][n].pk)


def test_an_adjustment_writes_its_event_and_the_audit_log_and_shows_on_the_page(client, world):
    target = result(world, 7)  # 86 points: competent
    assert target.grade == Grade.GOOD
    client.force_login(world["supervisor"])
    response = client.post(
        reverse("assessment:result_adjust", args=[target.pk]),
        {"grade": Grade.PASS, "reason": "考勤记录另有问题"},
        follow=True,
    )
    assert response.status_code == 200 and "Grade adjusted; the reason is logged." in response.content.decode()
    target.refresh_from_db()
    assert (target.adjusted_grade, target.adjusted_reason, target.adjusted_by) == (
        Grade.PASS,
        "考勤记录另有问题",
        world["supervisor"],
    )
    assert target.adjusted_at is not None
    event = AssessmentEvent.objects.get(action="grade_adjusted", result=target)
    assert (event.from_value, event.to_value, event.reason, event.actor) == (
        Grade.GOOD,
        Grade.PASS,
        "考勤记录另有问题",
        world["supervisor"],
    )
    audit = AuditEvent.objects.get(action="assessment.grade_adjusted")
    assert audit.target_id == str(target.pk) and audit.actor == world["supervisor"]
    assert audit.detail == {"from": Grade.GOOD, "to": Grade.PASS, "reason": "考勤记录另有问题"}
    page = client.get(target.get_absolute_url()).content.decode()
    assert "考勤记录另有问题" in page


@pytest.mark.parametrize("who", ["person", "head"])
def test_only_supervisors_adjust(client, world, who):
    target = result(world, 7)
    user = world["people"][7].user if who == "person" else make_head(world["dept"]).user
    client.force_login(user)
    response = client.post(
        reverse("assessment:result_adjust", args=[target.pk]), {"grade": "excellent", "reason": "x" * 9}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.adjusted_grade == ""


def test_excellent_beyond_the_hard_maximum_is_refused_with_a_message(client, world):
    # 20 % of 8 → 1 place by the quota; the hard maximum (25 %) allows 2.
    assert [result(world, n).grade for n in range(3)] == [Grade.EXCELLENT, Grade.GOOD, Grade.GOOD]
    assert result(world, 1).computed_grade == Grade.EXCELLENT  # 98 points, beyond the quota
    publishing.adjust_grade(result(world, 1), grade=Grade.EXCELLENT, reason="表现突出予以调整", actor=None)
    client.force_login(world["supervisor"])
    third = result(world, 2)
    response = client.post(
        reverse("assessment:result_adjust", args=[third.pk]),
        {"grade": Grade.EXCELLENT, "reason": "也想调整为优秀"},
        follow=True,
    )
    page = response.content.decode()
    assert "2 of the period&#x27;s assessed are excellent already" in page or "2 of the period's assessed" in page
    assert "hard maximum of 25" in page and "allows 2" in page
    third.refresh_from_db()
    assert third.adjusted_grade == ""
    assert not AssessmentEvent.objects.filter(result=third).exists()
    # Lowering someone frees the place.
    publishing.adjust_grade(result(world, 1), grade=Grade.GOOD, reason="撤回之前的调整", actor=None)
    publishing.adjust_grade(third, grade=Grade.EXCELLENT, reason="表现突出予以调整", actor=None)
    assert result(world, 2).grade == Grade.EXCELLENT
    # Giving excellent again to someone who has it takes no new place.
    publishing.adjust_grade(result(world, 0), grade=Grade.EXCELLENT, reason="维持原等次", actor=None)


def published(world) -> None:
    publishing.publish_period(world["period"], actor=world["supervisor"])
    world["period"].refresh_from_db()


def test_an_upheld_appeal_cannot_break_the_hard_maximum(world):
    publishing.adjust_grade(result(world, 1), grade=Grade.EXCELLENT, reason="表现突出予以调整", actor=None)
    published(world)
    person = world["people"][2]
    appeal = publishing.file_appeal(result(world, 2), user=person.user, reason="我认为应评为优秀，请复核。")
    with pytest.raises(ValidationError, match="hard maximum"):
        publishing.decide_appeal(
            appeal, actor=world["supervisor"], upheld=True, decision="申诉理由成立", grade=Grade.EXCELLENT
        )
    # Nothing half-written: the appeal still awaits its decision, its clock runs, nobody was told.
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN and appeal.decision == ""
    assert Deadline.objects.get(kind="assessment_appeal").status != "finished"
    assert not Notification.objects.filter(kind="assessment_appeal_decided").exists()


def test_a_rejected_appeal_tells_the_appellant_and_leaves_the_grade(client, world):
    published(world)
    person = world["people"][3]
    target = result(world, 3)
    appeal = publishing.file_appeal(target, user=person.user, reason="扣分记录有误，请复核本人考勤。")
    assert Notification.objects.filter(recipient=world["supervisor"], kind="assessment_appeal").count() == 1
    client.force_login(world["supervisor"])
    response = client.post(
        reverse("assessment:appeal_decide", args=[appeal.pk]),
        {"upheld": "0", "grade": "", "decision": "经核实考勤记录无误，维持原等次。"},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by, appeal.decision) == (
        AppealStatus.REJECTED,
        world["supervisor"],
        "经核实考勤记录无误，维持原等次。",
    )
    target.refresh_from_db()
    assert target.adjusted_grade == "" and target.grade == Grade.GOOD
    assert Deadline.objects.get(kind="assessment_appeal", object_id=appeal.pk).status == "finished"
    told = Notification.objects.get(recipient=person.user, kind="assessment_appeal_decided")
    assert told.body == "经核实考勤记录无误，维持原等次。" and told.link == target.get_absolute_url()
    event = AssessmentEvent.objects.get(action="appeal_decided", result=target)
    assert (event.from_value, event.to_value) == (AppealStatus.OPEN, AppealStatus.REJECTED)
    # Deciding again is refused.
    with pytest.raises(ValidationError, match="decided already"):
        publishing.decide_appeal(appeal, actor=world["supervisor"], upheld=True, decision="再次作出不同决定")
    # The appellant reads the decision on their result.
    client.force_login(person.user)
    assert "经核实考勤记录无误" in client.get(target.get_absolute_url()).content.decode()


def test_an_upheld_appeal_tells_the_appellant_and_adjusts_the_grade(world):
    published(world)
    person = world["people"][7]
    appeal = publishing.file_appeal(result(world, 7), user=person.user, reason="迟到系公务外出，请复核。")
    publishing.decide_appeal(
        appeal, actor=world["supervisor"], upheld=True, decision="情况属实，予以支持", grade=Grade.GOOD
    )
    # The grade was competent already: no adjustment is written.
    assert not AssessmentEvent.objects.filter(action="grade_adjusted").exists()
    told = Notification.objects.get(recipient=person.user, kind="assessment_appeal_decided")
    assert told.body == "情况属实，予以支持"


@pytest.fixture
def departments():
    seed_calendar(2026)
    first, second = DepartmentFactory(name="甲局"), DepartmentFactory(name="乙局")
    head = make_head(first)
    other_head = make_head(second)
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    scheme = make_scheme(SubjectKind.DEPARTMENT, indicators=[("按时", IndicatorKind.COMPUTED, "on_time_rate", 100)])
    period = make_period(scheme)
    runs.run_period(period)
    publishing.publish_period(period, actor=supervisor)
    return {"first": first, "second": second, "head": head, "other_head": other_head, "supervisor": supervisor,
            "period": period}  # fmt: skip


def test_a_department_head_appeals_their_departments_result(client, departments):
    target = Result.objects.get(period=departments["period"], subject_id=departments["first"].pk)
    # The head was told of the publication.
    head = departments["head"]
    assert Notification.objects.filter(recipient=head.user, kind="assessment_published", link=target.get_absolute_url())
    client.force_login(head.user)
    page = client.get(target.get_absolute_url())
    assert page.status_code == 200 and page.context["appeal_form"] is not None
    response = client.post(target.get_absolute_url(), {"reason": "本局按时办结率统计口径有误，请复核。"})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.result == target and appeal.filed_by == head.user
    assert Deadline.objects.get(kind="assessment_appeal", object_id=appeal.pk).department == departments["first"]
    # Another department's head may neither read nor appeal it; a member of the department may not appeal it.
    other = departments["other_head"]
    client.force_login(other.user)
    assert client.get(target.get_absolute_url()).status_code == 404
    with pytest.raises(PermissionDenied):
        publishing.file_appeal(target, user=other.user, reason="替其他部门申诉试试看。")
    member = StaffFactory(department=departments["first"])
    with pytest.raises(PermissionDenied):
        publishing.file_appeal(target, user=member.user, reason="部门成员替部门申诉。")
    assert Appeal.objects.count() == 1
    # Decided: the head who appealed is told.
    publishing.decide_appeal(appeal, actor=departments["supervisor"], upheld=False, decision="统计口径无误。")
    assert Notification.objects.filter(recipient=head.user, kind="assessment_appeal_decided").count() == 1
