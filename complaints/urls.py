"""Pages of complaints under one namespace."""

from django.urls import path

from .views import department, findings, public, ratings, work

app_name = "complaints"
urlpatterns = [
    path("file/", public.file, name="file"),
    path("file/done/", public.file_done, name="file_done"),
    path("track/", public.track, name="track"),
    path("track/<int:pk>/", public.track_detail, name="track_detail"),
    path("mine/", public.my_complaints, name="my_complaints"),
    path("attachments/<int:pk>/", public.attachment_download, name="attachment"),
    path("work/", work.work_list, name="work_list"),
    path("work/<int:pk>/", work.detail, name="detail"),
    path("work/<int:pk>/reveal/", work.reveal, name="reveal"),
    path("intake/", work.intake, name="intake"),
    path("statistics/", work.statistics, name="statistics"),
    path("findings/<int:pk>/", findings.finding, name="finding"),
    path("department/", department.department_list, name="department_list"),
    path("department/<int:pk>/", department.department_detail, name="department_detail"),
    path("ratings/", ratings.rating_list, name="rating_list"),
    path("ratings/<int:pk>/", ratings.rating_detail, name="rating_detail"),
    path("ratings/mine/", ratings.my_ratings, name="my_ratings"),
    path("rate/case/<int:pk>/", ratings.rate_case, name="rate_case"),
    path("rate/window/", public.rate_window, name="rate_window"),
    path("rectifications/", ratings.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", ratings.rectification_detail, name="rectification_detail"),
]
