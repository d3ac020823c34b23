from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("warnings/", views.my_warnings, name="my_warnings"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning_detail"),
    path("deadlines/", views.deadline_list, name="deadline_list"),
    path("deadlines/<int:pk>/", views.deadline_detail, name="deadline_detail"),
]
