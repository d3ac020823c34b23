from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from efficiency_portal.org import selectors
from efficiency_portal.org.demo import DEMO_PASSWORD
from efficiency_portal.org.models import AwayNotice, AwayNoticeEvent, Department, Post, Role, Staff
from efficiency_portal.org.roles import has_role

pytestmark = pytest.mark.django_db

MODELS = (Department, Staff, Post, AwayNotice, AwayNoticeEvent, Group)


@pytest.fixture(autouse=True)
def _few_demo_cases(monkeypatch):
    """The whole demo command runs here; a few cases per state prove it as well as two thousand would."""
    monkeypatch.setattr("approvals.demo_cases.SCALE", 0.001)


def counts() -> dict[str, int]:
    result = {model.__name__: model.objects.count() for model in MODELS}
    result["User"] = get_user_model().objects.count()
    result["memberships"] = get_user_model().groups.through.objects.count()
    try:
        from efficiency_portal.audit.models import AuditEvent
    except ImportError:
        pass
    else:
        result["audit"] = AuditEvent.objects.filter(action__startswith="org.").count()
    return result


@pytest.fixture
def seeded():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_twice_creates_nothing_twice(seeded):
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert first["Department"] >= 15 and first["Staff"] >= 30


def test_city_is_realistic(seeded):
    names = set(Department.objects.values_list("name", flat=True))
    for name in ("市发展和改革委员会", "市市场监督管理局", "市机关效能建设办公室", "市公安局出入境管理支队"):
        assert name in names
    assert Department.objects.filter(kind=Department.Kind.WINDOW).count() >= 3
    assert not Department.objects.filter(head__isnull=True).exists()
    assert not Department.objects.filter(leader_in_charge__isnull=True).exists()
    for department in Department.objects.all():
        assert 2 <= department.staff.count() <= 6, department
        assert department.posts.exists(), department


def test_every_post_names_its_b(seeded):
    posts = Post.objects.all()
    assert posts.exists()
    assert not posts.filter(backup__isnull=True).exists()
    assert not posts.filter(backup=F("holder")).exists()


def test_away_notices_now_and_in_the_past(seeded):
    assert selectors.active_notices().count() >= 3
    assert AwayNotice.objects.filter(ends_at__lt=timezone.now()).exists()
    uncovered = [item for d in Department.objects.all() for item in selectors.board(d).posts if item.uncovered]
    assert uncovered, "the demo shows a post where nobody stands in"


def test_logins_and_roles(seeded, client):
    users = get_user_model().objects
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    supervisor = users.get(username="supervisor")
    assert has_role(supervisor, Role.SUPERVISOR) and supervisor.check_password(DEMO_PASSWORD)
    assert "admin" in seeded and "supervisor" in seeded and DEMO_PASSWORD in seeded
    for staff in Staff.objects.select_related("user"):
        assert staff.user.username.isascii() and staff.user.username.isalnum()
    head = Department.objects.get(code="scjgj-djk").head
    assert has_role(head.user, Role.DEPARTMENT_HEAD)
    response = client.post("/accounts/login/", {"username": head.user.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_role_groups_exist_with_permissions(db):
    for role in Role.values:
        group = Group.objects.get(name=role)
        assert group.permissions.filter(codename="view_department").exists()
    assert Group.objects.get(name="administrator").permissions.filter(codename="change_post").exists()
    assert not Group.objects.get(name="clerk").permissions.filter(codename="change_post").exists()


def test_every_demo_clock_watches_a_real_thing_of_its_kind(seeded):
    """The command centre counts clocks by kind and links them to their subject: a case clock must watch a case, a
    task clock a task, and every subject must exist."""
    from django.contrib.contenttypes.models import ContentType

    from efficiency_portal.supervision.models import Deadline

    expected = {"case": ("approvals", "case"), "task": ("supervised_tasks", "task")}
    kinds = Deadline.objects.values_list("kind", "content_type_id", "object_id")
    assert kinds.exists()
    for kind, content_type_id, object_id in kinds:
        content_type = ContentType.objects.get_for_id(content_type_id)
        if kind in expected:
            assert (content_type.app_label, content_type.model) == expected[kind], kind
        assert content_type.model_class().objects.filter(pk=object_id).exists(), (kind, object_id)
