from rest_framework.routers import SimpleRouter

from .api import DeadlineViewSet, WarningViewSet

router = SimpleRouter()
router.register("deadlines", DeadlineViewSet, basename="supervision-deadline")
router.register("warnings", WarningViewSet, basename="supervision-warning")
urlpatterns = router.urls
