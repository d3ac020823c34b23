"""Shared factory-boy factories. Each area adds its own factories below its own heading."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from efficiency_portal.accounts.models import User
from efficiency_portal.org.models import AwayNotice, Department, Post, Role, Staff
from efficiency_portal.org.roles import ROLE_CACHE_ATTR

TEST_PASSWORD = "Test!pass-2026"

# --- Organisation and people (org) -----------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """A citizen by default; ``StaffFactory`` makes staff users."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    kind = User.Kind.CITIZEN
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted, **kwargs) -> None:
        # Usage: UserFactory(roles=[Role.SUPERVISOR])
        if extracted:
            with_roles(self, *extracted)
        if create:
            self.save()


class CitizenFactory(UserFactory):
    kind = User.Kind.CITIZEN


def role_group(role: str) -> Group:
    """The group of ``role`` (created by migration org.0002_roles; get_or_create keeps factories standalone)."""
    group, _created = Group.objects.get_or_create(name=str(role))
    return group


def with_roles(user: User, *roles: str) -> User:
    """Put ``user`` in the groups of ``roles`` and forget the cached roles, so checks see the new ones."""
    for role in roles:
        user.groups.add(role_group(role))
    if hasattr(user, ROLE_CACHE_ATTR):
        delattr(user, ROLE_CACHE_ATTR)
    return user


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"市测试局{n}")
    code = factory.Sequence(lambda n: f"dept-{n}")
    kind = Department.Kind.DEPARTMENT
    parent = None
    phone = "0571-88000000"
    sort_order = factory.Sequence(lambda n: n)


class AgencyFactory(DepartmentFactory):
    kind = Department.Kind.AGENCY
    name = factory.Sequence(lambda n: f"市人民政府{n}")
    code = factory.Sequence(lambda n: f"agency-{n}")


class WindowFactory(DepartmentFactory):
    kind = Department.Kind.WINDOW
    name = factory.Sequence(lambda n: f"综合服务窗口{n}")
    code = factory.Sequence(lambda n: f"window-{n}")
    parent = factory.SubFactory(DepartmentFactory)


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff member with a staff user. ``StaffFactory(roles=[Role.CLERK])`` also puts the user in groups."""

    class Meta:
        model = Staff
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, kind=User.Kind.STAFF, username=factory.Sequence(lambda n: f"staff{n}"))
    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"工作人员{n}")
    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    title = "科员"
    phone = factory.Sequence(lambda n: f"0571-8{n:07d}")

    @factory.post_generation
    def roles(self, create: bool, extracted, **kwargs) -> None:
        if extracted:
            with_roles(self.user, *extracted)


def make_head(department: Department, **kwargs) -> Staff:
    """A department head (审核人) of ``department``: sets Department.head and the role group."""
    staff = StaffFactory(department=department, title="科长", roles=[Role.DEPARTMENT_HEAD], **kwargs)
    department.head = staff
    department.save(update_fields=["head"])
    return staff


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"岗位{n}")
    duties = "受理、审查"
    holder = factory.SubFactory(StaffFactory, department=factory.SelfAttribute("..department"))
    backup = factory.SubFactory(StaffFactory, department=factory.SelfAttribute("..department"))


class AwayNoticeFactory(factory.django.DjangoModelFactory):
    """An away notice running from now for two hours unless told otherwise."""

    class Meta:
        model = AwayNotice

    staff = factory.SubFactory(StaffFactory)
    reason = AwayNotice.Reason.MEETING
    destination = "市政府三楼会议室"
    note = ""
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=5))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    created_by = factory.SelfAttribute("staff.user")
