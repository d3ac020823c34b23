"""API: cards."""

from django.urls import path

from approvals.api import cards
from efficiency_portal.common.routers import IdRouter

router = IdRouter()
router.register("cards", cards.CardViewSet, basename="card")
router.register("talk-flags", cards.TalkFlagViewSet, basename="talk-flag")

urlpatterns = [
    *router.urls,
    path("cases/<int:pk>/flag-refusal/", cards.FlagRefusalView.as_view(), name="case-flag-refusal"),
]
