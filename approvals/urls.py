"""Pages of approvals under one namespace; each area keeps its own URL list."""

from approvals.views import applying_urls, cards_urls, catalogue_urls, queues_urls, work_urls

app_name = "approvals"
urlpatterns = [
    *catalogue_urls.urlpatterns,
    *applying_urls.urlpatterns,
    *work_urls.urlpatterns,
    *cards_urls.urlpatterns,
    *queues_urls.urlpatterns,
]
