"""A red-card case proposes pending credit entries against the handler and the department, once."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from approvals.models.cards import CardLevel, CardTrigger
from approvals.services import cards as card_services
from approvals.tasks import propose_credit_for_red_cards_task
from credit import services as credit_services
from credit.models import CreditEntry, EntryStatus, Source
from credit.selectors import score_on
from tests.credit.factories import ensure_seeded_rules

from . import test_cards_services as base
from .test_cards_services import at, make_case

world = base.world


@pytest.fixture(autouse=True)
def _seeded_rules(world) -> None:
    ensure_seeded_rules()


pytestmark = pytest.mark.django_db


def test_red_card_proposes_entries_once_and_a_supervisor_decides(world):
    case = make_case(world.x, world.clerk_x.user)
    with time_machine.travel(at(2025, 10, 9, 10), tick=False):
        card = card_services.raise_card(case, trigger=CardTrigger.LATE_DECISION, at=at(2025, 10, 9))
        yellow = card_services.raise_card(
            make_case(world.x, world.clerk_x2.user), trigger=CardTrigger.LATE_DECISION, level=CardLevel.YELLOW
        )
        assert propose_credit_for_red_cards_task.delay().get() == 1
        assert propose_credit_for_red_cards_task.delay().get() == 0  # nothing left to propose
        assert card_services.propose_credit_for_red_cards([card.pk]) == 0
    entries = CreditEntry.objects.filter(source=Source.RED_CARD)
    assert entries.count() == 2
    personal = entries.get(staff=world.clerk_x)
    department = entries.get(department=world.x)
    assert personal.status == department.status == EntryStatus.PENDING
    assert personal.points == -5 and personal.source_id == card.pk and case.tracking_code in personal.detail
    assert personal.source_link == reverse("approvals:case_work", args=[case.pk])
    assert "李四" not in personal.detail  # nothing of the applicant is copied into credit
    assert not entries.filter(source_id=yellow.pk).exists()
    with time_machine.travel(at(2025, 10, 10, 10), tick=False):
        credit_services.confirm_entry(personal, world.supervisor.user)
        credit_services.dismiss_entry(department, world.supervisor.user, "The delay came from the applicant.")
        assert score_on(staff=world.clerk_x, on=at(2025, 10, 10).date()).points == 995
        assert score_on(department=world.x, on=at(2025, 10, 10).date()).points == 1000


def test_red_card_without_a_handler_proposes_for_the_department_only(world):
    case = make_case(world.y, None)
    with time_machine.travel(at(2025, 10, 9, 10), tick=False):
        card_services.raise_card(case, trigger=CardTrigger.LATE_DECISION, at=at(2025, 10, 9))
        assert card_services.propose_credit_for_red_cards() == 1
    assert list(CreditEntry.objects.values_list("department_id", "staff_id")) == [(world.y.pk, None)]
