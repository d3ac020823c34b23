"""The approvals API under /api/approvals/; each area keeps its own route list."""

from approvals.api import applying_urls, cards_urls, catalogue_urls, queues_urls, work_urls

app_name = "approvals_api"
urlpatterns = [
    *catalogue_urls.urlpatterns,
    *applying_urls.urlpatterns,
    *work_urls.urlpatterns,
    *cards_urls.urlpatterns,
    *queues_urls.urlpatterns,
]
