"""Pages: queues and statistics."""

from django.urls import path

from approvals.views import queues, queues_stats

urlpatterns = [
    path("queue/", queues.my_queue, name="my_queue"),
    path("queue/department/", queues.department_queue, name="department_queue"),
    path("statistics/", queues_stats.statistics, name="statistics"),
    path("statistics/<slug:code>/", queues_stats.department_statistics, name="department_statistics"),
]
