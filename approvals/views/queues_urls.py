"""Pages: queues and statistics."""

from django.urls import path

from approvals.views import queues

urlpatterns = [
    path("queue/", queues.my_queue, name="my_queue"),
    path("queue/department/", queues.department_queue, name="department_queue"),
]
