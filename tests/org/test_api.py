from __future__ import annotations

import datetime as dt

import pytest

from efficiency_portal.org.models import AwayNotice, Post
from tests.factories import AwayNoticeFactory

from .conftest import MATRIX

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def expect(status_by_who: dict[str, int], default: int) -> list[tuple[str, int]]:
    return [(who, status_by_who.get(who, default)) for who in MATRIX]


@pytest.mark.parametrize(("who", "status"), expect({}, 200))
def test_tree_and_board_are_public(world, login, who, status):
    client = login(world.user(who))
    tree = client.get("/api/org/departments/")
    assert tree.status_code == status
    agency = next(node for node in tree.json() if node["code"] == "scjgj")
    x = next(child for child in agency["children"] if child["code"] == "x-dept")
    assert [w["code"] for w in x["children"]] == ["x-window"]
    assert client.get("/api/org/board/x-dept/").status_code == status


def test_board_api_says_who_stands_in_and_keeps_details_private(world, client):
    AwayNoticeFactory(staff=world.clerk_x, destination="市第一人民医院", note="复诊", reason="sick")
    body = client.get("/api/org/board/x-dept/").content.decode()
    data = client.get("/api/org/board/x-dept/").json()
    post = data["posts"][0]
    assert post["holder"]["away"] and post["holder"]["reason"] == "sick"
    assert post["on_duty"]["id"] == world.backup_x.pk and not post["uncovered"]
    for secret in ("市第一人民医院", "复诊", world.clerk_x.phone, world.x.phone):
        assert secret not in body


def test_board_api_both_away_is_uncovered(world, client):
    AwayNoticeFactory(staff=world.clerk_x)
    AwayNoticeFactory(staff=world.backup_x)
    post = client.get("/api/org/board/x-dept/").json()["posts"][0]
    assert post["uncovered"] and post["on_duty"] is None


def test_unknown_board_is_404(world, client):
    assert client.get("/api/org/board/nope/").status_code == 404


@pytest.mark.parametrize(("who", "status"), expect({"anonymous": 403, "citizen": 403}, 200))
def test_staff_api_for_staff_and_supervisors(world, login, who, status):
    response = login(world.user(who)).get("/api/org/staff/?department__code=x-dept")
    assert response.status_code == status
    if status == 200:
        names = {row["name"] for row in response.json()["results"]}
        assert names == {world.clerk_x.name, world.backup_x.name, world.head_x.name}


@pytest.mark.parametrize(("who", "status"), expect({"anonymous": 403, "citizen": 403}, 200))
def test_posts_api_read(world, login, who, status):
    response = login(world.user(who)).get("/api/org/posts/")
    assert response.status_code == status
    if status == 200:
        row = response.json()["results"][0]
        assert row["holder"] == world.clerk_x.pk and row["backup"] == world.backup_x.pk


