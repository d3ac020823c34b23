"""The Celery application: Redis when REDIS_URL is set, the embedded filesystem broker otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "efficiency_portal.settings")

app = Celery("efficiency_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
