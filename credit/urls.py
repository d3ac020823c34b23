"""Pages of credit under one namespace."""

app_name = "credit"
urlpatterns: list = []
