from efficiency_portal.common.routers import IdRouter

from .api import DeadlineViewSet, WarningViewSet

router = IdRouter()
router.register("deadlines", DeadlineViewSet, basename="supervision-deadline")
router.register("warnings", WarningViewSet, basename="supervision-warning")
urlpatterns = router.urls
