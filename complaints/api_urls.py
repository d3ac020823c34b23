"""The complaints API under /api/complaints/, with Open311 GeoReport v2 under /api/complaints/open311/v2/."""

from django.urls import path, re_path

from complaints import api, open311
from efficiency_portal.common.routers import IdRouter

app_name = "complaints_api"

router = IdRouter()
router.register("complaints", api.ComplaintViewSet, basename="complaint")
router.register("department", api.DepartmentComplaintViewSet, basename="department-complaint")
router.register("ratings", api.RatingViewSet, basename="rating")
router.register("rectifications", api.RectificationViewSet, basename="rectification")
router.register("response-templates", api.ResponseTemplateViewSet, basename="response-template")

urlpatterns = [
    path("file/", api.FileView.as_view(), name="file"),
    path("track/", api.TrackView.as_view(), name="track"),
    path("track/rate/", api.TrackRateView.as_view(), name="track-rate"),
    path("track/evidence/", api.TrackEvidenceView.as_view(), name="track-evidence"),
    path("track/reopen/", api.TrackReopenView.as_view(), name="track-reopen"),
    path("intake/<str:channel>/", api.IntakeView.as_view(), name="intake"),
    path("window-ratings/", api.WindowRatingView.as_view(), name="window-rating"),
    path("case-ratings/", api.CaseRatingView.as_view(), name="case-rating"),
    path("statistics/", api.StatisticsView.as_view(), name="statistics"),
    re_path(r"^open311/v2/services\.(?P<format>json|xml)$", open311.ServicesView.as_view(), name="open311-services"),
    re_path(r"^open311/v2/requests\.(?P<format>json|xml)$", open311.RequestsView.as_view(), name="open311-requests"),
    re_path(
        r"^open311/v2/requests/(?P<code>[A-Za-z0-9]{1,20})\.(?P<format>json|xml)$",
        open311.RequestView.as_view(),
        name="open311-request",
    ),
    *router.urls,
]
