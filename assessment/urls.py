"""Pages of assessment under one namespace."""

from django.urls import path, re_path

from .views import evaluation_forms, periods, rankings, results, schemes

PART = "(?P<part>indicator|rule|veto)"

app_name = "assessment"
urlpatterns = [
    path("", results.my_results, name="my_results"),
    path("results/<int:pk>/", results.result_detail, name="result_detail"),
    path("results/<int:pk>/adjust/", results.result_adjust, name="result_adjust"),
    path("forms/", evaluation_forms.my_forms, name="my_forms"),
    path("forms/<int:pk>/", evaluation_forms.form_fill, name="form_fill"),
    path("periods/", periods.period_list, name="period_list"),
    path("periods/<int:pk>/", periods.period_detail, name="period_detail"),
    path("periods/<int:pk>/assign/", periods.period_assign, name="period_assign"),
    path("periods/<int:pk>/run/", periods.period_run, name="period_run"),
    path("periods/<int:pk>/publish/", periods.period_publish, name="period_publish"),
    path("periods/<int:pk>/adjustment/", periods.period_adjustment, name="period_adjustment"),
    path("periods/<int:pk>/veto/", periods.period_veto, name="period_veto"),
    path("adjustments/<int:pk>/delete/", periods.adjustment_delete, name="adjustment_delete"),
    path("vetoes/<int:pk>/delete/", periods.veto_entry_delete, name="veto_entry_delete"),
    # ?state=open (default) or ?state=due: the figures of selectors.dashboard_counts
    path("appeals/", results.appeal_list, name="appeal_list"),
    path("appeals/export/", results.appeal_export, name="appeal_export"),
    path("appeals/<int:pk>/decide/", results.appeal_decide, name="appeal_decide"),
    path("rankings/", rankings.rankings, name="rankings"),
    path("rankings/export/", rankings.rankings_export, name="rankings_export"),
    path("schemes/", schemes.scheme_list, name="scheme_list"),
    path("schemes/new/", schemes.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", schemes.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/settings/", schemes.scheme_settings, name="scheme_settings"),
    # part: indicator, rule (add/deduct item) or veto
    re_path(rf"^schemes/(?P<pk>[0-9]+)/{PART}/new/$", schemes.scheme_part_edit, name="scheme_part_add"),
    re_path(
        rf"^schemes/(?P<pk>[0-9]+)/{PART}/(?P<part_pk>[0-9]+)/$", schemes.scheme_part_edit, name="scheme_part_edit"
    ),
    re_path(
        rf"^schemes/(?P<pk>[0-9]+)/{PART}/(?P<part_pk>[0-9]+)/delete/$",
        schemes.scheme_part_delete,
        name="scheme_part_delete",
    ),
]
