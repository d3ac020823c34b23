"""Pages: the staff case page and its actions, extension requests for leaders in charge."""

from django.urls import path

from approvals.views import work

urlpatterns = [
    path("cases/<int:pk>/work/", work.case_work, name="case_work"),
    path("cases/<int:pk>/work/<slug:action>/", work.case_action, name="case_action"),
    path("cases/<int:pk>/joint/<int:part_pk>/opinion/", work.joint_opinion, name="joint_opinion"),
    path("cases/<int:pk>/result-document/", work.result_download, name="result_download"),
    path("extensions/", work.extension_requests, name="extension_requests"),
    path("extensions/<int:pk>/decide/", work.extension_decide, name="extension_decide"),
]
