"""The demo organisation: a realistic city, A/B posts, away notices, logins and roles, clocks on real subjects."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from efficiency_portal.org import selectors
from efficiency_portal.org.demo import DEMO_PASSWORD
from efficiency_portal.org.models import AwayNotice, Department, Post, Role, Staff
from efficiency_portal.org.roles import has_role
from efficiency_portal.supervision.models import Deadline


def test_city_is_realistic():
    names = set(Department.objects.values_list("name", flat=True))
    for name in ("市发展和改革委员会", "市市场监督管理局", "市机关效能建设办公室", "市公安局出入境管理支队"):
        assert name in names
    assert Department.objects.filter(kind=Department.Kind.WINDOW).count() >= 3
    assert not Department.objects.filter(head__isnull=True).exists()
    assert not Department.objects.filter(leader_in_charge__isnull=True).exists()
    for department in Department.objects.all():
        assert 2 <= department.staff.count() <= 6, department
        assert department.posts.exists(), department
    assert Department.objects.count() >= 15 and Staff.objects.count() >= 30


def test_every_post_names_its_b():
    posts = Post.objects.all()
    assert posts.exists()
    assert not posts.filter(backup__isnull=True).exists()
    assert not posts.filter(backup=F("holder")).exists()


def test_away_notices_now_and_in_the_past():
    assert selectors.active_notices().count() >= 3
    assert AwayNotice.objects.filter(ends_at__lt=timezone.now()).exists()
    uncovered = [item for d in Department.objects.all() for item in selectors.board(d).posts if item.uncovered]
    assert uncovered, "the demo shows a post where nobody stands in"


def test_logins_and_roles(demo_city, client):
    users = get_user_model().objects
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    supervisor = users.get(username="supervisor")
    assert has_role(supervisor, Role.SUPERVISOR) and supervisor.check_password(DEMO_PASSWORD)
    assert "admin" in demo_city and "supervisor" in demo_city and DEMO_PASSWORD in demo_city
    for staff in Staff.objects.select_related("user"):
        assert staff.user.username.isascii() and staff.user.username.isalnum()
    head = Department.objects.get(code="scjgj-djk").head
    assert has_role(head.user, Role.DEPARTMENT_HEAD)
    response = client.post("/accounts/login/", {"username": head.user.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_every_demo_clock_watches_a_real_thing_of_its_kind():
    """The command centre counts clocks by kind and links them to their subject: a case clock must watch a case, a
    task clock a task, and every subject must exist."""
    expected = {"case": ("approvals", "case"), "task": ("supervised_tasks", "task")}
    kinds = Deadline.objects.values_list("kind", "content_type_id", "object_id")
    assert kinds.exists()
    for kind, content_type_id, object_id in kinds:
        content_type = ContentType.objects.get_for_id(content_type_id)
        if kind in expected:
            assert (content_type.app_label, content_type.model) == expected[kind], kind
        assert content_type.model_class().objects.filter(pk=object_id).exists(), (kind, object_id)
