from django.urls import path

from . import api

urlpatterns = [
    path("days/", api.SpecialDaysView.as_view(), name="workdays-days"),
    path("due/", api.DueDateView.as_view(), name="workdays-due"),
]
