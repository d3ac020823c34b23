"""Included at the site root: the dashboards under /dashboard/, the public disclosure pages under /public/."""

from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.command_centre, name="command_centre"),
    path("dashboard/department/", views.department, name="department"),
    path("dashboard/me/", views.my_page, name="me"),
    path("dashboard/<slug:scope>/live.json", views.live, name="live"),
    path("dashboard/<slug:scope>/list/<slug:key>/", views.drill_down, name="drill"),
    path("public/", views.disclosure, name="disclosure"),
    path("public/<slug:code>/", views.disclosure_department, name="disclosure_department"),
]
