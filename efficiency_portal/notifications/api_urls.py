from django.urls import path

from . import api

app_name = "notifications_api"
urlpatterns = [
    path("", api.NotificationListView.as_view(), name="list"),
    path("unread-count/", api.UnreadCountView.as_view(), name="unread_count"),
    path("read/", api.MarkReadView.as_view(), name="mark_read"),
    path("read-all/", api.MarkAllReadView.as_view(), name="mark_all_read"),
    path("<int:pk>/", api.NotificationDetailView.as_view(), name="detail"),
    path("<int:pk>/read/", api.MarkOneReadView.as_view(), name="mark_one_read"),
]
