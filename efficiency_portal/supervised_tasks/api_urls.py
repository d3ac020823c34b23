from django.urls import path

from . import api

app_name = "supervised_tasks_api"

urlpatterns = [
    path("", api.TaskListApi.as_view(), name="list"),
    path("<int:pk>/", api.TaskDetailApi.as_view(), name="detail"),
    path("<int:pk>/report/", api.TaskReportApi.as_view(), name="report"),
    path("<int:pk>/close/", api.TaskCloseApi.as_view(), name="close"),
    path("<int:pk>/return/", api.TaskReturnApi.as_view(), name="return"),
    path("<int:pk>/extend/", api.TaskExtendApi.as_view(), name="extend"),
]
