"""Joint approvals (并联审批): each department its own clock under the case clock; decide only after every opinion."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from approvals.models import CaseDepartment, CaseStatus
from approvals.selectors.cases import case_for_staff
from approvals.services import processing
from approvals.services.common import JOINT_CLOCK
from efficiency_portal.org.models import Role
from efficiency_portal.supervision.models import DeadlineStatus
from tests.factories import DepartmentFactory, ItemFactory, StaffFactory, make_accepted_case, make_head

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")


def at(m: int, d: int, hh: int = 10) -> dt.datetime:
    return dt.datetime(2025, m, d, hh, tzinfo=TZ)


@pytest.fixture
def joint():
    item = ItemFactory(promised_limit_days=8, statutory_limit_days=20)
    case = make_accepted_case(item, accepted_at=at(10, 9, 9))  # due 21 October (8 working days incl. 11 Oct)
    case = processing.assign_case(case, case.handler, case.handler, at=at(10, 9, 10))
    fire = DepartmentFactory(name="市消防救援支队")
    health = DepartmentFactory(name="市卫生健康委")
    fire_head = make_head(fire)
    health_clerk = StaffFactory(department=health, roles=[Role.CLERK])
    return {"case": case, "fire": fire, "health": health, "fire_head": fire_head, "health_clerk": health_clerk}


def test_each_part_runs_its_own_clock_and_decide_waits_for_all(joint):
    case = joint["case"]
    clerk = case.handler
    assert processing.remaining_working_days(case, at(10, 10)) == 7
    parts = processing.start_joint(
        case,
        clerk,
        lead=case.department,
        co_departments=[(joint["fire"], 3), (joint["health"], 5)],
        at=at(10, 10),
    )
    assert len(parts) == 3
    case.refresh_from_db()
    assert case.is_joint
    by_dept = {part.department_id: part for part in parts}
    fire_part = by_dept[joint["fire"].pk]
    fire_clock = processing.clock_of(fire_part, JOINT_CLOCK)
    # 3 working days from Friday 10 October: Saturday 11 (make-up), 13, 14.
    assert fire_clock.due_at == dt.datetime(2025, 10, 14, 17, 30, tzinfo=TZ)
    assert fire_clock.responsible == joint["fire_head"].user
    health_part = by_dept[joint["health"].pk]
    assert processing.clock_of(health_part, JOINT_CLOCK).responsible == joint["health_clerk"].user
    lead_part = by_dept[case.department_id]
    assert lead_part.is_lead and lead_part.limit_days == 7

    processing.complete_step(case, clerk, "审查完毕", at=at(10, 13))
    with pytest.raises(ValidationError) as error:
        processing.decide_case(case, clerk, approve=True, reason="", at=at(10, 13, 11))
    assert "approve" in error.value.message_dict

    processing.give_joint_opinion(
        fire_part, joint["fire_head"].user, agreed=True, opinion="消防验收合格", at=at(10, 13)
    )
    assert processing.clock_of(fire_part, JOINT_CLOCK).status == DeadlineStatus.FINISHED
    processing.give_joint_opinion(health_part, joint["health_clerk"].user, agreed=True, opinion="同意", at=at(10, 14))
    with pytest.raises(ValidationError):
        processing.decide_case(case, clerk, approve=True, reason="", at=at(10, 14, 11))
    processing.give_joint_opinion(lead_part, clerk, agreed=True, opinion="同意", at=at(10, 14, 12))
    case = processing.decide_case(case, clerk, approve=True, reason="", at=at(10, 14, 13))
    assert case.status == CaseStatus.APPROVED


def test_a_co_department_limit_may_not_exceed_what_remains(joint):
    case = joint["case"]
    with pytest.raises(ValidationError) as error:
        processing.start_joint(
            case, case.handler, lead=case.department, co_departments=[(joint["fire"], 8)], at=at(10, 10)
        )
    assert "co_departments" in error.value.message_dict
    assert not CaseDepartment.objects.exists()


def test_joint_input_is_checked(joint):
    case = joint["case"]
    for co in ([], [(case.department, 2)], [(joint["fire"], 2), (joint["fire"], 2)], [(joint["fire"], 0)]):
        with pytest.raises(ValidationError):
            processing.start_joint(case, case.handler, lead=case.department, co_departments=co, at=at(10, 10))
    assert not CaseDepartment.objects.exists()
    processing.start_joint(case, case.handler, lead=case.department, co_departments=[(joint["fire"], 2)], at=at(10, 10))
    with pytest.raises(ValidationError):
        processing.start_joint(
            case, case.handler, lead=case.department, co_departments=[(joint["health"], 2)], at=at(10, 10)
        )


def test_only_staff_of_the_part_give_its_opinion_and_only_once(joint):
    case = joint["case"]
    parts = processing.start_joint(
        case, case.handler, lead=case.department, co_departments=[(joint["fire"], 3)], at=at(10, 10)
    )
    fire_part = next(p for p in parts if p.department_id == joint["fire"].pk)
    for outsider in (case.handler, joint["health_clerk"].user):
        with pytest.raises(PermissionDenied):
            processing.give_joint_opinion(fire_part, outsider, agreed=True, opinion="同意", at=at(10, 13))
    with pytest.raises(ValidationError):
        processing.give_joint_opinion(fire_part, joint["fire_head"].user, agreed=False, opinion=" ", at=at(10, 13))
    processing.give_joint_opinion(fire_part, joint["fire_head"].user, agreed=False, opinion="不符合", at=at(10, 13))
    with pytest.raises(ValidationError):
        processing.give_joint_opinion(fire_part, joint["fire_head"].user, agreed=True, opinion="改了", at=at(10, 13))


def test_pause_stops_the_joint_clocks_too(joint):
    case = joint["case"]
    parts = processing.start_joint(
        case, case.handler, lead=case.department, co_departments=[(joint["fire"], 3)], at=at(10, 10)
    )
    processing.pause_case(case, case.handler, procedure="testing", reason="送检", expected_days=2, at=at(10, 13))
    assert all(processing.clock_of(p, JOINT_CLOCK).status == DeadlineStatus.PAUSED for p in parts)
    processing.resume_case(case, case.handler, at=at(10, 15))
    fire = next(p for p in parts if p.department_id == joint["fire"].pk)
    # Paused Monday 13 to Wednesday 15: 14 and 15 added → due moves from 14 to 16 October.
    assert processing.clock_of(fire, JOINT_CLOCK).due_at == dt.datetime(2025, 10, 16, 17, 30, tzinfo=TZ)


def test_joint_department_staff_see_the_case_and_give_opinion_on_the_page(client, joint):
    case = joint["case"]
    parts = processing.start_joint(
        case, case.handler, lead=case.department, co_departments=[(joint["fire"], 3)], at=at(10, 10)
    )
    fire_part = next(p for p in parts if p.department_id == joint["fire"].pk)
    fire_clerk = StaffFactory(department=joint["fire"], roles=[Role.CLERK]).user
    assert case_for_staff(fire_clerk, case.pk) == case
    client.force_login(fire_clerk)
    page = client.get(reverse("approvals:case_work", args=[case.pk])).content.decode()
    assert f'name="opinion-{fire_part.pk}-opinion"' in page
    url = reverse("approvals:joint_opinion", args=[case.pk, fire_part.pk])
    assert client.post(url, {f"opinion-{fire_part.pk}-agreed": "yes"}).status_code == 400
    response = client.post(url, {f"opinion-{fire_part.pk}-agreed": "yes", f"opinion-{fire_part.pk}-opinion": "同意"})
    assert response.status_code == 302
    fire_part.refresh_from_db()
    assert fire_part.agreed is True and fire_part.finished_at is not None
    # Staff of the health bureau, not part of this case, get nothing.
    client.force_login(joint["health_clerk"].user)
    assert client.get(reverse("approvals:case_work", args=[case.pk])).status_code == 404
    assert client.post(url, {f"opinion-{fire_part.pk}-agreed": "yes"}).status_code == 404
