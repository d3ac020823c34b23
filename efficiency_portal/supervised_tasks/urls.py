from django.urls import path

from . import views

app_name = "supervised_tasks"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("new/", views.task_create, name="create"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/report/", views.task_report, name="report"),
    path("<int:pk>/close/", views.task_close, name="close"),
    path("<int:pk>/return/", views.task_return, name="return"),
    path("<int:pk>/extend/", views.task_extend, name="extend"),
    path("<int:pk>/public-note/", views.task_public_note, name="public_note"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
