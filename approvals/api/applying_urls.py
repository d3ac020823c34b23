"""API: applying and tracking."""

from django.urls import path

from approvals.api import applying as views

urlpatterns: list = [
    path("apply/<slug:code>/", views.ApplyView.as_view(), name="apply"),
    path("track/", views.TrackView.as_view(), name="track"),
    path("track/supplement/", views.SupplementView.as_view(), name="supplement"),
]
