"""The assessment API under /api/assessment/."""

from efficiency_portal.common.routers import IdRouter

from .api import views

app_name = "assessment_api"

router = IdRouter()
router.register("schemes", views.SchemeViewSet, basename="scheme")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("results", views.ResultViewSet, basename="result")
router.register("my-results", views.MyResultViewSet, basename="my-result")
router.register("forms", views.MyFormViewSet, basename="form")

urlpatterns = router.urls