@pytest.mark.parametrize(
    ("who", "status"), expect({"anonymous": 403, "citizen": 403, "head_x": 201, "admin": 201}, 403)
)
def test_posts_api_create_matrix(world, login, who, status):
    data = {"department": "x-dept", "name": "审核岗", "holder": world.backup_x.pk, "backup": world.clerk_x.pk}
    response = login(world.user(who)).post("/api/org/posts/", data, content_type="application/json")
    assert response.status_code == status
    assert Post.objects.filter(name="审核岗").exists() == (status == 201)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"backup": "holder"}, "backup"),
        ({"backup": "clerk_y"}, "backup"),
        ({"name": ""}, "name"),
        ({"name": "企业登记岗"}, "name"),
        ({"holder": 999999}, "holder"),
        ({"department": "nope"}, "department"),
        ({"holder": "abc"}, "holder"),
    ],
)
def test_posts_api_bad_input(world, login, data, field):
    payload = {"department": "x-dept", "name": "审核岗", "holder": world.clerk_x.pk, "backup": world.backup_x.pk}
    for key, value in data.items():
        payload[key] = {"holder": world.clerk_x.pk, "clerk_y": world.clerk_y.pk}.get(value, value)
    response = login(world.head_x.user).post("/api/org/posts/", payload, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert Post.objects.count() == 1


def test_posts_api_update(world, login):
    client = login(world.head_x.user)
    url = f"/api/org/posts/{world.post_x.pk}/"
    response = client.patch(url, {"backup": world.head_x.pk}, content_type="application/json")
    assert response.status_code == 200, response.json()
    world.post_x.refresh_from_db()
    assert world.post_x.backup == world.head_x
    bad = client.patch(url, {"backup": world.clerk_x.pk}, content_type="application/json")
    assert bad.status_code == 400 and "backup" in bad.json()
    assert login(world.head_y.user).patch(url, {"name": "x"}, content_type="application/json").status_code == 403


@pytest.mark.parametrize(("who", "status"), expect({"anonymous": 403, "citizen": 403, "admin": 403}, 200))
def test_away_notices_api_list_matrix(world, login, who, status):
    AwayNoticeFactory(staff=world.clerk_x)
    response = login(world.user(who)).get("/api/org/away-notices/")
    assert response.status_code == status
    if status == 200:
        seen = {row["staff"] for row in response.json()["results"]}
        assert (world.clerk_x.pk in seen) == (who in {"clerk_x", "head_x"})


def notice_payload(**overrides):
    payload = {
        "reason": "meeting",
        "starts_at": "2026-03-10T10:30:00+08:00",
        "ends_at": "2026-03-10T12:00:00+08:00",
        "destination": "市政府会议室",
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not None}


def test_away_notices_api_create_own(world, login):
    response = login(world.clerk_x.user).post(
        "/api/org/away-notices/", notice_payload(), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["staff"] == world.clerk_x.pk and response.json()["state"] == "planned"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": "2026-03-10T09:00:00+08:00"}, "ends_at"),
        ({"starts_at": "soon"}, "starts_at"),
        ({"reason": "beach"}, "reason"),
        ({"ends_at": None}, "ends_at"),
        ({"starts_at": "2026-06-01T09:00:00+08:00", "ends_at": "2026-06-01T10:00:00+08:00"}, "starts_at"),
        ({"note": "x" * 201}, "note"),
        ({"staff": 999999}, "staff"),
    ],
)
def test_away_notices_api_bad_input(world, login, overrides, field):
    response = login(world.clerk_x.user).post(
        "/api/org/away-notices/", notice_payload(**overrides), content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not AwayNotice.objects.exists()


def test_away_notices_api_overlap(world, login):
    AwayNoticeFactory(staff=world.clerk_x, starts_at=NOW, ends_at=NOW + dt.timedelta(hours=3))
    response = login(world.clerk_x.user).post(
        "/api/org/away-notices/", notice_payload(), content_type="application/json"
    )
    assert response.status_code == 400 and "starts_at" in response.json()
    assert AwayNotice.objects.count() == 1


@pytest.mark.parametrize(("who", "status"), [("clerk_x", 403), ("head_x", 201), ("head_y", 403), ("supervisor", 403)])
def test_away_notices_api_for_someone_else(world, login, who, status):
    response = login(world.user(who)).post(
        "/api/org/away-notices/", notice_payload(staff=world.backup_x.pk), content_type="application/json"
    )
    assert response.status_code == status
    assert AwayNotice.objects.exists() == (status == 201)


def test_away_notices_api_cancel_and_return(world, login):
    client = login(world.clerk_x.user)
    active = AwayNoticeFactory(staff=world.clerk_x, starts_at=NOW - dt.timedelta(minutes=30))
    response = client.post(f"/api/org/away-notices/{active.pk}/return/")
    assert response.status_code == 200 and response.json()["state"] == "over"
    again = client.post(f"/api/org/away-notices/{active.pk}/return/")
    assert again.status_code == 400 and "non_field_errors" in again.json()
    planned = AwayNoticeFactory(staff=world.clerk_x, starts_at=NOW + dt.timedelta(hours=1))
    assert client.post(f"/api/org/away-notices/{planned.pk}/cancel/").json()["state"] == "cancelled"
    other = AwayNoticeFactory(staff=world.clerk_y)
    assert client.post(f"/api/org/away-notices/{other.pk}/cancel/").status_code == 404


def test_api_lists_do_not_grow_in_queries(world, login, django_assert_max_num_queries):
    from tests.factories import PostFactory, StaffFactory

    client = login(world.supervisor.user)
    with django_assert_max_num_queries(40) as few:
        client.get("/api/org/staff/")
        client.get("/api/org/posts/")
    baseline = len(few.captured_queries)
    for _ in range(10):
        PostFactory(department=world.x, holder=StaffFactory(department=world.x))
    with django_assert_max_num_queries(baseline):
        client.get("/api/org/staff/")
        client.get("/api/org/posts/")
