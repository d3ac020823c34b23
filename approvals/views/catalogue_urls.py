"""Pages: catalogue."""

from django.urls import path

from approvals.views import catalogue as views

urlpatterns: list = [
    path("items/", views.catalogue_view, name="catalogue"),
    path("items/manage/", views.item_manage_view, name="item_manage"),
    path("items/new/", views.item_create_view, name="item_create"),
    path("items/<slug:code>/", views.item_guide_view, name="item_guide"),
    path("items/<slug:code>/edit/", views.item_edit_view, name="item_edit"),
    path("items/<slug:code>/materials/", views.item_materials_view, name="item_materials"),
    path("items/<slug:code>/materials/<int:pk>/", views.material_edit_view, name="material_edit"),
    path("items/<slug:code>/materials/<int:pk>/delete/", views.material_delete_view, name="material_delete"),
    path("items/<slug:code>/steps/", views.item_steps_view, name="item_steps"),
    path("items/<slug:code>/publish/", views.item_publish_view, name="item_publish"),
]
