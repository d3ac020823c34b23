"""Pages of credit under one namespace."""

from django.urls import path

from credit import views

app_name = "credit"
urlpatterns = [
    path("mine/", views.my_record, name="my_record"),
    path("subjects/", views.subject_list, name="subject_list"),
    path("subjects/staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("subjects/departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("blacklist/", views.blacklist, name="blacklist"),
    path("entries/", views.entry_list, name="entry_list"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/pending/", views.pending_list, name="pending_list"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/confirm/", views.entry_confirm, name="entry_confirm"),
    path("entries/<int:pk>/dismiss/", views.entry_dismiss, name="entry_dismiss"),
    path("entries/<int:pk>/object/", views.entry_object, name="entry_object"),
    path("objections/", views.objection_list, name="objection_list"),
    path("objections/<int:pk>/accept/", views.objection_accept, name="objection_accept"),
    path("objections/<int:pk>/decide/", views.objection_decide, name="objection_decide"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_edit, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
]
