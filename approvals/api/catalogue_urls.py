"""API: catalogue."""

from django.urls import path

from approvals.api import catalogue as views

urlpatterns: list = [
    path("items/", views.ItemListView.as_view(), name="item_list"),
    path("search/", views.SearchView.as_view(), name="item_search"),
    path("items/<slug:code>/", views.ItemDetailView.as_view(), name="item_detail"),
    path("items/<slug:code>/steps/", views.ItemStepsView.as_view(), name="item_steps"),
    path("items/<slug:code>/materials/", views.ItemMaterialsView.as_view(), name="item_materials"),
    path("items/<slug:code>/materials/<int:pk>/", views.ItemMaterialDetailView.as_view(), name="item_material_detail"),
    path("items/<slug:code>/publish/", views.ItemPublishView.as_view(), name="item_publish"),
]
