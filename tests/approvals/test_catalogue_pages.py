"""Catalogue pages: search and facets, the guide's seven disclosures, editing, permissions, constant queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from approvals.models import Item, ItemStep
from approvals.selectors.catalogue import department_facets, search_items, topic_facets
from efficiency_portal.org.models import Role
from tests.factories import (
    DepartmentFactory,
    ItemFactory,
    StaffFactory,
    TopicFactory,
    UserFactory,
    make_head,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    market = DepartmentFactory(name="市市场监督管理局")
    section = DepartmentFactory(name="食品经营许可科", parent=market)
    building = DepartmentFactory(name="市住房和城乡建设局")
    food = TopicFactory(code="market", name="市场监管")
    works = TopicFactory(code="works", name="工程建设")
    items = {
        "food": ItemFactory(
            department=section, topic=food, code="food", name="食品经营许可", summary="餐饮服务、食品销售"
        ),
        "permit": ItemFactory(
            department=building,
            topic=works,
            code="permit",
            name="建筑工程施工许可证核发",
            conditions="已经办理该建筑工程用地批准手续",
            materials=[("建设工程规划许可证", True), ("施工图设计文件审查合格书", True)],
        ),
        "draft": ItemFactory(department=building, topic=works, code="draft", name="施工许可变更", is_published=False),
    }
    return {"market": market, "section": section, "building": building, "topic_market": food, "works": works, **items}


def codes(items) -> list[str]:
    return sorted(item.code for item in items)


def test_search_by_word_name_conditions_and_materials(city):
    assert codes(search_items("食品")) == ["food"]
    assert codes(search_items("用地批准")) == ["permit"]  # conditions
    assert codes(search_items("审查合格书")) == ["permit"]  # a material's name
    assert codes(search_items("施工 规划")) == ["permit"]  # every word must match
    assert codes(search_items("许可")) == ["food", "permit"]  # the draft stays hidden
    assert codes(search_items("不存在的事项")) == []


def test_search_by_department_includes_sections_and_by_topic(city):
    assert codes(search_items("", department=city["market"])) == ["food"]
    assert codes(search_items("", department=city["section"])) == ["food"]
    assert codes(search_items("", topic=city["works"])) == ["permit"]
    assert codes(search_items("食品", topic=city["works"])) == []


def test_facets_count_published_matches(city):
    assert sorted((f.name, f.count) for f in topic_facets("")) == [("工程建设", 1), ("市场监管", 1)]
    assert [(f.name, f.count) for f in topic_facets("食品")] == [("市场监管", 1)]
    assert [(f.pk, f.count) for f in department_facets("食品")] == [(city["section"].pk, 1)]


def test_catalogue_page_lists_and_filters(client, city):
    response = client.get(reverse("approvals:catalogue"), {"q": "施工"})
    assert response.status_code == 200
    assert [item.code for item in response.context["page"]] == ["permit"]
    assert "建筑工程施工许可证核发" in response.content.decode()
    response = client.get(reverse("approvals:catalogue"), {"topic": city["topic_market"].pk})
    assert response.status_code == 200, response.context["form"].errors
    assert [item.code for item in response.context["page"]] == ["food"]
    assert 'href="/approvals/items/food/"' in response.content.decode()


def test_catalogue_page_bad_filter_is_400_not_500(client, city):
    response = client.get(reverse("approvals:catalogue"), {"department": "abc", "topic": "999999"})
    assert response.status_code == 400
    assert "form" in response.context and response.context["form"].errors


def test_catalogue_page_query_count_is_constant(client, django_assert_max_num_queries, city):
    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("approvals:catalogue"), {"q": "许可"}).status_code == 200
        return len(context.captured_queries)

    few = count_queries()
    for n in range(25):
        ItemFactory(department=city["building"], topic=city["works"], code=f"more-{n}", name=f"许可事项{n}")
    assert count_queries() == few
    # The ranked search adds a fixed few: synonyms, term frequencies, document count, scores, published, popularity.
    with django_assert_max_num_queries(14):
        client.get(reverse("approvals:catalogue"), {"q": "许可", "page": "2"})


def test_guide_shows_the_seven_disclosures(client, city, settings):
    item = city["permit"]
    item.fee_amount = Decimal("120.00")
    item.fee_basis = "《建设工程施工许可管理办法》"
    item.fee_standard = "每件120元"
    item.window_address = "市民中心2楼"
    item.save()
    response = client.get(reverse("approvals:item_guide", args=[item.code]))
    assert response.status_code == 200
    text = response.content.decode()
    for expected in [
        item.legal_basis,  # 设定依据
        item.procedure,  # 办理流程
        item.conditions,  # 申请条件
        "建设工程规划许可证",  # materials
        "施工图设计文件审查合格书",
        "120.00",  # fee standard and basis
        "《建设工程施工许可管理办法》",
        "20",  # statutory limit
        item.complaint_channel,  # 监督投诉渠道
        "市民中心2楼",  # where to apply
        "approvals/print.",  # the print stylesheet (its name carries a hash in production)
    ]:
        assert expected in text, expected
    for step in ItemStep.objects.filter(item=item):
        assert step.name in text


def test_guide_says_free_and_hides_drafts(client, city):
    text = client.get(reverse("approvals:item_guide", args=["food"])).content.decode()
    assert "Free" in text or "免费" in text
    assert client.get(reverse("approvals:item_guide", args=["draft"])).status_code == 404
    assert client.get(reverse("approvals:item_guide", args=["nothing-here"])).status_code == 404


def test_guide_query_count_does_not_grow_with_materials(client, django_assert_max_num_queries, city):
    many = ItemFactory(code="many", materials=[(f"材料{n}", n % 2 == 0) for n in range(30)])
    with django_assert_max_num_queries(6):
        assert client.get(reverse("approvals:item_guide", args=[many.code])).status_code == 200


def login(client, user) -> None:
    client.force_login(user)


PEOPLE = ["anonymous", "citizen", "clerk_x", "head_x", "head_y", "supervisor", "administrator"]


def make_person(who: str, city) -> object | None:
    return {
        "anonymous": lambda: None,
        "citizen": lambda: UserFactory(),
        "clerk_x": lambda: StaffFactory(department=city["building"], roles=[Role.CLERK]).user,
        "head_x": lambda: make_head(city["building"]).user,
        "head_y": lambda: make_head(city["market"]).user,
        "supervisor": lambda: UserFactory(roles=[Role.SUPERVISOR]),
        "administrator": lambda: UserFactory(roles=[Role.ADMINISTRATOR]),
    }[who]()


MANAGES_BUILDING = {"head_x", "administrator"}


@pytest.mark.parametrize("who", PEOPLE)
def test_edit_pages_permission_matrix(client, city, who):
    user = make_person(who, city)
    if user is not None:
        login(client, user)
    item = city["draft"]  # of 住建局
    for name in ["approvals:item_edit", "approvals:item_materials", "approvals:item_steps"]:
        response = client.get(reverse(name, args=[item.code]))
        if user is None:
            assert response.status_code == 302 and "login" in response["Location"]
        else:
            assert response.status_code == (200 if who in MANAGES_BUILDING else 403), name
    response = client.post(reverse("approvals:item_publish", args=[item.code]), {"publish": "1"})
    assert Item.objects.get(pk=item.pk).is_published is (who in MANAGES_BUILDING)
    # Managers published it above; for the others the draft stays unseen.
    preview = client.get(reverse("approvals:item_guide", args=[item.code]))
    assert preview.status_code == (200 if who in MANAGES_BUILDING else 404)


@pytest.mark.parametrize("who", PEOPLE)
def test_manage_list_permission_matrix(client, city, who):
    user = make_person(who, city)
    if user is not None:
        login(client, user)
    response = client.get(reverse("approvals:item_manage"))
    if user is None:
        assert response.status_code == 302
        return
    expected = 200 if who in {"head_x", "head_y", "administrator"} else 403
    assert response.status_code == expected
    if expected == 200:
        text = response.content.decode()
        shows_building = "施工许可变更" in text
        assert shows_building is (who in MANAGES_BUILDING)
        assert ("食品经营许可" in text) is (who in {"head_y", "administrator"})


def test_manage_list_query_count_is_constant(client, city, django_assert_max_num_queries):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    login(client, admin)
    for n in range(20):
        ItemFactory(department=city["building"], code=f"bulk-{n}")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("approvals:item_manage")).status_code == 200


def form_data(item: Item | None, department, **overrides) -> dict:
    data = {
        "department": department.pk,
        "code": item.code if item else "new-item",
        "name": item.name if item else "排污许可证核发",
        "topic": "",
        "kind": "promised",
        "summary": "",
        "legal_basis": "《排污许可管理条例》第二条",
        "procedure": "申请 → 受理 → 审查 → 决定 → 送达",
        "conditions": "依法取得建设项目环境影响评价文件审批意见",
        "fee_amount": "0",
        "fee_standard": "",
        "fee_basis": "",
        "statutory_limit_days": "20",
        "promised_limit_days": "10",
        "complaint_channel": "12369 环保举报热线",
        "window_address": "",
        "online": "on",
        "supplement_mode": "",
    }
    return data | overrides


def test_create_and_edit_through_the_form(client, city, settings):
    head = make_head(city["building"]).user
    login(client, head)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read the English messages
    response = client.post(reverse("approvals:item_create"), form_data(None, city["building"]))
    assert response.status_code == 302
    item = Item.objects.get(code="new-item")
    assert not item.is_published and item.department == city["building"]
    response = client.post(
        reverse("approvals:item_edit", args=[item.code]), form_data(item, city["building"], promised_limit_days="30")
    )
    assert response.status_code == 400
    assert "cannot exceed the statutory limit" in str(response.context["form"].errors["promised_limit_days"])
    item.refresh_from_db()
    assert item.promised_limit_days == 10


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"promised_limit_days": "25"}, "promised_limit_days"),
        ({"fee_amount": "30"}, "fee_basis"),
        ({"fee_amount": "-3"}, "fee_amount"),
        ({"statutory_limit_days": "abc"}, "statutory_limit_days"),
        ({"kind": "instant", "promised_limit_days": "2"}, "promised_limit_days"),
        ({"code": "draft"}, "code"),  # taken
        ({"legal_basis": ""}, "legal_basis"),
    ],
)
def test_item_form_bad_input_shows_field_errors(client, city, overrides, field):
    login(client, make_head(city["building"]).user)
    response = client.post(reverse("approvals:item_create"), form_data(None, city["building"], **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Item.objects.filter(code="new-item").exists()


def test_head_cannot_create_in_another_department(client, city):
    login(client, make_head(city["building"]).user)
    response = client.post(reverse("approvals:item_create"), form_data(None, city["market"]))
    assert response.status_code == 400 and "department" in response.context["form"].errors
    assert not Item.objects.filter(code="new-item").exists()


def test_steps_page_refuses_steps_over_the_promise(client, city, settings):
    login(client, make_head(city["building"]).user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read the English messages
    item = city["draft"]  # promised 8
    url = reverse("approvals:item_steps", args=[item.code])
    data = {"steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "0"}
    data |= {"steps-0-code": "accept", "steps-0-limit_days": "3", "steps-1-code": "review", "steps-1-limit_days": "9"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "more than the promised limit of 8" in response.content.decode()
    assert ItemStep.objects.filter(item=item).count() == 4
    data["steps-1-limit_days"] = "5"
    assert client.post(url, data).status_code == 302
    assert list(ItemStep.objects.filter(item=item).values_list("code", "limit_days")) == [("accept", 3), ("review", 5)]
    data["steps-1-limit_days"] = "x"
    assert client.post(url, data).status_code == 400


def test_materials_page_adds_checks_and_removes(client, city, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, make_head(city["building"]).user)
    item = city["draft"]
    url = reverse("approvals:item_materials", args=[item.code])
    bad = SimpleUploadedFile("a.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client.post(url, {"name": "申请表", "required": "on", "sample": bad})
    assert response.status_code == 400 and "sample" in response.context["form"].errors
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert client.post(url, {"name": "申请表", "required": "on", "sample": pdf}).status_code == 302
    material = item.materials.get(name="申请表")
    assert material.sample
    delete = reverse("approvals:material_delete", args=[item.code, material.pk])
    assert client.post(delete).status_code == 302
    assert not item.materials.filter(name="申请表").exists()


def test_publish_without_disclosures_explains_what_is_missing(client, city):
    login(client, make_head(city["building"]).user)
    item = city["draft"]
    Item.objects.filter(pk=item.pk).update(complaint_channel="")
    response = client.post(reverse("approvals:item_publish", args=[item.code]), {"publish": "1"}, follow=True)
    assert not Item.objects.get(pk=item.pk).is_published
    assert "complaint channel" in response.content.decode() or "监督投诉渠道" in response.content.decode()


def test_manager_previews_a_draft(client, city):
    client.force_login(make_head(city["building"]).user)
    response = client.get(reverse("approvals:item_guide", args=["draft"]))
    assert response.status_code == 200
    assert response.context["item"].code == "draft" and not response.context["item"].is_published


def test_guide_links_to_online_application_only_for_online_items(client, city):
    text = client.get(reverse("approvals:item_guide", args=["food"])).content.decode()
    assert f'href="{reverse("approvals:apply", args=["food"])}"' in text
    Item.objects.filter(code="food").update(online=False)
    text = client.get(reverse("approvals:item_guide", args=["food"])).content.decode()
    assert reverse("approvals:apply", args=["food"]) not in text


def test_reserved_code_is_refused(client, city):
    client.force_login(make_head(city["building"]).user)
    response = client.post(reverse("approvals:item_create"), form_data(None, city["building"], code="manage"))
    assert response.status_code == 400 and "code" in response.context["form"].errors


def test_material_edit_changes_required_mark_and_refuses_others(client, city):
    item = city["draft"]
    material = item.materials.get(name="营业执照")
    url = reverse("approvals:material_edit", args=[item.code, material.pk])
    client.force_login(make_head(city["market"]).user)
    assert client.post(url, {"name": "改掉"}).status_code == 403
    client.force_login(make_head(city["building"]).user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": ""}).status_code == 400
    assert client.post(url, {"name": "营业执照副本", "description": "加盖公章"}).status_code == 302
    material.refresh_from_db()
    assert (material.name, material.description, material.required) == ("营业执照副本", "加盖公章", False)
    other = city["food"].materials.first()
    assert client.get(reverse("approvals:material_edit", args=[item.code, other.pk])).status_code == 404
