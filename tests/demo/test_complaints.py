"""The demo complaints: every state, ratings with rectification orders and appeals; a second run adds nothing."""

from __future__ import annotations

from io import StringIO

from complaints import demo
from complaints.models import (
    AppealStatus,
    Complaint,
    ComplaintStatus,
    ExtensionState,
    RectificationOrder,
    RectificationStatus,
    ServiceRating,
)
from credit.models import CreditEntry, EntryStatus


def test_every_state():
    states = set(Complaint.objects.values_list("status", flat=True))
    assert states == set(ComplaintStatus.values)
    assert Complaint.objects.filter(anonymous=True).exists()
    assert ServiceRating.objects.exists() and RectificationOrder.objects.exists()
    # Ratings in every appeal state, rectification orders in every state (set aside on appeal too).
    assert set(ServiceRating.objects.values_list("appeal_status", flat=True)) == set(AppealStatus.values)
    assert set(RectificationOrder.objects.values_list("status", flat=True)) == set(RectificationStatus.values)
    set_aside = RectificationOrder.objects.filter(status=RectificationStatus.SET_ASIDE)
    assert all(order.rating.appeal_status == AppealStatus.UPHELD for order in set_aside)
    # The rejected appeal's rating stands: its bad_rating credit entry is proposed.
    rejected = ServiceRating.objects.filter(appeal_status=AppealStatus.REJECTED)
    assert (
        CreditEntry.objects.filter(
            source="bad_rating", source_id__in=rejected.values("pk"), status=EntryStatus.PENDING
        ).count()
        == rejected.count()
    )
    # Extension requests wait in the supervisors' queue.
    assert Complaint.objects.filter(extension_state=ExtensionState.REQUESTED).exists()


def test_a_second_run_adds_nothing():
    counts = (Complaint.objects.count(), ServiceRating.objects.count(), RectificationOrder.objects.count())
    appeals = sorted(ServiceRating.objects.exclude(appeal_status="").values_list("pk", "appeal_status"))
    demo.load(StringIO())
    assert (Complaint.objects.count(), ServiceRating.objects.count(), RectificationOrder.objects.count()) == counts
    assert sorted(ServiceRating.objects.exclude(appeal_status="").values_list("pk", "appeal_status")) == appeals
