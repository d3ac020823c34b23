"""Shared factory-boy factories. Each area adds its own factories below its own heading."""

from __future__ import annotations

import datetime as dt
import functools

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from efficiency_portal.accounts.models import User
from efficiency_portal.org.models import AwayNotice, Department, Post, Role, Staff
from efficiency_portal.org.roles import ROLE_CACHE_ATTR

TEST_PASSWORD = "Test!pass-2026"


def hashed_test_password() -> str:
    # Hashed once per hasher: a test that switches PASSWORD_HASHERS must not get a hash its successors cannot check.
    return _hashed_with(settings.PASSWORD_HASHERS[0])


@functools.cache
def _hashed_with(hasher: str) -> str:
    return make_password(TEST_PASSWORD)


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

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs) -> None:
        # TEST_PASSWORD is hashed once per run: hashing for every user made suites with many users slow.
        self.password = make_password(extracted) if extracted else hashed_test_password()

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
    # Forget what an earlier check cached about whom this user heads.
    staff.user.__dict__.pop("_org_headed_department_ids", None)
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


# --- Notifications ---------------------------------------------------------------------------------------------


def mobile_number(n: int) -> str:
    """A valid, unique mainland mobile number for test users (the phone column is unique)."""
    return f"139{n:08d}"


class ReachableUserFactory(UserFactory):
    """A user with both an e-mail address and a mobile phone, so notifications reach every channel."""

    username = factory.Sequence(lambda n: f"reachable{n}")
    phone = factory.Sequence(mobile_number)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notifications.Notification"

    recipient = factory.SubFactory(UserFactory)
    kind = "test"
    title = factory.Sequence(lambda n: f"测试通知{n}")
    body = "请及时处理。"
    link = "/"
    urgent = False
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")


# --- Deadlines (supervision) -----------------------------------------------------------------------------------


def seed_calendar(*years: int) -> None:
    """Load ``years`` of the official schedule from chinesecalendar into the calendar tables."""
    import chinese_calendar

    from efficiency_portal.workdays.calendar import invalidate_calendar
    from efficiency_portal.workdays.models import CalendarYear, SpecialDay

    for year in years:
        day = dt.date(year, 1, 1)
        while day.year == year:
            holiday, name = chinese_calendar.get_holiday_detail(day)
            weekend = day.weekday() >= 5
            if holiday and not weekend:
                SpecialDay.objects.update_or_create(
                    date=day, defaults={"kind": SpecialDay.Kind.HOLIDAY, "name": name or ""}
                )
            elif weekend and not holiday:
                SpecialDay.objects.update_or_create(
                    date=day, defaults={"kind": SpecialDay.Kind.WORKDAY, "name": name or ""}
                )
            day += dt.timedelta(days=1)
        CalendarYear.objects.get_or_create(year=year, defaults={"source": CalendarYear.Source.PACKAGE})
    invalidate_calendar()


_deadline_kinds = iter(range(1, 10**9))


def make_deadline(
    *,
    responsible=None,
    department=None,
    started_at: dt.datetime | None = None,
    limit_days: int = 5,
    title: str | None = None,
    kind: str | None = None,
    subject=None,
    yellow_days: int | None = None,
):
    """A deadline opened through the service (so due and yellow moments are computed as in production)."""
    from efficiency_portal.supervision.services import open_deadline

    if responsible is None:
        responsible = StaffFactory(department=department or DepartmentFactory()).user
    if department is None:
        department = responsible.staff.department if hasattr(responsible, "staff") else DepartmentFactory()
    number = next(_deadline_kinds)
    return open_deadline(
        subject if subject is not None else department,
        kind=kind or f"test{number}",
        title=title or f"测试事项{number}",
        department=department,
        responsible=responsible,
        started_at=started_at or timezone.now(),
        limit_days=limit_days,
        yellow_days=yellow_days,
    )


# --- People and access, audit log (accounts, audit) ------------------------------------------------------------


def credit_code(n: int) -> str:
    """A valid unified social credit code (GB 32100-2015), different for each ``n``."""
    from efficiency_portal.accounts.validators import credit_code_check_character

    first17 = f"91350100{n:09d}"
    return first17 + credit_code_check_character(first17)


class EnterpriseUserFactory(UserFactory):
    """An enterprise user with its name and a valid credit code."""

    username = factory.Sequence(lambda n: f"enterprise{n}")
    kind = User.Kind.ENTERPRISE
    enterprise_name = factory.Sequence(lambda n: f"测试科技有限公司{n}")
    credit_code = factory.Sequence(credit_code)


class AuditEventFactory(factory.django.DjangoModelFactory):
    """An audit event written directly (the rows are append-only: build them with the values they must have)."""

    class Meta:
        model = "audit.AuditEvent"

    actor = factory.SubFactory(UserFactory)
    actor_label = factory.LazyAttribute(lambda o: o.actor.get_username() if o.actor else "")
    action = "test.action"
    result = "success"
    detail = factory.LazyFunction(dict)


# --- Working-day calendar (workdays) ---------------------------------------------------------------------------


class CalendarYearFactory(factory.django.DjangoModelFactory):
    """A calendar year row written directly (tests of the services go through ``workdays.services``)."""

    class Meta:
        model = "workdays.CalendarYear"
        django_get_or_create = ("year",)

    year = 2030
    source = "manual"


class SpecialDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workdays.SpecialDay"
        django_get_or_create = ("date",)

    date = dt.date(2030, 1, 1)
    kind = "holiday"
    name = "元旦"


