"""Card pages and API: permission matrices, forms with bad input, constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvals.models import CaseStatus
from approvals.models.cards import Card, CardLevel, CardTrigger, ExplanationStatus, TalkFlag
from approvals.services import cards as card_services

from . import test_cards_services as base
from .test_cards_services import MATRIX, World, at, make_case

world = base.world


def client_for(world: World, who: str) -> Client:
    client = Client()
    user = world.user(who)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def card(world) -> Card:
    case = make_case(world.x, world.clerk_x.user)
    return card_services.raise_card(case, trigger=CardTrigger.LATE_DECISION, at=at(2025, 10, 9))


@pytest.fixture
def submitted(world, card) -> Card:
    return card_services.submit_explanation(card, world.clerk_x.user, "因专家评审延误，未能按时作出决定。")


def status_of(response) -> int:
    # A redirect to the sign-in page counts as "not allowed" for anonymous visitors.
    return 302 if response.status_code == 302 and "login" in response["Location"] else response.status_code


PAGE_MATRIX = {
    # who: (my_cards, card_explain, card_review_list, card_review, talk_flags, flag_refusal)
    "anonymous": (302, 302, 302, 302, 302, 302),
    "citizen": (403, 403, 403, 403, 403, 403),
    "clerk_x": (200, 200, 403, 403, 403, 403),
    "clerk_x2": (200, 404, 403, 403, 403, 403),
    "clerk_y": (200, 404, 403, 403, 403, 403),
    "head_x": (200, 404, 403, 403, 200, 403),
    "leader": (200, 404, 403, 403, 200, 403),
    "supervisor": (200, 404, 200, 200, 200, 200),
    "admin": (200, 404, 200, 200, 200, 200),
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", MATRIX)
def test_page_permission_matrix(world, submitted, who):
    refused = make_case(world.x, world.clerk_x.user, status=CaseStatus.REFUSED)
    client = client_for(world, who)
    urls = [
        reverse("approvals:my_cards"),
        reverse("approvals:card_explain", args=[submitted.pk]),
        reverse("approvals:card_review_list"),
        reverse("approvals:card_review", args=[submitted.pk]),
        reverse("approvals:talk_flags"),
        reverse("approvals:flag_refusal", args=[refused.pk]),
    ]
    got = tuple(status_of(client.get(url)) for url in urls)
    assert got == PAGE_MATRIX[who]


@pytest.mark.django_db
def test_handler_explains_on_the_page_with_errors_next_to_the_field(world, card):
    client = client_for(world, "clerk_x")
    url = reverse("approvals:card_explain", args=[card.pk])
    response = client.post(url, {"explanation": "太忙"})
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    card.refresh_from_db()
    assert card.explanation_status == ExplanationStatus.AWAITING

    response = client.post(url, {"explanation": "因专家评审延误，未能按时作出决定。"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.explanation_status == ExplanationStatus.SUBMITTED
    # Sent: a second post is refused, the explanation stays.
    assert client.post(url, {"explanation": "另一份足够长的说明文字。"}).status_code == 400
    card.refresh_from_db()
    assert card.explanation.startswith("因专家评审")


@pytest.mark.django_db
def test_my_cards_lists_awaiting_first_with_constant_queries(world, django_assert_max_num_queries):
    first = card_services.raise_card(
        make_case(world.x, world.clerk_x.user), trigger=CardTrigger.LATE_DECISION, at=at(2025, 10, 1)
    )
    card_services.raise_card(
        make_case(world.x, world.clerk_x.user), trigger=CardTrigger.WARNING, level=CardLevel.YELLOW, at=at(2025, 10, 20)
    )
    client = client_for(world, "clerk_x")
    response = client.get(reverse("approvals:my_cards"))
    cards = list(response.context["page"].object_list)
    assert cards[0] == first and len(cards) == 2
    assert "approvals:card_explain" not in response.content.decode()
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("approvals:my_cards"))
    for day in range(2, 12):
        case = make_case(world.x, world.clerk_x.user)
        card_services.raise_card(case, trigger=CardTrigger.LATE_DECISION, at=at(2025, 10, day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("approvals:my_cards"))
    assert len(response.context["page"].object_list) == 12


@pytest.mark.django_db
def test_supervisor_reviews_on_the_page(world, submitted):
    client = client_for(world, "supervisor")
    url = reverse("approvals:card_review", args=[submitted.pk])
    response = client.post(url, {"decision": "reject", "note": ""})
    assert response.status_code == 400
    response = client.post(url, {"decision": "maybe"})
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.explanation_status == ExplanationStatus.SUBMITTED
    assert client.post(url, {"decision": "reject", "note": "未附证明材料"}).status_code == 302
    submitted.refresh_from_db()
    assert (submitted.explanation_status, submitted.review_note) == (ExplanationStatus.REJECTED, "未附证明材料")


@pytest.mark.django_db
def test_review_list_filters_keyset_pages_and_constant_queries(world, django_assert_max_num_queries):
    for day in range(1, 8):
        case = make_case(world.x if day % 2 else world.y, world.clerk_x.user if day % 2 else world.clerk_y.user)
        card = card_services.raise_card(case, trigger=CardTrigger.LATE_DECISION, at=at(2025, 10, day))
        card_services.submit_explanation(card, card.handler, "因专家评审延误，未能按时作出决定。")
    client = client_for(world, "supervisor")
    url = reverse("approvals:card_review_list")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert len(response.context["page"].items) == 7
    response = client.get(url, {"department": world.x.pk, "level": "red", "month": "2025-10", "status": "submitted"})
    assert {c.department_id for c in response.context["page"].items} == {world.x.pk}
    assert len(response.context["page"].items) == 4
    assert client.get(url, {"month": "2025-13"}).status_code == 400
    assert client.get(url, {"level": "purple"}).status_code == 400
    assert client.get(url, {"cursor": "!!!"}).status_code == 400

    from approvals.selectors import cards as selectors

    first = selectors.keyset_page(selectors.review_queue(selectors.ReviewFilters()), None, size=3)
    second = selectors.keyset_page(selectors.review_queue(selectors.ReviewFilters()), first.next_cursor, size=3)
    assert [timezone.localtime(c.raised_at).day for c in first.items] == [7, 6, 5]
    assert [timezone.localtime(c.raised_at).day for c in second.items] == [4, 3, 2]
    with django_assert_max_num_queries(12):
        client.get(url, {"cursor": first.next_cursor})


@pytest.mark.django_db
def test_talk_flags_page_scoped_and_supervisor_records_the_talk(world):
    month = timezone.localdate().replace(day=1)
    flag_x = TalkFlag.objects.create(department=world.x, month=month, red_cards=2, raised_at=at(2025, 10, 9))
    TalkFlag.objects.create(department=world.y, month=month, red_cards=3, raised_at=at(2025, 10, 9))
    head_page = client_for(world, "head_x").get(reverse("approvals:talk_flags"))
    assert [f.department for f in head_page.context["flags"]] == [world.x]
    supervisor = client_for(world, "supervisor")
    assert len(supervisor.get(reverse("approvals:talk_flags")).context["flags"]) == 2
    assert supervisor.get(reverse("approvals:talk_flags"), {"month": "nope"}).status_code == 400

    held = reverse("approvals:talk_held", args=[flag_x.pk])
    assert client_for(world, "head_x").post(held, {"note": "已约谈"}).status_code == 403
    assert supervisor.post(held, {"note": ""}).status_code == 400
    assert supervisor.post(held, {"note": "已约谈王科长"}).status_code == 302
    flag_x.refresh_from_db()
    assert flag_x.held_by == world.supervisor.user
    assert supervisor.post(held, {"note": "再次"}).status_code == 400


@pytest.mark.django_db
def test_flag_refusal_page(world):
    refused = make_case(world.x, world.clerk_x.user, status=CaseStatus.REFUSED)
    running = make_case(world.x, world.clerk_x.user)
    client = client_for(world, "supervisor")
    assert client.post(reverse("approvals:flag_refusal", args=[running.pk]), {"note": "无理由"}).status_code == 400
    assert client.post(reverse("approvals:flag_refusal", args=[refused.pk]), {"note": ""}).status_code == 400
    assert Card.objects.count() == 0
    response = client.post(reverse("approvals:flag_refusal", args=[refused.pk]), {"note": "不予受理理由不成立"})
    assert response.status_code == 302
    assert Card.objects.get().trigger == CardTrigger.REFUSAL_WITHOUT_REASON
    assert client.post(reverse("approvals:flag_refusal", args=[refused.pk]), {"note": "again"}).status_code == 400
    assert (
        client_for(world, "clerk_x")
        .post(reverse("approvals:flag_refusal", args=[refused.pk]), {"note": "x"})
        .status_code
        == 403
    )


# --- API ----------------------------------------------------------------------------------------------------------

API_LIST_MATRIX = {
    # who: (status, cards seen of [x's card, y's card])
    "anonymous": (403, None),
    "citizen": (200, set()),
    "clerk_x": (200, {"x"}),
    "clerk_x2": (200, set()),
    "clerk_y": (200, {"y"}),
    "head_x": (200, {"x"}),
    "leader": (200, {"x"}),
    "supervisor": (200, {"x", "y"}),
    "admin": (200, {"x", "y"}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", MATRIX)
def test_api_card_list_is_scoped(world, who):
    x_card = card_services.raise_card(make_case(world.x, world.clerk_x.user), trigger=CardTrigger.LATE_DECISION)
    y_card = card_services.raise_card(make_case(world.y, world.clerk_y.user), trigger=CardTrigger.LATE_DECISION)
    names = {x_card.pk: "x", y_card.pk: "y"}
    response = client_for(world, who).get(reverse("approvals_api:card-list"))
    expected_status, expected = API_LIST_MATRIX[who]
    assert response.status_code == expected_status
    if expected is not None:
        assert {names[row["id"]] for row in response.json()["results"]} == expected


@pytest.mark.django_db
def test_api_explain_review_with_field_errors(world, card):
    explain = reverse("approvals_api:card-explain", args=[card.pk])
    review = reverse("approvals_api:card-review", args=[card.pk])
    assert client_for(world, "clerk_y").post(explain, {"explanation": "x" * 20}).status_code == 404
    assert client_for(world, "head_x").post(explain, {"explanation": "x" * 20}).status_code == 403
    handler = client_for(world, "clerk_x")
    response = handler.post(explain, {"explanation": "短"}, content_type="application/json")
    assert response.status_code == 400 and "explanation" in response.json()
    assert handler.post(explain, {"explanation": "因专家评审延误，未能按时。"}).status_code == 200
    assert handler.post(review, {"accept": True}).status_code == 403

    supervisor = client_for(world, "supervisor")
    response = supervisor.post(review, {"accept": False, "note": ""}, content_type="application/json")
    assert response.status_code == 400 and "note" in response.json()
    assert supervisor.post(review, {"accept": "perhaps"}).status_code == 400
    response = supervisor.post(review, {"accept": True}, content_type="application/json")
    assert response.status_code == 200 and response.json()["explanation_status"] == ExplanationStatus.ACCEPTED
    response = supervisor.post(review, {"accept": True}, content_type="application/json")
    assert response.status_code == 400 and "explanation_status" in response.json()


@pytest.mark.django_db
def test_api_talk_flags_and_flag_refusal(world):
    flag = TalkFlag.objects.create(
        department=world.x, month=dt.date(2025, 10, 1), red_cards=2, raised_at=at(2025, 10, 9)
    )
    TalkFlag.objects.create(department=world.y, month=dt.date(2025, 10, 1), red_cards=2, raised_at=at(2025, 10, 9))
    assert len(client_for(world, "leader").get(reverse("approvals_api:talk-flag-list")).json()["results"]) == 1
    assert len(client_for(world, "clerk_x").get(reverse("approvals_api:talk-flag-list")).json()["results"]) == 0
    held = reverse("approvals_api:talk-flag-held", args=[flag.pk])
    assert client_for(world, "head_x").post(held, {"note": "x"}).status_code == 403
    supervisor = client_for(world, "supervisor")
    assert supervisor.post(held, {}).status_code == 400
    assert supervisor.post(held, {"note": "已约谈"}).status_code == 200

    refused = make_case(world.x, world.clerk_x.user, status=CaseStatus.REFUSED)
    url = reverse("approvals_api:case-flag-refusal", args=[refused.pk])
    assert client_for(world, "head_x").post(url, {"note": "x"}).status_code == 403
    assert client_for(world, "anonymous").post(url, {"note": "x"}).status_code == 403
    assert supervisor.post(url, {}).status_code == 400
    response = supervisor.post(url, {"note": "理由不成立"})
    assert response.status_code == 201 and response.json()["trigger"] == CardTrigger.REFUSAL_WITHOUT_REASON
    running = make_case(world.x, world.clerk_x.user)
    response = supervisor.post(reverse("approvals_api:case-flag-refusal", args=[running.pk]), {"note": "x"})
    assert response.status_code == 400 and "case" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("who", MATRIX)
def test_refused_cases_list_for_supervisors_only(world, who):
    response = client_for(world, who).get(reverse("approvals:refused_cases"))
    expected = {"anonymous": 302, "supervisor": 200, "admin": 200}.get(who, 403)
    assert status_of(response) == expected


@pytest.mark.django_db
def test_refused_cases_list_marks_flagged_pages_by_keyset_and_keeps_queries_constant(
    world, django_assert_max_num_queries
):
    from approvals.models import Case

    def refuse(n: int) -> list:
        cases = [make_case(world.x, world.clerk_x.user, status=CaseStatus.REFUSED) for _ in range(n)]
        for day, case in enumerate(cases, start=1):
            Case.objects.filter(pk=case.pk).update(decided_at=at(2025, 10, day), decision_reason="材料不全")
        return cases

    cases = refuse(3)
    make_case(world.x, world.clerk_x.user)  # not refused: not listed
    card_services.flag_refusal_without_reason(cases[0], world.supervisor.user, "理由不成立")
    client = client_for(world, "supervisor")
    url = reverse("approvals:refused_cases")
    with django_assert_max_num_queries(10) as few:
        response = client.get(url)
    rows = response.context["page"].items
    assert [case.pk for case in rows] == [cases[2].pk, cases[1].pk, cases[0].pk]
    assert [case.flagged for case in rows] == [False, False, True]
    assert reverse("approvals:case_work", args=[cases[2].pk]) in response.content.decode()
    Case.objects.filter(pk__in=[c.pk for c in refuse(20)]).update(decided_at=at(2025, 9, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].items) == 23
    assert client.get(url, {"cursor": "bad"}).status_code == 400

    from approvals.selectors import cards as selectors

    first = selectors.refused_page(selectors.refused_cases(), None, size=10)
    second = selectors.refused_page(selectors.refused_cases(), first.next_cursor, size=10)
    third = selectors.refused_page(selectors.refused_cases(), second.next_cursor, size=10)
    seen = [c.pk for c in first.items + second.items + third.items]
    assert len(seen) == len(set(seen)) == 23 and third.next_cursor is None
