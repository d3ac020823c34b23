"""API: case processing for staff."""

from django.urls import path

from approvals.api import work

urlpatterns = [
    path("cases/<int:pk>/", work.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:pk>/assign/", work.AssignView.as_view(), name="case-assign"),
    path("cases/<int:pk>/complete-step/", work.CompleteStepView.as_view(), name="case-complete-step"),
    path("cases/<int:pk>/pause/", work.PauseView.as_view(), name="case-pause"),
    path("cases/<int:pk>/resume/", work.ResumeView.as_view(), name="case-resume"),
    path("cases/<int:pk>/extension/", work.ExtensionView.as_view(), name="case-extension"),
    path("cases/<int:pk>/decide/", work.DecideView.as_view(), name="case-decide"),
    path("cases/<int:pk>/result/", work.ResultView.as_view(), name="case-result"),
    path("cases/<int:pk>/deliver/", work.DeliverView.as_view(), name="case-deliver"),
    path("cases/<int:pk>/joint/", work.JointView.as_view(), name="case-joint"),
    path("cases/<int:pk>/joint/<int:part_pk>/opinion/", work.JointOpinionView.as_view(), name="case-joint-opinion"),
    path("extensions/", work.PendingExtensionsView.as_view(), name="extension-list"),
    path("extensions/<int:pk>/decide/", work.ExtensionDecisionView.as_view(), name="extension-decide"),
]
