"""The assessment API under /api/assessment/."""

app_name = "assessment_api"
urlpatterns: list = []
