"""The credit API under /api/credit/."""

from django.urls import path

from credit import api
from efficiency_portal.common.routers import IdRouter

app_name = "credit_api"

router = IdRouter()
router.register("rules", api.RuleViewSet, basename="rule")
router.register("entries", api.EntryViewSet, basename="entry")
router.register("objections", api.ObjectionViewSet, basename="objection")

urlpatterns = [
    *router.urls,
    path("scores/", api.ScoreListView.as_view(), name="scores"),
    path("scores/mine/", api.MyScoreView.as_view(), name="my-score"),
    path("scores/distribution/", api.GradeDistributionView.as_view(), name="grade-distribution"),
    path("blacklist/", api.BlacklistView.as_view(), name="blacklist"),
    path("subjects/staff/<int:pk>/", api.StaffRecordView.as_view(), name="staff-record"),
    path("subjects/departments/<int:pk>/", api.DepartmentRecordView.as_view(), name="department-record"),
]
