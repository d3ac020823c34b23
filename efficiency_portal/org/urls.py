from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("departments/", views.department_list, name="department_list"),
    path("departments/<slug:code>/", views.department_board, name="department_board"),
    path("departments/<slug:code>/status/", views.department_board_status, name="department_board_status"),
    path("away/", views.away_notice_list, name="away_notice_list"),
    path("away/<int:pk>/cancel/", views.away_notice_cancel, name="away_notice_cancel"),
    path("away/<int:pk>/return/", views.away_notice_return, name="away_notice_return"),
    path("directory/", views.staff_directory, name="staff_directory"),
    path("posts/", views.post_manage, name="post_manage"),
    path("posts/<slug:code>/", views.post_list, name="post_list"),
    path("posts/<slug:code>/new/", views.post_edit, name="post_create"),
    path("posts/<slug:code>/<int:pk>/", views.post_edit, name="post_edit"),
]
