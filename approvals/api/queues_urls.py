"""API: queues."""

from django.urls import path

from approvals.api import queues, stats

urlpatterns = [
    path("queue/", queues.MyQueueView.as_view(), name="my_queue"),
    path("queue/department/<slug:code>/", queues.DepartmentQueueView.as_view(), name="department_queue"),
    path("statistics/", stats.StatisticsView.as_view(), name="statistics"),
    path("statistics/<slug:code>/", stats.DepartmentStatisticsView.as_view(), name="department_statistics"),
]
