from django.urls import path

from . import api

app_name = "dashboards_api"

urlpatterns = [path("", api.DashboardApi.as_view(), name="figures")]
