from django.urls import path

from efficiency_portal.common.routers import IdRouter

from . import api

router = IdRouter()
router.register("staff", api.StaffViewSet, basename="org-staff")
router.register("posts", api.PostViewSet, basename="org-post")
router.register("away-notices", api.AwayNoticeViewSet, basename="org-away-notice")

urlpatterns = [
    path("departments/", api.DepartmentTreeView.as_view(), name="org-department-tree"),
    path("board/<slug:code>/", api.BoardView.as_view(), name="org-board"),
    *router.urls,
]
