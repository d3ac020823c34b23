from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from efficiency_portal.org.models import AwayNotice, Post
from tests.factories import TEST_PASSWORD, AwayNoticeFactory, StaffFactory

from .conftest import MATRIX

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def expect(status_by_who: dict[str, int], default: int) -> list[tuple[str, int]]:
    return [(who, status_by_who.get(who, default)) for who in MATRIX]


def get(login, world, who: str, url: str):
    return login(world.user(who)).get(url, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(("who", "status"), expect({}, 200))
def test_public_pages_are_open_to_everyone(world, login, who, status):
    assert get(login, world, who, reverse("org:department_list")).status_code == status
    assert get(login, world, who, reverse("org:department_board", args=["x-dept"])).status_code == status
    assert get(login, world, who, reverse("org:department_board_status", args=["x-dept"])).status_code == status


@pytest.mark.parametrize(("who", "status"), expect({"anonymous": 302, "citizen": 403, "admin": 403}, 200))
def test_away_notice_page_is_for_staff(world, login, who, status):
    assert get(login, world, who, reverse("org:away_notice_list")).status_code == status


@pytest.mark.parametrize(("who", "status"), expect({"anonymous": 302, "citizen": 403}, 200))
def test_directory_is_for_staff_and_supervisors(world, login, who, status):
    response = get(login, world, who, reverse("org:staff_directory") + "?department=x-dept")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert world.clerk_x.name in page and world.post_x.name in page
        assert world.clerk_y.name not in page  # filtered to department X


@pytest.mark.parametrize(("who", "status"), expect({"anonymous": 302, "head_x": 200, "admin": 200}, 403))
def test_post_management_for_head_and_admin(world, login, who, status):
    assert get(login, world, who, reverse("org:post_list", args=["x-dept"])).status_code == status
    assert get(login, world, who, reverse("org:post_create", args=["x-dept"])).status_code == status
    edit = reverse("org:post_edit", args=["x-dept", world.post_x.pk])
    assert get(login, world, who, edit).status_code == status


def test_department_list_shows_the_tree(world, client):
    page = client.get(reverse("org:department_list")).content.decode()
    assert page.index("市市场监督管理局") < page.index("登记注册科") < page.index("企业开办窗口")
    assert reverse("org:department_board", args=["x-window"]) in page


def test_department_list_query_count_is_constant(world, client, django_assert_max_num_queries):
    from tests.factories import DepartmentFactory

    with django_assert_max_num_queries(8):
        client.get(reverse("org:department_list"))
    for _ in range(20):
        DepartmentFactory(parent=world.x)
    with django_assert_max_num_queries(8):
        client.get(reverse("org:department_list"))


def test_board_shows_stand_in_and_hides_private_details(world, client):
    AwayNoticeFactory(
        staff=world.clerk_x,
        reason=AwayNotice.Reason.SICK,
        destination="市第一人民医院",
        note="胃肠炎复诊",
        starts_at=NOW - dt.timedelta(minutes=5),
    )
    for url in (
        reverse("org:department_board", args=["x-dept"]),
        reverse("org:department_board_status", args=["x-dept"]),
    ):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Sick leave" in page and "back 03-10 11:55" in page
        assert f"{world.backup_x.name} stands in" in page
        for secret in ("市第一人民医院", "胃肠炎复诊", world.clerk_x.phone, world.backup_x.phone, world.x.phone):
            assert secret not in page


def test_board_refreshes_with_a_script_file(world, client):
    page = client.get(reverse("org:department_board", args=["x-dept"])).content.decode()
    assert "/static/org/board." in page and 'data-refresh-seconds="60"' in page
    assert "<script>" not in page and "style=" not in page


def test_unknown_board_is_404(world, client):
    assert client.get(reverse("org:department_board", args=["nope"])).status_code == 404


def test_staff_sign_in_with_the_test_password(world, client):
    response = client.post(
        reverse("accounts:login"), {"username": world.clerk_x.user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("org:away_notice_list")).status_code == 200


class TestAwayNoticeForm:
    url = "/org/away/"

    def post(self, client, **data):
        values = {
            "reason": "meeting",
            "starts_at": "2026-03-10T10:30",
            "ends_at": "2026-03-10T12:00",
            "destination": "市政府会议室",
            "note": "",
        }
        values.update(data)
        return client.post(self.url, {k: v for k, v in values.items() if v is not None}, HTTP_ACCEPT_LANGUAGE="en")

    def test_form_shows_the_duration_rule(self, world, login, settings):
        settings.AWAY_NOTICE_MIN_MINUTES = 30
        page = login(world.clerk_x.user).get(self.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "more than 30 minutes must be registered" in page
        assert "shorter ones may be registered too" in page

    def test_register_own(self, world, login):
        client = login(world.clerk_x.user)
        response = self.post(client, staff=world.clerk_x.pk)
        assert response.status_code == 302
        notice = AwayNotice.objects.get()
        assert notice.staff == world.clerk_x
        assert notice.starts_at == dt.datetime(2026, 3, 10, 2, 30, tzinfo=dt.UTC)

    @pytest.mark.parametrize(
        ("data", "field_text"),
        [
            ({"ends_at": "2026-03-10T09:00"}, "The end must be after the start."),
            ({"starts_at": "yesterday"}, "Enter a valid date/time."),
            ({"reason": "beach"}, "Select a valid choice."),
            ({"ends_at": None}, "This field is required."),
            ({"starts_at": "2026-05-10T09:00", "ends_at": "2026-05-10T10:00"}, "at most 30 days ahead"),
            ({"destination": "x" * 101}, "at most 100 characters"),
        ],
    )
    def test_bad_input_is_shown_and_nothing_written(self, world, login, data, field_text):
        client = login(world.clerk_x.user)
        response = self.post(client, staff=world.clerk_x.pk, **data)
        assert response.status_code == 400
        assert field_text in response.content.decode()
        assert not AwayNotice.objects.exists()

    def test_overlap_is_shown(self, world, login):
        AwayNoticeFactory(staff=world.clerk_x, starts_at=NOW, ends_at=NOW + dt.timedelta(hours=3))
        response = self.post(login(world.clerk_x.user), staff=world.clerk_x.pk)
        assert response.status_code == 400
        assert "overlaps this one" in response.content.decode()
        assert AwayNotice.objects.count() == 1

    def test_clerk_cannot_register_for_a_colleague(self, world, login):
        response = self.post(login(world.clerk_x.user), staff=world.backup_x.pk)
        assert response.status_code == 400
        assert not AwayNotice.objects.exists()

    def test_head_registers_for_department_staff_not_others(self, world, login):
        client = login(world.head_x.user)
        assert self.post(client, staff=world.clerk_x.pk).status_code == 302
        assert self.post(client, staff=world.clerk_y.pk).status_code == 400
        assert list(AwayNotice.objects.values_list("staff", flat=True)) == [world.clerk_x.pk]

    def test_lists_own_and_for_heads_the_department(self, world, login):
        mine = AwayNoticeFactory(staff=world.clerk_x, destination="甲地")
        other = AwayNoticeFactory(staff=world.clerk_y, destination="乙地")
        page_x = login(world.clerk_x.user).get(self.url).content.decode()
        assert mine.destination in page_x and other.destination not in page_x
        page_head = login(world.head_x.user).get(self.url).content.decode()
        assert mine.destination in page_head and other.destination not in page_head

    def test_list_query_count_does_not_grow(self, world, login, django_assert_max_num_queries):
        client = login(world.head_x.user)
        AwayNoticeFactory(staff=world.clerk_x)
        with django_assert_max_num_queries(40) as few:
            client.get(self.url)
        baseline = len(few.captured_queries)
        for days in range(1, 15):
            AwayNoticeFactory(staff=StaffFactory(department=world.x), starts_at=NOW + dt.timedelta(days=days))
        with django_assert_max_num_queries(baseline):
            client.get(self.url)

    def test_cancel_and_return_early(self, world, login):
        client = login(world.clerk_x.user)
        active = AwayNoticeFactory(staff=world.clerk_x, starts_at=NOW - dt.timedelta(minutes=30))
        planned = AwayNoticeFactory(staff=world.clerk_x, starts_at=NOW + dt.timedelta(days=1))
        assert client.post(f"/org/away/{active.pk}/return/").status_code == 302
        assert client.post(f"/org/away/{planned.pk}/cancel/").status_code == 302
        active.refresh_from_db()
        planned.refresh_from_db()
        assert active.ends_at == NOW and planned.cancelled_at == NOW
        # A second time is refused with a message, not an error page.
        response = client.post(f"/org/away/{planned.pk}/cancel/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
        assert "already ended or been cancelled" in response.content.decode()

    def test_cannot_touch_someone_elses_notice(self, world, login):
        notice = AwayNoticeFactory(staff=world.clerk_y)
        for who in ("clerk_x", "head_x"):
            assert login(world.user(who)).post(f"/org/away/{notice.pk}/cancel/").status_code == 404
        assert login(world.head_y.user).post(f"/org/away/{notice.pk}/cancel/").status_code == 302
        assert login(None).post(f"/org/away/{notice.pk}/cancel/").status_code == 302  # to the login page
        notice.refresh_from_db()
        assert notice.cancelled_at is not None

    def test_get_on_cancel_is_refused(self, world, login):
        notice = AwayNoticeFactory(staff=world.clerk_x)
        assert login(world.clerk_x.user).get(f"/org/away/{notice.pk}/cancel/").status_code == 405


class TestPostForm:
    def test_head_creates_and_edits_a_post(self, world, login):
        client = login(world.head_x.user)
        url = reverse("org:post_create", args=["x-dept"])
        data = {"name": "审核岗", "duties": "审查", "holder": world.backup_x.pk, "backup": world.clerk_x.pk}
        assert client.post(url, data).status_code == 302
        post = Post.objects.get(name="审核岗")
        edit = reverse("org:post_edit", args=["x-dept", post.pk])
        assert client.post(edit, {**data, "holder": world.clerk_x.pk, "backup": world.head_x.pk}).status_code == 302
        post.refresh_from_db()
        assert (post.holder, post.backup) == (world.clerk_x, world.head_x)

    @pytest.mark.parametrize(
        ("change", "text"),
        [
            ({"backup": "holder"}, "someone other than the A post holder"),
            ({"backup": "clerk_y"}, "Select a valid choice."),
            ({"name": ""}, "This field is required."),
            ({"name": "企业登记岗"}, "already has a post with this name"),
            ({"holder": "999999"}, "Select a valid choice."),
        ],
    )
    def test_bad_input(self, world, login, change, text):
        client = login(world.head_x.user)
        data = {"name": "审核岗", "duties": "", "holder": world.clerk_x.pk, "backup": world.backup_x.pk}
        for key, value in change.items():
            if value == "holder":
                value = world.clerk_x.pk
            elif value == "clerk_y":
                value = world.clerk_y.pk
            data[key] = value
        response = client.post(reverse("org:post_create", args=["x-dept"]), data, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert text in response.content.decode()
        assert Post.objects.count() == 1

    def test_head_of_y_cannot_post_to_x(self, world, login):
        data = {"name": "审核岗", "holder": world.clerk_x.pk, "backup": world.backup_x.pk}
        assert login(world.head_y.user).post(reverse("org:post_create", args=["x-dept"]), data).status_code == 403
        assert Post.objects.count() == 1
