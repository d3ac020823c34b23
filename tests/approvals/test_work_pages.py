"""The staff case page and its actions, extension requests: permissions, bad input, query counts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from approvals.models import CaseEvent, CaseStatus, ExtensionRequest, ExtensionStatus
from approvals.services import processing
from efficiency_portal.org.models import Role
from tests.factories import (
    CitizenFactory,
    DepartmentFactory,
    ItemFactory,
    StaffFactory,
    UserFactory,
    make_accepted_case,
    make_head,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files go to a directory of this test, not the portal's private media."""
    from django.core.files.storage import storages

    private = settings.STORAGES["private"]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**private, "OPTIONS": {**private["OPTIONS"], "location": str(tmp_path)}},
    }
    storages._storages.pop("private", None)
    yield
    storages._storages.pop("private", None)


TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2025, 10, 9, 10, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def office():
    """Department X (with a window and a parent agency) and the people around one of its cases."""
    parent = DepartmentFactory(name="市市场监督管理局")
    x = DepartmentFactory(parent=parent)
    item = ItemFactory(department=x)
    case = make_accepted_case(item, accepted_at=dt.datetime(2025, 9, 30, 9, tzinfo=TZ))
    leader = StaffFactory(roles=[Role.LEADER])
    x.leader_in_charge = leader
    x.save(update_fields=["leader_in_charge"])
    return {
        "case": case,
        "handler": case.handler,
        "clerk_x": StaffFactory(department=x, roles=[Role.CLERK]).user,
        "clerk_y": StaffFactory(roles=[Role.CLERK]).user,
        "head": make_head(x).user,
        "parent_head": make_head(parent).user,
        "leader": leader.user,
        "supervisor": UserFactory(roles=[Role.SUPERVISOR]),
        "citizen": CitizenFactory(),
    }


VIEW_MATRIX = [
    ("anonymous", 302),
    ("citizen", 404),
    ("clerk_y", 404),
    ("handler", 200),
    ("clerk_x", 200),
    ("head", 200),
    ("parent_head", 200),
    ("leader", 200),
    ("supervisor", 200),
]


@pytest.mark.parametrize(("who", "status"), VIEW_MATRIX)
def test_case_page_permission_matrix(client, office, who, status):
    if who != "anonymous":
        client.force_login(office[who])
    response = client.get(reverse("approvals:case_work", args=[office["case"].pk]))
    assert response.status_code == status
    if status == 200:
        assert office["case"].tracking_code in response.content.decode()


@pytest.mark.parametrize(
    ("who", "materials", "clock"),
    [
        ("handler", True, True),
        ("clerk_x", True, False),  # a colleague reads the case, not another's clock
        ("head", True, True),
        ("leader", False, True),  # the leader in charge follows the clock, not the applicant's papers
        ("supervisor", True, True),
    ],
)
def test_case_page_links_only_what_the_viewer_may_open(client, office, who, materials, clock):
    client.force_login(office[who])
    response = client.get(reverse("approvals:case_work", args=[office["case"].pk]))
    assert bool(response.context["material_url_name"]) is materials
    case_clock = response.context["work"].case_clock
    assert case_clock.viewable is clock
    clock_url = reverse("supervision:deadline_detail", args=[case_clock.pk])
    assert (clock_url in response.content.decode()) is clock
    assert client.get(clock_url).status_code == (200 if clock else 403)


ACT_MATRIX = [
    ("anonymous", 302),
    ("citizen", 404),
    ("clerk_y", 404),
    ("leader", 403),
    ("supervisor", 403),
    ("handler", 302),
    ("clerk_x", 302),
    ("head", 302),
]


@pytest.mark.parametrize(("who", "status"), ACT_MATRIX)
def test_assign_action_permission_matrix(client, office, who, status):
    case = office["case"]
    if who != "anonymous":
        client.force_login(office[who])
    response = client.post(
        reverse("approvals:case_action", args=[case.pk, "assign"]), {"assign-handler": case.handler.staff.pk}
    )
    assert response.status_code == status
    case.refresh_from_db()
    expected = CaseStatus.PROCESSING if status == 302 and who != "anonymous" else CaseStatus.ACCEPTED
    assert case.status == expected


