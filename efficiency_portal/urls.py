from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from efficiency_portal.common import display
from efficiency_portal.common import views as common_views

urlpatterns = [
    path("", common_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("display/", display.set_display_mode, name="set_display_mode"),
    path("accounts/", include("efficiency_portal.accounts.urls")),
    path("org/", include("efficiency_portal.org.urls")),
    path("calendar/", include("efficiency_portal.workdays.urls")),
    path("supervision/", include("efficiency_portal.supervision.urls")),
    path("notifications/", include("efficiency_portal.notifications.urls")),
    path("audit/", include("efficiency_portal.audit.urls")),
    path("approvals/", include("approvals.urls")),
    path("credit/", include("credit.urls")),
    path("complaints/", include("complaints.urls")),
    path("assessment/", include("assessment.urls")),
    path("tasks/", include("efficiency_portal.supervised_tasks.urls")),
    # /dashboard/... and the public /public/... pages, under one namespace.
    path("", include("efficiency_portal.dashboards.urls")),
    path("api/", include("efficiency_portal.common.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

# A database that cannot be reached answers 503 with the posted text kept; anything else Django's 500.
handler500 = "efficiency_portal.common.unavailable.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
