"""Pages of assessment under one namespace."""

from django.urls import path, re_path

from . import views

PART = "(?P<part>indicator|rule|veto)"

app_name = "assessment"
urlpatterns = [
    path("", views.my_results, name="my_results"),
    path("results/<int:pk>/", views.result_detail, name="result_detail"),
    path("results/<int:pk>/adjust/", views.result_adjust, name="result_adjust"),
    path("forms/", views.my_forms, name="my_forms"),
    path("forms/<int:pk>/", views.form_fill, name="form_fill"),
    path("periods/", views.period_list, name="period_list"),
    path("periods/<int:pk>/", views.period_detail, name="period_detail"),
    path("periods/<int:pk>/assign/", views.period_assign, name="period_assign"),
    path("periods/<int:pk>/run/", views.period_run, name="period_run"),
    path("periods/<int:pk>/publish/", views.period_publish, name="period_publish"),
    path("periods/<int:pk>/adjustment/", views.period_adjustment, name="period_adjustment"),
    path("periods/<int:pk>/veto/", views.period_veto, name="period_veto"),
    path("adjustments/<int:pk>/delete/", views.adjustment_delete, name="adjustment_delete"),
    path("vetoes/<int:pk>/delete/", views.veto_entry_delete, name="veto_entry_delete"),
    # ?state=open (default) or ?state=due: the figures of selectors.dashboard_counts
    path("appeals/", views.appeal_list, name="appeal_list"),
    path("appeals/export/", views.appeal_export, name="appeal_export"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("rankings/", views.rankings, name="rankings"),
    path("rankings/export/", views.rankings_export, name="rankings_export"),
    path("schemes/", views.scheme_list, name="scheme_list"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/settings/", views.scheme_settings, name="scheme_settings"),
    # part: indicator, rule (add/deduct item) or veto
    re_path(rf"^schemes/(?P<pk>[0-9]+)/{PART}/new/$", views.scheme_part_edit, name="scheme_part_add"),
    re_path(rf"^schemes/(?P<pk>[0-9]+)/{PART}/(?P<part_pk>[0-9]+)/$", views.scheme_part_edit, name="scheme_part_edit"),
    re_path(
        rf"^schemes/(?P<pk>[0-9]+)/{PART}/(?P<part_pk>[0-9]+)/delete/$",
        views.scheme_part_delete,
        name="scheme_part_delete",
    ),
]
