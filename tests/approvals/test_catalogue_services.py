"""Catalogue services: validation of limits, fees and steps, disclosures on publishing, permissions, audit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from approvals.models import Item, ItemKind, ItemStep
from approvals.services import catalogue as services
from approvals.services.catalogue import StepSpec
from efficiency_portal.audit.models import AuditEvent
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, ItemFactory, StaffFactory, TopicFactory, UserFactory, make_head


@pytest.fixture(autouse=True)
def _english():
    """The assertions read the English messages; the portal's default language is Chinese."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def item_values(department, **overrides):
    values = {
        "department": department,
        "code": "food-licence",
        "name": "食品经营许可",
        "topic": TopicFactory(code="scjg", name="市场监管"),
        "kind": ItemKind.PROMISED,
        "summary": "从事食品销售和餐饮服务",
        "legal_basis": "《中华人民共和国食品安全法》第三十五条",
        "procedure": "申请 → 受理 → 审查 → 决定 → 送达",
        "conditions": "有与经营食品品种、数量相适应的经营场所",
        "fee_basis": "",
        "fee_standard": "",
        "fee_amount": Decimal("0"),
        "statutory_limit_days": 20,
        "promised_limit_days": 8,
        "complaint_channel": "12345 政务服务便民热线",
        "window_address": "市民中心1楼",
        "online": True,
        "supplement_mode": "",
    }
    return values | overrides


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def head(department):
    return make_head(department).user


def test_head_creates_a_draft_and_it_is_audited(department, head):
    item = services.save_item(head, **item_values(department))
    assert item.pk and not item.is_published
    event = AuditEvent.objects.get(action="approvals.item_create")
    assert event.actor == head and event.target_id == str(item.pk)


def test_promised_over_statutory_is_refused_on_the_field(department, head):
    with pytest.raises(ValidationError) as error:
        services.save_item(head, **item_values(department, promised_limit_days=21))
    assert "promised_limit_days" in error.value.message_dict
    assert "cannot exceed the statutory limit" in error.value.message_dict["promised_limit_days"][0]
    assert not Item.objects.exists()


def test_instant_item_promises_zero_days(department, head):
    with pytest.raises(ValidationError) as error:
        services.save_item(head, **item_values(department, kind=ItemKind.INSTANT, promised_limit_days=1))
    assert "promised_limit_days" in error.value.message_dict
    item = services.save_item(
        head, **item_values(department, kind=ItemKind.INSTANT, promised_limit_days=0, statutory_limit_days=0)
    )
    assert item.promised_limit_days == 0