def ensure_official_calendar() -> None:
    """Every year of the chinesecalendar package in the calendar tables, as the seeding migration leaves them
    (transactional tests empty the tables, so tests that need the full calendar call this)."""
    from efficiency_portal.workdays import official
    from efficiency_portal.workdays.calendar import invalidate_calendar
    from efficiency_portal.workdays.models import CalendarYear, SpecialDay

    present = set(CalendarYear.objects.values_list("year", flat=True))
    missing = [year for year in official.package_years() if year not in present]
    CalendarYear.objects.bulk_create(CalendarYear(year=year, source="chinesecalendar") for year in missing)
    SpecialDay.objects.bulk_create(
        SpecialDay(date=day.date, kind=day.kind, name=day.name)
        for year in missing
        for day in official.package_schedule(year)
    )
    invalidate_calendar()


# --- Approvals (catalogue and cases) -----------------------------------------------------------------------------


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "approvals.Topic"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"主题{n}")


class ItemFactory(factory.django.DjangoModelFactory):
    """A published 承诺件 with two materials (one optional) and the four default steps (2 + 3 + 2 + 1 days)."""

    class Meta:
        model = "approvals.Item"
        skip_postgeneration_save = True

    department = factory.SubFactory(DepartmentFactory)
    code = factory.Sequence(lambda n: f"item-{n}")
    name = factory.Sequence(lambda n: f"食品经营许可{n}")
    kind = "promised"
    legal_basis = "《中华人民共和国食品安全法》第三十五条"
    procedure = "申请 → 受理 → 审查 → 决定 → 送达"
    conditions = "有与经营食品品种、数量相适应的经营场所"
    fee_standard = "不收费"
    statutory_limit_days = 20
    promised_limit_days = 8
    complaint_channel = "12345 政务服务便民热线"
    is_published = True

    @factory.post_generation
    def materials(self, create, extracted, **kwargs):
        if not create:
            return
        from approvals.models import ItemMaterial

        specs = extracted if extracted is not None else [("营业执照", True), ("经营场所平面图", False)]
        for order, (name, required) in enumerate(specs):
            ItemMaterial.objects.create(item=self, name=name, required=required, sort_order=order)

    @factory.post_generation
    def steps(self, create, extracted, **kwargs):
        if not create:
            return
        from approvals.models import ItemStep, StepCode

        specs = extracted if extracted is not None else [("accept", 2), ("review", 3), ("decide", 2), ("deliver", 1)]
        for order, (code, days) in enumerate(specs):
            ItemStep.objects.create(
                item=self, code=code, name=str(StepCode(code).label), limit_days=days, sort_order=order
            )

    @factory.post_generation
    def indexed(self, create, extracted, **kwargs):
        # Written past the catalogue service, so indexed the way the service would (after the materials).
        if create:
            from approvals.services.catalogue import index_items

            index_items([self.pk])


# --- Approvals: processing ---------------------------------------------------------------------------------------

_case_numbers = iter(range(1, 10**9))


def make_accepted_case(
    item=None,
    *,
    accepted_at: dt.datetime | None = None,
    clerk=None,
    applicant=None,
    status: str = "accepted",
):
    """A case accepted at ``accepted_at`` as pre-review leaves it: case clock running, steps made, accept step done."""
    from approvals.models import Case, CaseStep, StepStatus
    from approvals.services.common import CASE_CLOCK
    from efficiency_portal.supervision.services import open_deadline

    item = item or ItemFactory()
    accepted_at = accepted_at or timezone.now()
    clerk = clerk or StaffFactory(department=item.department, roles=[Role.CLERK])
    number = next(_case_numbers)
    case = Case.objects.create(
        item=item,
        department=item.department,
        tracking_code=f"P{number:08d}",
        tracking_secret_hash="x",
        applicant=applicant,
        applicant_name="李明",
        applicant_phone="13800000000",
        submitted_at=accepted_at,
        materials_complete_at=accepted_at,
        accepted_at=accepted_at,
        first_receiver=clerk.user,
        handler=clerk.user,
        status=status,
    )
    for step in item.steps.order_by("sort_order"):
        done = step.code == "accept"
        CaseStep.objects.create(
            case=case,
            step=step,
            status=StepStatus.DONE if done else StepStatus.WAITING,
            handler=clerk.user if done else None,
            started_at=accepted_at if done else None,
            finished_at=accepted_at if done else None,
        )
    open_deadline(
        case,
        kind=CASE_CLOCK,
        title=f"{case.tracking_code} {item.name}",
        department=item.department,
        responsible=clerk.user,
        started_at=accepted_at,
        limit_days=item.promised_limit_days,
    )
    return case


# --- Approvals: intake -------------------------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name: str = "材料.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def make_intake_desk(item, **staff_kwargs):
    """The item's department with an intake post (综合受理岗): returns (clerk A, clerk B)."""
    clerk = StaffFactory(department=item.department, roles=[Role.CLERK], **staff_kwargs)
    backup = StaffFactory(department=item.department, roles=[Role.CLERK])
    PostFactory(department=item.department, name="综合受理岗", holder=clerk, backup=backup)
    return clerk, backup


def submit_online(item, *, applicant=None, at=None, files=None, phone: str = "13912345678", **kwargs):
    """An online application through the intake service with every required material; returns (case, secret)."""
    from approvals.services.intake import submit_application

    if files is None:
        files = {m.pk: [pdf_upload(f"{m.name}.pdf")] for m in item.materials.filter(required=True)}
    return submit_application(
        item,
        applicant=applicant,
        applicant_name=kwargs.pop("applicant_name", "王芳"),
        applicant_phone=phone,
        files=files,
        at=at,
        **kwargs,
    )
