"""Pages: applying, tracking, materials, pre-review."""

from django.urls import path

from approvals.views import applying

urlpatterns: list = [
    path("apply/done/", applying.apply_done, name="apply_done"),
    path("apply/<slug:code>/", applying.apply, name="apply"),
    path("window/<slug:code>/", applying.window_intake, name="window_intake"),
    path("track/", applying.track, name="track"),
    path("track/<int:pk>/", applying.track_case, name="track_case"),
    path("my/cases/", applying.my_cases, name="my_cases"),
    path("my/cases/<int:pk>/", applying.track_case, name="my_case"),
    path("materials/<int:pk>/", applying.material_download, name="material_download"),
    path("prereview/<int:pk>/", applying.prereview, name="prereview"),
    path("prereview/<int:pk>/accept/", applying.prereview_accept, name="prereview_accept"),
    path("prereview/<int:pk>/refuse/", applying.prereview_refuse, name="prereview_refuse"),
    path("prereview/<int:pk>/notice/", applying.prereview_notice, name="prereview_notice"),
]
