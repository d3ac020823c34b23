"""Pages: cards."""

from django.urls import path

from approvals.views import cards

urlpatterns = [
    path("cards/mine/", cards.my_cards, name="my_cards"),
    path("cards/<int:pk>/explain/", cards.card_explain, name="card_explain"),
    path("cards/review/", cards.card_review_list, name="card_review_list"),
    path("cards/<int:pk>/review/", cards.card_review, name="card_review"),
    path("cards/talks/", cards.talk_flags, name="talk_flags"),
    path("cards/talks/<int:pk>/held/", cards.talk_held, name="talk_held"),
    path("cards/refused-cases/", cards.refused_cases, name="refused_cases"),
    path("cases/<int:pk>/flag-refusal/", cards.flag_refusal, name="flag_refusal"),
]
