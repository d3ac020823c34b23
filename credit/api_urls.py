"""The credit API under /api/credit/."""

app_name = "credit_api"
urlpatterns: list = []
