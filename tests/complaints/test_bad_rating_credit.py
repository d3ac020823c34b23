"""A bad rating that stands proposes one PENDING ``bad_rating`` credit entry, linked to the rating: after the
department's appeal is rejected, or without an appeal once the rectification is concluded. A rating set aside on
appeal proposes nothing."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from complaints.models import RectificationStatus, ServiceRating
from complaints.services import ratings
from credit.models import CreditEntry, EntryStatus
from tests.factories import DepartmentFactory, ItemFactory, StaffFactory, make_head

from .factories import make_supervisor

pytestmark = pytest.mark.django_db


def entries_of(rating: ServiceRating):
    return CreditEntry.objects.filter(source_type=ContentType.objects.get_for_model(ServiceRating), source_id=rating.pk)


def bad_window_rating(*, handler=True, level=1):
    window = ItemFactory().department
    head = make_head(window)
    clerk = StaffFactory(department=window) if handler else None
    rating = ratings.rate_window_visit(window, level=level, handler=clerk, comment="张三丰投诉：态度恶劣 13912345678")
    return rating, head, clerk


def rectify(rating, head):
    order = rating.rectification
    order = ratings.record_contact(order, head.user, note="已联系")
    return ratings.record_rectification(order, head.user, note="已整改")


def test_unappealed_bad_rating_proposes_one_pending_entry_when_the_rectification_is_concluded():
    rating, head, clerk = bad_window_rating()
    order = rectify(rating, head)
    assert not entries_of(rating).exists()  # rectified but not yet followed up: not concluded
    supervisor = make_supervisor()
    ratings.record_follow_up(order, supervisor, note="回访")
    entry = entries_of(rating).get()
    assert entry.status == EntryStatus.PENDING
    assert entry.rule.code == "bad_rating" and entry.source == "bad_rating"
    assert entry.staff == clerk and entry.department is None
    assert entry.source_link == reverse("complaints:rating_detail", args=[rating.pk])
    assert entry.fact_date == timezone.localdate(rating.rated_at)
    # Nothing the citizen wrote travels to credit.
    assert "张三丰" not in entry.detail and "139" not in entry.detail
    # Idempotent: asking again (a retry, a second path) returns the same entry.
    again = ratings.propose_bad_rating_entries(rating, supervisor)
    assert [e.pk for e in again] == [entry.pk]
    assert entries_of(rating).count() == 1
    assert CreditEntry.objects.count() == 1


def test_rejected_appeal_proposes_the_entry_once():
    rating, head, clerk = bad_window_rating(level=2)
    rating = ratings.appeal_rating(rating, clerk.user, reason="恶意差评")
    assert not entries_of(rating).exists()
    supervisor = make_supervisor()
    rating = ratings.decide_appeal(rating, supervisor, uphold=False, decision="差评属实")
    entry = entries_of(rating).get()
    assert entry.status == EntryStatus.PENDING and entry.staff == clerk
    # The order goes on; concluding it later adds nothing.
    order = rectify(rating, head)
    ratings.record_follow_up(order, supervisor, note="回访")
    assert entries_of(rating).count() == 1
    with pytest.raises(ValidationError):
        ratings.decide_appeal(rating, supervisor, uphold=False, decision="再次")
    assert entries_of(rating).count() == 1


def test_rating_set_aside_on_appeal_proposes_nothing():
    rating, _head, clerk = bad_window_rating()
    rating = ratings.appeal_rating(rating, clerk.user, reason="恶意差评")
    rating = ratings.decide_appeal(rating, make_supervisor(), uphold=True, decision="恶意")
    assert rating.rectification.status == RectificationStatus.SET_ASIDE
    assert ratings.propose_bad_rating_entries(rating) == []
    assert not CreditEntry.objects.exists()


def test_pending_appeal_at_follow_up_waits_for_the_decision():
    rating, head, clerk = bad_window_rating()
    order = rectify(rating, head)
    rating = ratings.appeal_rating(rating, clerk.user, reason="恶意差评")
    supervisor = make_supervisor()
    ratings.record_follow_up(order, supervisor, note="回访")
    assert not entries_of(rating).exists()  # the appeal is still open
    ratings.decide_appeal(rating, supervisor, uphold=True, decision="恶意")
    assert not entries_of(rating).exists()


def test_no_appeal_once_the_rating_stands():
    rating, head, clerk = bad_window_rating()
    ratings.record_follow_up(rectify(rating, head), make_supervisor(), note="回访")
    with pytest.raises(ValidationError) as error:
        ratings.appeal_rating(rating, clerk.user, reason="晚了")
    assert "already stands" in str(error.value)
    assert ServiceRating.objects.get(pk=rating.pk).appeal_status == ""


def test_without_a_handler_the_department_is_the_subject():
    rating, head, _clerk = bad_window_rating(handler=False)
    ratings.record_follow_up(rectify(rating, head), make_supervisor(), note="回访")
    entry = entries_of(rating).get()
    assert entry.department == rating.department and entry.staff is None


def test_good_rating_proposes_nothing():
    window = DepartmentFactory()
    rating = ratings.rate_window_visit(window, level=3)
    assert ratings.propose_bad_rating_entries(rating) == []
    assert not CreditEntry.objects.exists()


def test_the_entry_link_opens_for_the_rated_handler_but_not_for_other_heads(client):
    rating, head, clerk = bad_window_rating()
    ratings.record_follow_up(rectify(rating, head), make_supervisor(), note="回访")
    link = entries_of(rating).get().source_link
    # The handler moved to another department meanwhile: the link still opens for them.
    clerk.department = DepartmentFactory()
    clerk.save(update_fields=["department"])
    client.force_login(clerk.user)
    page = client.get(link)
    assert page.status_code == 200
    assert "Appeal a malicious rating" not in page.content.decode()
    other_head = make_head(DepartmentFactory())
    client.force_login(other_head.user)
    assert client.get(link).status_code == 403
    client.force_login(head.user)
    page = client.get(link)
    assert page.status_code == 200
    assert "Appeal a malicious rating" not in page.content.decode()  # it stands now
