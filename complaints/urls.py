"""Pages of complaints under one namespace."""

app_name = "complaints"
urlpatterns: list = []
