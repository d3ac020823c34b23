"""One API root: each app contributes its routes here."""

from django.urls import include, path

urlpatterns = [
    path("org/", include("efficiency_portal.org.api_urls")),
    path("calendar/", include("efficiency_portal.workdays.api_urls")),
    path("supervision/", include("efficiency_portal.supervision.api_urls")),
    path("notifications/", include("efficiency_portal.notifications.api_urls")),
    path("approvals/", include("approvals.api_urls")),
    path("credit/", include("credit.api_urls")),
    path("complaints/", include("complaints.api_urls")),
    path("assessment/", include("assessment.api_urls")),
    path("tasks/", include("efficiency_portal.supervised_tasks.api_urls")),
    path("dashboard/", include("efficiency_portal.dashboards.api_urls")),
]
