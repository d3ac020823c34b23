from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from efficiency_portal.org import selectors
from efficiency_portal.org.models import Department
from tests.factories import AwayNoticeFactory, DepartmentFactory, PostFactory, StaffFactory, WindowFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)


def build_tree(agencies: int) -> None:
    for a in range(agencies):
        agency = DepartmentFactory(kind=Department.Kind.AGENCY, code=f"a{a}")
        for d in range(2):
            dept = DepartmentFactory(parent=agency, code=f"a{a}-d{d}")
            WindowFactory(parent=dept, code=f"a{a}-d{d}-w")


def test_tree_is_one_query_however_large():
    build_tree(2)
    with CaptureQueriesContext(connection) as small:
        roots = selectors.department_tree()
    build_tree_more = 10
    for a in range(2, 2 + build_tree_more):
        agency = DepartmentFactory(kind=Department.Kind.AGENCY, code=f"a{a}")
        DepartmentFactory(parent=agency, code=f"a{a}-d0")
    with CaptureQueriesContext(connection) as large:
        roots = selectors.department_tree()
    assert len(small) == len(large) == 1
    assert len(roots) == 12
    first = roots[0]
    assert [c.department.kind for c in first.children] == ["department", "department"]
    assert first.children[0].children[0].department.kind == "window"
    assert [n.depth for n in first.walk()] == [0, 1, 2, 1, 2]


def test_inactive_departments_are_left_out():
    agency = DepartmentFactory(kind=Department.Kind.AGENCY)
    DepartmentFactory(parent=agency, is_active=False)
    assert [n.department for n in selectors.flat_tree()] == [agency]


class TestStandIn:
    @pytest.fixture(autouse=True)
    def _frozen(self, time_machine):
        time_machine.move_to(NOW, tick=False)

    def test_a_present_nobody_stands_in(self):
        post = PostFactory()
        assert selectors.stand_in_for(post.holder) is None
        assert selectors.route_to_available(post.holder) == post.holder

    def test_a_away_b_stands_in(self):
        post = PostFactory()
        AwayNoticeFactory(staff=post.holder, starts_at=NOW - dt.timedelta(minutes=10))
        assert selectors.stand_in_for(post.holder) == post.backup
        assert selectors.route_to_available(post.holder) == post.backup
        item = selectors.board(post.department).posts[0]
        assert item.on_duty == post.backup and not item.uncovered

    def test_both_away_nobody_and_the_board_says_so(self, client):
        post = PostFactory()
        AwayNoticeFactory(staff=post.holder, starts_at=NOW - dt.timedelta(minutes=10))
        AwayNoticeFactory(staff=post.backup, starts_at=NOW - dt.timedelta(minutes=1))
        assert selectors.stand_in_for(post.holder) is None
        # Work still goes somewhere: it waits with the A holder.
        assert selectors.route_to_available(post.holder) == post.holder
        assert selectors.board(post.department).posts[0].uncovered
        page = client.get(f"/org/departments/{post.department.code}/").content.decode()
        assert "board-uncovered" in page

    def test_notice_not_yet_started_ended_or_cancelled_does_not_count(self):
        post = PostFactory()
        AwayNoticeFactory(staff=post.holder, starts_at=NOW + dt.timedelta(minutes=1))
        AwayNoticeFactory(staff=post.holder, starts_at=NOW - dt.timedelta(hours=3))  # ended an hour ago
        AwayNoticeFactory(staff=post.holder, starts_at=NOW - dt.timedelta(minutes=5), cancelled_at=NOW)
        assert selectors.stand_in_for(post.holder) is None
        assert not selectors.board(post.department).posts[0].holder_presence.away

    def test_at_argument_is_respected(self):
        post = PostFactory()
        AwayNoticeFactory(staff=post.holder, starts_at=NOW + dt.timedelta(days=1))
        assert selectors.stand_in_for(post.holder, NOW + dt.timedelta(days=1, minutes=1)) == post.backup

    def test_current_absences(self):
        a = StaffFactory()
        b = StaffFactory(department=a.department)
        AwayNoticeFactory(staff=a)
        assert [n.staff for n in selectors.current_absences(a.department, timezone.now())] == [a]
        assert b not in [n.staff for n in selectors.current_absences(a.department)]


def test_board_query_count_does_not_grow(django_assert_max_num_queries):
    dept = DepartmentFactory()
    PostFactory(department=dept)
    with CaptureQueriesContext(connection) as few:
        selectors.board(dept)
    for _ in range(8):
        post = PostFactory(department=dept)
        AwayNoticeFactory(staff=post.holder)
    with django_assert_max_num_queries(len(few)):
        board = selectors.board(dept)
    assert len(board.posts) == 9 and board.away_count == 8
