"""The assessment API under /api/assessment/."""

from rest_framework.routers import SimpleRouter

from .api import views

app_name = "assessment_api"

router = SimpleRouter()
router.register("schemes", views.SchemeViewSet, basename="scheme")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("results", views.ResultViewSet, basename="result")
router.register("my-results", views.MyResultViewSet, basename="my-result")
router.register("forms", views.MyFormViewSet, basename="form")

urlpatterns = router.urls