def test_fee_needs_basis_and_standard_and_cannot_be_negative(department, head):
    with pytest.raises(ValidationError) as error:
        services.save_item(head, **item_values(department, fee_amount=Decimal("50")))
    assert {"fee_basis", "fee_standard"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        services.save_item(head, **item_values(department, fee_amount=Decimal("-1")))
    assert "fee_amount" in error.value.message_dict
    item = services.save_item(
        head,
        **item_values(
            department, fee_amount=Decimal("50"), fee_basis="发改价格〔2017〕1186号", fee_standard="每件50元"
        ),
    )
    assert item.fee_amount == Decimal("50")


def test_steps_must_fit_in_the_promised_limit(department, head):
    item = ItemFactory(department=department, promised_limit_days=8, steps=[])
    with pytest.raises(ValidationError) as error:
        services.save_steps(head, item, [StepSpec("accept", 2), StepSpec("review", 5), StepSpec("decide", 2)])
    assert "more than the promised limit of 8" in error.value.messages[0]
    assert not ItemStep.objects.filter(item=item).exists()
    steps = services.save_steps(head, item, [StepSpec("accept", 1), StepSpec("review", 4), StepSpec("deliver", 3)])
    assert [(s.code, s.limit_days, s.sort_order) for s in steps] == [
        ("accept", 1, 0),
        ("review", 4, 1),
        ("deliver", 3, 2),
    ]
    assert AuditEvent.objects.filter(action="approvals.steps_update").count() == 1


def test_repeated_or_unknown_steps_are_refused(department, head):
    item = ItemFactory(department=department, steps=[])
    with pytest.raises(ValidationError):
        services.save_steps(head, item, [StepSpec("accept", 1), StepSpec("accept", 1)])
    with pytest.raises(ValidationError):
        services.save_steps(head, item, [StepSpec("approve", 1)])


def test_lowering_the_promise_below_the_steps_is_refused(department, head):
    item = ItemFactory(department=department)  # steps take 2 + 3 + 2 + 1 = 8 days
    with pytest.raises(ValidationError) as error:
        services.save_item(head, item=item, promised_limit_days=5)
    assert "steps already take 8" in error.value.message_dict["promised_limit_days"][0]
    item.refresh_from_db()
    assert item.promised_limit_days == 8


def test_publish_requires_every_disclosure(department, head):
    item = ItemFactory(department=department, is_published=False, legal_basis="", complaint_channel="", materials=[])
    with pytest.raises(ValidationError) as error:
        services.publish_item(head, item)
    assert {"legal_basis", "complaint_channel", "materials"} <= set(error.value.message_dict)
    item.refresh_from_db()
    assert not item.is_published
    assert not AuditEvent.objects.filter(action="approvals.item_publish").exists()


def test_publish_and_unpublish_are_conditional_and_audited(department, head):
    item = ItemFactory(department=department, is_published=False)
    assert services.publish_item(head, item).is_published
    services.publish_item(head, item)  # a second click changes nothing
    assert AuditEvent.objects.filter(action="approvals.item_publish").count() == 1
    assert not services.publish_item(head, item, publish=False).is_published
    assert AuditEvent.objects.filter(action="approvals.item_unpublish").count() == 1


def test_material_sample_is_checked_by_content(department, head, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    item = ItemFactory(department=department, materials=[])
    pdf = SimpleUploadedFile("样表.pdf", PDF, content_type="application/pdf")
    material = services.save_material(head, item, name="食品经营许可申请书", sample=pdf)
    assert material.sample.name.endswith(".pdf") and material.required
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.save_material(head, item, name="伪装文件", sample=fake)
    assert "sample" in error.value.message_dict
    assert list(item.materials.values_list("name", flat=True)) == ["食品经营许可申请书"]
    with pytest.raises(ValidationError):
        services.save_material(head, item, name="  ")


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("head", True),
        ("head_of_parent", True),
        ("head_of_other", False),
        ("clerk", False),
        ("supervisor", False),
        ("administrator", True),
        ("citizen", False),
        ("anonymous", False),
    ],
)
def test_who_may_manage_an_item(who, allowed):
    from django.contrib.auth.models import AnonymousUser

    parent = DepartmentFactory()
    department = DepartmentFactory(parent=parent)
    item = ItemFactory(department=department, is_published=False)
    users = {
        "head": lambda: make_head(department).user,
        "head_of_parent": lambda: make_head(parent).user,
        "head_of_other": lambda: make_head(DepartmentFactory()).user,
        "clerk": lambda: StaffFactory(department=department, roles=[Role.CLERK]).user,
        "supervisor": lambda: UserFactory(roles=[Role.SUPERVISOR]),
        "administrator": lambda: UserFactory(roles=[Role.ADMINISTRATOR]),
        "citizen": lambda: UserFactory(),
        "anonymous": AnonymousUser,
    }
    user = users[who]()
    if allowed:
        services.publish_item(user, item)
        assert Item.objects.get(pk=item.pk).is_published
    else:
        with pytest.raises(PermissionDenied):
            services.publish_item(user, item)
        with pytest.raises(PermissionDenied):
            services.save_item(user, item=item, name="改名")
        assert Item.objects.get(pk=item.pk).name == item.name
