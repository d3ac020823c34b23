"""Pages of assessment under one namespace."""

app_name = "assessment"
urlpatterns: list = []