def test_forms_shown_follow_the_state(client, office):
    case = office["case"]
    client.force_login(office["handler"])
    page = client.get(reverse("approvals:case_work", args=[case.pk])).content.decode()
    assert 'name="assign-handler"' in page
    assert 'name="decide-approve"' not in page
    processing.assign_case(case, case.handler, case.handler)
    page = client.get(reverse("approvals:case_work", args=[case.pk])).content.decode()
    assert 'name="complete-step-opinion"' in page
    assert 'name="pause-procedure"' in page
    assert 'name="extension-days"' in page
    assert 'name="decide-approve"' not in page  # the review step runs first
    processing.complete_step(case, case.handler, "审查通过")
    page = client.get(reverse("approvals:case_work", args=[case.pk])).content.decode()
    assert 'name="decide-approve"' in page and 'name="complete-step-opinion"' not in page
    # The supervisor sees the case but no forms.
    client.force_login(office["supervisor"])
    page = client.get(reverse("approvals:case_work", args=[case.pk])).content.decode()
    assert 'name="pause-procedure"' not in page


def test_timeline_shows_internal_notes_to_staff(client, office):
    case = office["case"]
    processing.assign_case(case, case.handler, case.handler)
    processing.pause_case(case, case.handler, procedure="site_survey", reason="现场勘查经营场所", expected_days=2)
    client.force_login(office["clerk_x"])
    page = client.get(reverse("approvals:case_work", args=[case.pk])).content.decode()
    assert "现场勘查经营场所" in page
    assert "Paused for a special procedure" in page or "特别程序" in page
    assert ">paused<" not in page
    assert "Internal note" in page or "内部" in page


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("pause", {"pause-procedure": "nap", "pause-reason": "", "pause-expected_days": "x"}, "pause-procedure"),
        ("extension", {"extension-days": "0", "extension-reason": "太多"}, "extension-days"),
        ("extension", {"extension-days": "99", "extension-reason": "太多"}, "extension-days"),
        ("decide", {"decide-approve": "no", "decide-reason": ""}, "decide-reason"),
        ("complete-step", {"complete-step-opinion": "x" * 3000}, "complete-step-opinion"),
        ("joint", {"joint-departments": ["999999"], "joint-limit_days": "2"}, "joint-departments"),
    ],
)
def test_bad_input_gets_400_with_field_errors_and_writes_nothing(client, office, action, data, field):
    case = office["case"]
    processing.assign_case(case, case.handler, case.handler)
    events = CaseEvent.objects.filter(case=case).count()
    client.force_login(office["handler"])
    response = client.post(reverse("approvals:case_action", args=[case.pk, action]), data)
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert CaseEvent.objects.filter(case=case).count() == events
    assert not ExtensionRequest.objects.exists()


