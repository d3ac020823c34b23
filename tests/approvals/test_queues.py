"""Work queues: urgency order, filters, search, permissions, keyset pages, Excel export, query counts."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from approvals.models import Case, CaseStatus, Channel
from approvals.selectors import queues
from approvals.services.common import CASE_CLOCK, PRE_REVIEW_CLOCK
from efficiency_portal.org.models import Role
from efficiency_portal.supervision.models import Deadline, Light
from tests.factories import (
    CitizenFactory,
    DepartmentFactory,
    ItemFactory,
    StaffFactory,
    UserFactory,
    make_deadline,
    make_head,
)

pytestmark = pytest.mark.django_db
_codes = itertools.count(1)


def make_case(
    item,
    *,
    handler=None,
    status: str = CaseStatus.PROCESSING,
    channel: str = Channel.ONLINE,
    applicant_name: str = "李四",
    submitted_at: dt.datetime | None = None,
    clock: str | None = CASE_CLOCK,
    light: str = Light.GREEN,
    limit_days: int = 8,
    responsible=None,
) -> Case:
    """A case written directly, with its clock opened through the supervision service and set to ``light``."""
    submitted_at = submitted_at or timezone.now() - dt.timedelta(days=1)
    case = Case.objects.create(
        item=item,
        department=item.department,
        tracking_code=f"Q{next(_codes):08d}",
        tracking_secret_hash="x",
        applicant_name=applicant_name,
        applicant_phone="13800000000",
        channel=channel,
        handler=handler,
        status=status,
        submitted_at=submitted_at,
        accepted_at=submitted_at if clock == CASE_CLOCK else None,
    )
    if clock:
        deadline = make_deadline(
            subject=case,
            kind=clock,
            responsible=responsible or handler,
            department=item.department,
            started_at=submitted_at,
            limit_days=limit_days,
        )
        Deadline.objects.filter(pk=deadline.pk).update(light=light)
    return case


@pytest.fixture
def world():
    dept_x, dept_y = DepartmentFactory(code="dept-x"), DepartmentFactory(code="dept-y")
    clerk = StaffFactory(department=dept_x, roles=[Role.CLERK]).user
    other_clerk = StaffFactory(department=dept_x, roles=[Role.CLERK]).user
    clerk_y = StaffFactory(department=dept_y, roles=[Role.CLERK]).user
    head_x, head_y = make_head(dept_x).user, make_head(dept_y).user
    leader = StaffFactory(department=dept_x, roles=[Role.LEADER])
    dept_x.leader_in_charge = leader
    dept_x.save(update_fields=["leader_in_charge"])
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    item_x, item_y = ItemFactory(department=dept_x), ItemFactory(department=dept_y)
    return {
        "dept_x": dept_x,
        "dept_y": dept_y,
        "clerk": clerk,
        "other_clerk": other_clerk,
        "clerk_y": clerk_y,
        "head_x": head_x,
        "head_y": head_y,
        "leader": leader.user,
        "supervisor": supervisor,
        "item_x": item_x,
        "item_y": item_y,
    }


def test_clerk_queue_urgency_order_and_scope(world):
    clerk, item = world["clerk"], world["item_x"]
    now = timezone.now()
    green_late = make_case(item, handler=clerk, light=Light.GREEN, limit_days=9)
    green_soon = make_case(item, handler=clerk, light=Light.GREEN, limit_days=3)
    red = make_case(item, handler=clerk, light=Light.RED, limit_days=4)
    yellow = make_case(item, handler=clerk, light=Light.YELLOW, limit_days=5)
    # Before acceptance the pre-review clock counts, and its responsible clerk sees the case without being handler.
    prereview = make_case(
        item, status=CaseStatus.SUBMITTED, clock=PRE_REVIEW_CLOCK, responsible=clerk, light=Light.YELLOW, limit_days=1
    )
    no_clock = make_case(item, handler=clerk, clock=None)
    make_case(item, handler=world["other_clerk"], light=Light.RED)  # someone else's
    make_case(item, handler=clerk, status=CaseStatus.DELIVERED, light=Light.RED)  # closed
    order = list(queues.clerk_queue(clerk, {}))
    assert order == [red, prereview, yellow, green_soon, green_late, no_clock]
    assert order[0].light == Light.RED
    assert order[0].due_at > now - dt.timedelta(days=1)
    assert order[-1].light is None


def test_filters_and_search(world):
    clerk, item = world["clerk"], world["item_x"]
    other_item = ItemFactory(department=world["dept_x"])
    window = make_case(item, handler=clerk, channel=Channel.WINDOW, applicant_name="王小明", light=Light.RED)
    paused = make_case(other_item, handler=clerk, status=CaseStatus.PAUSED, applicant_name="赵六")
    old = make_case(item, handler=clerk, submitted_at=timezone.now() - dt.timedelta(days=40), applicant_name="孙七")

    def pks(**filters):
        return [case.pk for case in queues.clerk_queue(clerk, filters)]

    assert pks(channel="window") == [window.pk]
    assert pks(status="paused") == [paused.pk]
    assert pks(light="red") == [window.pk]
    assert pks(item=str(other_item.pk)) == [paused.pk]
    assert pks(q="小明") == [window.pk]
    assert pks(q=window.tracking_code.lower()) == [window.pk]
    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    assert set(pks(submitted_from=since)) == {window.pk, paused.pk}
    assert pks(submitted_to=since) == [old.pk]


def test_keyset_pages_cover_every_row_once(world):
    clerk, item = world["clerk"], world["item_x"]
    lights = [Light.RED, Light.YELLOW, Light.GREEN]
    made = set()
    for n in range(23):
        # Several cases share a light and a due moment, so the id decides the order inside a tie.
        case = make_case(
            item, handler=clerk, light=lights[n % 3], limit_days=1 + n % 2, clock=None if n == 7 else CASE_CLOCK
        )
        made.add(case.pk)
    full = list(queues.clerk_queue(clerk, {}))
    seen, cursor = [], None
    while True:
        page = queues.queue_page(queues.clerk_queue(clerk, {}), cursor, size=5)
        seen.extend(case.pk for case in page.items)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == [case.pk for case in full]
    assert set(seen) == made and len(seen) == 23


def test_bad_cursor_is_a_400(client, world):
    client.force_login(world["clerk"])
    response = client.get(reverse("approvals:my_queue"), {"cursor": "!!!not-a-cursor"})
    assert response.status_code == 400
    response = client.get(reverse("approvals:my_queue"), {"submitted_from": "not a date", "light": "purple"})
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()


def test_department_queue_permission_matrix(client, world):
    make_case(world["item_x"], handler=world["clerk"], applicant_name="甲方X")
    make_case(world["item_y"], handler=world["clerk_y"], applicant_name="乙方Y")
    url = reverse("approvals:department_queue")
    # anonymous → sign-in page
    assert client.get(url).status_code == 302
    cases = {
        "citizen": (CitizenFactory(), {"dept-x": 403, "dept-y": 403}),
        "clerk": (world["clerk"], {"dept-x": 403, "dept-y": 403}),
        "head_x": (world["head_x"], {"dept-x": 200, "dept-y": 403}),
        "head_y": (world["head_y"], {"dept-x": 403, "dept-y": 200}),
        "leader": (world["leader"], {"dept-x": 200, "dept-y": 403}),
        "supervisor": (world["supervisor"], {"dept-x": 200, "dept-y": 200}),
    }
    for label, (user, expected) in cases.items():
        client.force_login(user)
        for code, status in expected.items():
            response = client.get(url, {"department": code})
            assert response.status_code == status, (label, code)
            if status == 200:
                body = response.content.decode()
                assert ("甲方X" in body) == (code == "dept-x")
                assert ("乙方Y" in body) == (code == "dept-y")
    client.force_login(world["supervisor"])
    assert client.get(url, {"department": "no-such"}).status_code == 403


def test_my_queue_permission_matrix(client, world):
    make_case(world["item_x"], handler=world["clerk"], applicant_name="甲方X")
    url = reverse("approvals:my_queue")
    assert client.get(url).status_code == 302
    client.force_login(CitizenFactory())
    assert client.get(url).status_code == 403
    client.force_login(world["clerk"])
    assert "甲方X" in client.get(url).content.decode()
    client.force_login(world["other_clerk"])
    response = client.get(url)
    assert response.status_code == 200 and "甲方X" not in response.content.decode()


def test_selector_refuses_unseen_department(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        queues.department_queue(world["head_x"], world["dept_y"], {})


def test_excel_export_has_every_filtered_row(client, world, settings):
    clerk, item = world["clerk"], world["item_x"]
    for n in range(queues.QUEUE_PAGE_SIZE + 5):
        make_case(item, handler=clerk, light=Light.RED if n % 2 else Light.GREEN, applicant_name=f"申请人{n}")
    client.force_login(clerk)
    response = client.get(reverse("approvals:my_queue"), {"export": "xlsx", "light": "red"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + (queues.QUEUE_PAGE_SIZE + 5) // 2
    # The light's translated words, never the bare code "red" (a reader of the sheet sees no colour).
    assert rows[0][6] == "亮灯"
    assert all(row[6] == "红灯（已超期）" for row in rows[1:])
    assert rows[1][0].startswith("Q")
    client.cookies["django_language"] = "en"
    response = client.get(reverse("approvals:my_queue"), {"export": "xlsx", "light": "red"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    assert {row[6] for row in list(sheet.iter_rows(values_only=True))[1:]} == {"Red (overdue)"}


@pytest.mark.parametrize("rows", [3, 60])
def test_queue_pages_constant_queries(client, world, django_assert_max_num_queries, rows):
    clerk, item = world["clerk"], world["item_x"]
    for n in range(rows):
        make_case(item, handler=clerk if n % 2 else world["other_clerk"], light=Light.YELLOW)
    ContentType.objects.get_for_model(Case)
    client.force_login(clerk)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("approvals:my_queue")).status_code == 200
    client.force_login(world["head_x"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("approvals:department_queue"))
    assert response.status_code == 200
    assert response.content.decode().count("light light-yellow") == min(rows, queues.QUEUE_PAGE_SIZE)
    # Each light is told in words beside its dot, for screen readers and for readers who do not see colour.
    badge = 'light-badge-yellow"><span class="light light-yellow" aria-hidden="true"></span> 黄灯（即将到期）'
    assert response.content.decode().count(badge) == min(rows, queues.QUEUE_PAGE_SIZE)


def test_queue_api(client, world):
    red = make_case(world["item_x"], handler=world["clerk"], light=Light.RED)
    green = make_case(world["item_x"], handler=world["clerk"], light=Light.GREEN)
    make_case(world["item_y"], handler=world["clerk_y"], light=Light.RED)
    url = reverse("approvals_api:my_queue")
    assert client.get(url).status_code in (401, 403)
    client.force_login(CitizenFactory())
    assert client.get(url).status_code == 403
    client.force_login(world["clerk"])
    data = client.get(url).json()
    assert [row["id"] for row in data["results"]] == [red.pk, green.pk]
    assert data["results"][0]["light"] == "red" and data["next_cursor"] is None
    assert client.get(url, {"light": "purple"}).status_code == 400
    assert client.get(url, {"cursor": "%%%"}).status_code == 400
    dept_url = reverse("approvals_api:department_queue", args=["dept-y"])
    assert client.get(dept_url).status_code == 403
    client.force_login(world["head_y"])
    assert [row["applicant_name"] for row in client.get(dept_url).json()["results"]] == ["李四"]
    assert client.get(reverse("approvals_api:department_queue", args=["dept-x"])).status_code == 403
