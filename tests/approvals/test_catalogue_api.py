"""Catalogue API: public search and detail, changes through the services with 400 field errors, permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from approvals.models import Item, ItemStep
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, ItemFactory, StaffFactory, TopicFactory, UserFactory, make_head

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    works = DepartmentFactory(name="市住房和城乡建设局")
    market = DepartmentFactory(name="市市场监督管理局")
    topic = TopicFactory(code="works", name="工程建设")
    ItemFactory(department=works, topic=topic, code="permit", name="建筑工程施工许可证核发")
    ItemFactory(department=market, code="food", name="食品经营许可")
    ItemFactory(department=works, code="hidden", name="施工许可草稿", is_published=False)
    return {"works": works, "market": market, "topic": topic}


def codes(response) -> list[str]:
    return sorted(row["code"] for row in response.json()["results"])


def test_public_list_filters(client, city):
    url = reverse("approvals_api:item_list")
    assert codes(client.get(url)) == ["food", "permit"]
    assert codes(client.get(url, {"q": "施工"})) == ["permit"]
    assert codes(client.get(url, {"department": city["market"].pk})) == ["food"]
    assert codes(client.get(url, {"topic": city["topic"].pk})) == ["permit"]


def test_public_list_bad_filters_are_400(client, city):
    response = client.get(reverse("approvals_api:item_list"), {"department": "x", "topic": "0"})
    assert response.status_code == 400
    assert {"department", "topic"} <= set(response.json())


def test_list_query_count_is_constant(client, city, django_assert_max_num_queries):
    for n in range(30):
        ItemFactory(department=city["works"], code=f"bulk-{n}")
    with django_assert_max_num_queries(4):
        assert client.get(reverse("approvals_api:item_list")).status_code == 200


def test_detail_has_materials_and_steps_and_hides_drafts(client, city):
    data = client.get(reverse("approvals_api:item_detail", args=["permit"])).json()
    assert [m["name"] for m in data["materials"]] == ["营业执照", "经营场所平面图"]
    assert [(s["code"], s["limit_days"]) for s in data["steps"]] == [
        ("accept", 2),
        ("review", 3),
        ("decide", 2),
        ("deliver", 1),
    ]
    assert data["legal_basis"] and data["complaint_channel"]
    assert client.get(reverse("approvals_api:item_detail", args=["hidden"])).status_code == 404


def new_item(department, **overrides) -> dict:
    return {
        "department": department.pk,
        "code": "pollution",
        "name": "排污许可证核发",
        "kind": "promised",
        "legal_basis": "《排污许可管理条例》",
        "procedure": "申请 → 受理 → 审查 → 决定 → 送达",
        "conditions": "依法取得环评批复",
        "statutory_limit_days": 20,
        "promised_limit_days": 10,
        "complaint_channel": "12369",
    } | overrides


def test_head_creates_patches_sets_steps_and_publishes(client, city):
    client.force_login(make_head(city["works"]).user)
    response = client.post(reverse("approvals_api:item_list"), new_item(city["works"]), content_type="application/json")
    assert response.status_code == 201, response.content
    assert Item.objects.get(code="pollution").is_published is False
    detail = reverse("approvals_api:item_detail", args=["pollution"])
    response = client.patch(detail, {"promised_limit_days": 6}, content_type="application/json")
    assert response.status_code == 200 and response.json()["promised_limit_days"] == 6
    steps = reverse("approvals_api:item_steps", args=["pollution"])
    body = {"steps": [{"code": "accept", "limit_days": 1}, {"code": "review", "limit_days": 6}]}
    response = client.put(steps, body, content_type="application/json")
    assert response.status_code == 400 and "steps" in response.json()
    body["steps"][1]["limit_days"] = 5
    assert client.put(steps, body, content_type="application/json").status_code == 200
    assert ItemStep.objects.filter(item__code="pollution").count() == 2
    publish = reverse("approvals_api:item_publish", args=["pollution"])
    response = client.post(publish, {"published": True}, content_type="application/json")
    assert response.status_code == 400 and "materials" in response.json()  # no material yet
    Item.objects.get(code="pollution").materials.create(name="排污许可证申请表")
    response = client.post(publish, {"published": True}, content_type="application/json")
    assert response.status_code == 200 and response.json()["is_published"] is True


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"promised_limit_days": 30}, "promised_limit_days"),
        ({"fee_amount": "20.00"}, "fee_basis"),
        ({"fee_amount": "-1"}, "fee_amount"),
        ({"statutory_limit_days": "many"}, "statutory_limit_days"),
        ({"kind": "sometimes"}, "kind"),
        ({"code": "permit"}, "code"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_400_with_field_errors(client, city, overrides, field):
    client.force_login(make_head(city["works"]).user)
    response = client.post(
        reverse("approvals_api:item_list"), new_item(city["works"], **overrides), content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Item.objects.filter(code="pollution").exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 403),
        ("citizen", 403),
        ("clerk", 403),
        ("head_other", 403),
        ("supervisor", 403),
        ("head", 200),
        ("administrator", 200),
    ],
)
def test_patch_permission_matrix(client, city, who, expected):
    people = {
        "citizen": lambda: UserFactory(),
        "clerk": lambda: StaffFactory(department=city["works"], roles=[Role.CLERK]).user,
        "head_other": lambda: make_head(city["market"]).user,
        "supervisor": lambda: UserFactory(roles=[Role.SUPERVISOR]),
        "head": lambda: make_head(city["works"]).user,
        "administrator": lambda: UserFactory(roles=[Role.ADMINISTRATOR]),
    }
    if who != "anonymous":
        client.force_login(people[who]())
    url = reverse("approvals_api:item_detail", args=["permit"])
    response = client.patch(url, {"name": "改名"}, content_type="application/json")
    assert response.status_code == expected
    assert (Item.objects.get(code="permit").name == "改名") is (expected == 200)
    create = client.post(reverse("approvals_api:item_list"), new_item(city["works"]), content_type="application/json")
    assert create.status_code == (201 if expected == 200 else 403)


def test_materials_added_with_checked_samples_and_removed(client, city, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    url = reverse("approvals_api:item_materials", args=["permit"])
    client.force_login(make_head(city["market"]).user)
    assert client.post(url, {"name": "申请表"}).status_code == 403
    client.force_login(make_head(city["works"]).user)
    fake = SimpleUploadedFile("form.pdf", b"#!/bin/sh\necho hi\n", content_type="application/pdf")
    response = client.post(url, {"name": "申请表", "sample": fake})
    assert response.status_code == 400 and "sample" in response.json()
    assert client.post(url, {"name": ""}).status_code == 400
    pdf = SimpleUploadedFile("form.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post(url, {"name": "申请表", "required": "false", "sample": pdf})
    assert response.status_code == 201, response.content
    material = Item.objects.get(code="permit").materials.get(name="申请表")
    assert material.required is False and material.sample
    detail = reverse("approvals_api:item_material_detail", args=["permit", material.pk])
    assert client.delete(detail).status_code == 204
    assert not Item.objects.get(code="permit").materials.filter(name="申请表").exists()
    client.force_login(UserFactory())
    other = Item.objects.get(code="permit").materials.first()
    assert client.delete(reverse("approvals_api:item_material_detail", args=["permit", other.pk])).status_code == 403
