"""The complaints API under /api/complaints/."""

app_name = "complaints_api"
urlpatterns: list = []