def test_wrong_state_action_gets_400(client, office):
    case = office["case"]  # accepted, not processing
    client.force_login(office["handler"])
    response = client.post(
        reverse("approvals:case_action", args=[case.pk, "decide"]), {"decide-approve": "yes", "decide-reason": ""}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_unknown_action_is_404(client, office):
    client.force_login(office["handler"])
    response = client.post(reverse("approvals:case_action", args=[office["case"].pk, "explode"]), {})
    assert response.status_code == 404


def test_full_run_through_the_pages(client, office):
    case = office["case"]
    url = lambda action: reverse("approvals:case_action", args=[case.pk, action])  # noqa: E731
    client.force_login(office["handler"])
    assert client.post(url("assign"), {"assign-handler": case.handler.staff.pk}).status_code == 302
    assert client.post(url("complete-step"), {"complete-step-opinion": "审查通过"}).status_code == 302
    assert client.post(url("decide"), {"decide-approve": "yes", "decide-reason": ""}).status_code == 302
    assert client.post(url("result"), {"result-licence_number": "JY3301"}).status_code == 302
    response = client.post(url("deliver"), {"deliver-method": "窗口领取", "deliver-fee_charged": "0"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DELIVERED and case.licence_number == "JY3301"


def test_extension_requests_page_and_decision(client, office):
    case = office["case"]
    processing.assign_case(case, case.handler, case.handler)
    client.force_login(office["handler"])
    response = client.post(
        reverse("approvals:case_action", args=[case.pk, "extension"]),
        {"extension-days": "3", "extension-reason": "需专家论证"},
    )
    assert response.status_code == 302
    request = ExtensionRequest.objects.get(case=case)
    decide = reverse("approvals:extension_decide", args=[request.pk])
    # Not the leader: refused, whoever else it is.
    for who in ("handler", "head", "supervisor"):
        client.force_login(office[who])
        assert client.post(decide, {f"ext-{request.pk}-approve": "yes"}).status_code == 403
    client.force_login(office["leader"])
    page = client.get(reverse("approvals:extension_requests"))
    assert page.status_code == 200 and case.tracking_code in page.content.decode()
    bad = client.post(decide, {f"ext-{request.pk}-approve": "no", f"ext-{request.pk}-note": ""})
    assert bad.status_code == 400
    assert client.post(decide, {f"ext-{request.pk}-approve": "yes"}).status_code == 302
    request.refresh_from_db()
    assert request.status == ExtensionStatus.APPROVED
    assert processing.case_clock(case).extension_days == 3


def test_extension_page_queries_do_not_grow(client, django_assert_max_num_queries, office):
    leader = office["leader"]
    client.force_login(leader)
    case = office["case"]
    processing.assign_case(case, case.handler, case.handler)
    processing.request_extension(case, case.handler, 2, "一")
    for _ in range(6):
        other = make_accepted_case(ItemFactory(department=case.department), accepted_at=NOW - dt.timedelta(days=1))
        processing.request_extension(other, other.handler, 2, "多")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("approvals:extension_requests"))
    assert response.content.decode().count("ext-") >= 7


def test_case_page_queries_constant_with_many_events(client, django_assert_num_queries, office):
    case = office["case"]
    processing.assign_case(case, case.handler, case.handler)
    client.force_login(office["clerk_x"])
    url = reverse("approvals:case_work", args=[case.pk])
    client.get(url)  # warm the content type cache

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    actors = [StaffFactory(department=case.department).user for _ in range(5)]
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, actor=actors[n % 5], action="note", at=NOW, note=f"备注{n}") for n in range(60)
    )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("备注") == 60


def test_submitted_case_shows_pre_review_forms_and_material_links(client):
    from approvals.services.intake import accept_case
    from tests.factories import make_intake_desk, submit_online

    item = ItemFactory()
    clerk, _backup = make_intake_desk(item)
    case, _secret = submit_online(item)
    client.force_login(clerk.user)
    page = client.get(reverse("approvals:case_work", args=[case.pk])).content.decode()
    assert reverse("approvals:prereview_accept", args=[case.pk]) in page
    assert reverse("approvals:prereview_notice", args=[case.pk]) in page
    material = case.materials.first()
    assert reverse("approvals:material_download", args=[material.pk]) in page
    # Once accepted, the page offers the assignment instead.
    accept_case(case, clerk.user)
    page = client.get(reverse("approvals:case_work", args=[case.pk])).content.decode()
    assert reverse("approvals:prereview_accept", args=[case.pk]) not in page
    assert 'name="assign-handler"' in page


def test_result_document_download_for_staff_only(client, office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = office["case"]
    processing.assign_case(case, case.handler, case.handler)
    processing.complete_step(case, case.handler)
    processing.decide_case(case, case.handler, approve=True, reason="")
    pdf = SimpleUploadedFile("决定书.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    processing.record_result(case, case.handler, document=pdf)
    url = reverse("approvals:result_download", args=[case.pk])
    for who, status in (("citizen", 404), ("clerk_y", 404), ("clerk_x", 200), ("supervisor", 200)):
        client.force_login(office[who])
        response = client.get(url)
        assert response.status_code == status
        if status == 200:
            assert response["Content-Disposition"].startswith("attachment")
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(office["clerk_x"])
    page = client.get(reverse("approvals:case_work", args=[case.pk])).content.decode()
    assert url in page


def test_window_clerk_of_the_bureau_sees_and_works_its_cases(client, office):
    from tests.factories import WindowFactory

    case = office["case"]
    window = WindowFactory(parent=case.department)
    window_clerk = StaffFactory(department=window, roles=[Role.CLERK]).user
    other_window_clerk = StaffFactory(department=WindowFactory(), roles=[Role.CLERK]).user
    client.force_login(window_clerk)
    assert client.get(reverse("approvals:case_work", args=[case.pk])).status_code == 200
    response = client.post(
        reverse("approvals:case_action", args=[case.pk, "assign"]), {"assign-handler": case.handler.staff.pk}
    )
    assert response.status_code == 302
    client.force_login(other_window_clerk)
    assert client.get(reverse("approvals:case_work", args=[case.pk])).status_code == 404
