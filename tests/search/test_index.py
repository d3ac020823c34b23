"""The search index: segmentation, weights and idf, synonyms, suggestions, the synonym list's service and admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from efficiency_portal.audit.models import AuditEvent
from efficiency_portal.search import selectors, services
from efficiency_portal.search.models import IndexedTerm, Synonym
from efficiency_portal.search.text import normalise, terms
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SCOPE = "test.doc"


def test_terms_cut_chinese_and_drop_how_people_ask():
    found = terms("我想办理营业执照，需要什么材料？")
    assert "营业执照" in found and "营业" in found and "执照" in found
    assert not {"我想", "办理", "需要", "材料", "什么"} & set(found)
    assert terms("") == [] and terms("   ，。！") == []


def test_normalise_folds_width_and_case():
    assert normalise("ＡＢＣ１２３　营业") == "abc123 营业"
    assert normalise("a-b/c") == "a b c"


def index(documents: dict[int, list[tuple[str, float]]]) -> None:
    services.index_documents(SCOPE, documents.items())


def ids(query: str, synonyms=()) -> list[int]:
    return [hit.object_id for hit in selectors.rank(SCOPE, selectors.plan(query, synonyms))]


def test_a_word_in_the_name_outweighs_the_same_word_in_a_material():
    index({1: [("食品经营许可", 10), ("营业执照", 1)], 2: [("企业设立登记", 10), ("申请书", 1)], 3: [("营业执照", 10)]})
    assert ids("营业执照") == [3, 1]


def test_a_word_every_document_has_counts_little():
    index({1: [("公司 申请", 10)], 2: [("护照 申请", 10)], 3: [("护照 签发", 1), ("申请", 10)]})
    # 护照 is rarer than 申请, so document 2 (both words, 护照 in its name) leads, then 3 (护照 only weakly).
    assert ids("护照申请")[0] == 2


def test_matching_more_of_the_typed_words_ranks_higher():
    index({1: [("企业变更登记", 10)], 2: [("企业设立登记", 10)]})
    assert ids("企业变更")[0] == 1


def test_synonyms_widen_the_query_by_substring():
    index({1: [("最低生活保障审核确认", 10)], 2: [("社会保险参保登记", 10)]})
    assert ids("低保怎么申请") == []
    assert ids("低保怎么申请", [("低保", "最低生活保障")]) == [1]
    query_plan = selectors.plan("我要办低保", [("低保", "最低生活保障"), ("社保", "社会保险")])
    assert query_plan.synonyms == ("低保",)


def test_reindexing_replaces_the_words_and_removal_forgets_them():
    index({1: [("食品经营许可", 10)]})
    services.index_document(SCOPE, 1, [("护照签发", 10)])
    assert ids("食品") == [] and ids("护照") == [1]
    services.remove_documents(SCOPE, [1])
    assert not IndexedTerm.objects.filter(scope=SCOPE).exists()


def test_scopes_do_not_mix():
    index({1: [("护照签发", 10)]})
    services.index_documents("other", [(1, [("食品经营许可", 10)])])
    assert ids("食品") == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("低报", "低保"), ("营业只照", "营业执照"), ("护造", "护照"), ("结昏登记", "结婚登记"), ("开公思", "开公司")],
)
def test_suggestion_by_sound_and_characters(typed, expected):
    vocabulary = ["低保", "营业执照", "护照", "结婚", "登记", "开公司", "企业设立登记", "普通护照签发"]
    assert selectors.suggest(selectors.plan(typed, []), vocabulary) == expected


def test_no_suggestion_for_what_is_far_or_already_known():
    vocabulary = ["低保", "营业执照"]
    assert selectors.suggest(selectors.plan("天气预报", []), vocabulary) == ""
    assert selectors.suggest(selectors.plan("营业执照", []), vocabulary) == ""
    assert selectors.suggest(selectors.plan("x", []), vocabulary) == ""


def test_save_synonym_normalises_checks_and_audits():
    admin = UserFactory(is_superuser=True)
    synonym = services.save_synonym(admin, phrase=" 开 网 店 ", expansion="食品经营许可，餐饮服务、食品销售")
    assert synonym.phrase == "开网店"
    assert synonym.expansion == "食品经营许可 餐饮服务 食品销售"
    assert AuditEvent.objects.filter(action="search.synonym_save").exists()
    with pytest.raises(ValidationError) as error:
        services.save_synonym(admin, phrase="开网店", expansion="食品")
    assert "phrase" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.save_synonym(admin, phrase="", expansion="证 照")
    assert {"phrase", "expansion"} <= set(error.value.message_dict)


def test_default_list_is_loaded_by_the_migration():
    assert Synonym.objects.filter(phrase="开公司", expansion__contains="企业设立登记").exists()
    assert Synonym.objects.count() >= 50


def test_administrator_edits_the_list_in_the_admin(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("admin:search_synonym_add")
    response = client.post(url, {"phrase": "开淘宝店", "expansion": "个体工商户设立登记", "is_active": "on"})
    assert response.status_code == 302
    assert Synonym.objects.get(phrase="开淘宝店").updated_by == admin
    response = client.post(url, {"phrase": "开淘宝店", "expansion": "x"})
    assert response.status_code == 200 and Synonym.objects.filter(phrase="开淘宝店").count() == 1


def test_reindex_command_rebuilds_the_catalogue(capsys):
    from tests.factories import ItemFactory

    item = ItemFactory(name="普通护照签发")
    IndexedTerm.objects.all().delete()
    call_command("search_reindex")
    assert "approvals.item" in capsys.readouterr().out
    assert IndexedTerm.objects.filter(scope="approvals.item", object_id=item.pk, term="护照").exists()
